import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe } from '@jest/globals';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { EventStoreDbTestServer } from './eventstoredb-test-server/eventstoredb-test-server.js';
import { tempDir } from './temp-dir.js';

export type StoreKind = 'sqlite' | 'eventstoredb';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'eventstoredb'];

/** A running Docket on a real port, from an empty data folder, on one kind of event store. */
export interface RunningApp {
  store: StoreKind;
  baseUrl: string;
  app: INestApplication;
  /** The protocol-level EventStoreDB server behind the app, when `store` is `eventstoredb`. */
  eventStoreDb: EventStoreDbTestServer | null;
}

export async function startApp(store: StoreKind, env: Record<string, string> = {}): Promise<RunningApp & { restart(): Promise<void>; stop(): Promise<void> }> {
  const data = tempDir('docket-e2e-');
  const eventStoreDb = store === 'eventstoredb' ? await EventStoreDbTestServer.start() : null;
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: data.path,
    ...(eventStoreDb ? { EVENTSTORE_CONNECTION_STRING: eventStoreDb.connectionString } : {}),
    ...env,
  });
  const listen = async () => {
    const app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    return { app, baseUrl: `http://127.0.0.1:${address.port}` };
  };
  const running = { store, eventStoreDb, ...(await listen()) };
  return Object.assign(running, {
    /** A new process, as far as the app can tell: the same data folder and store, nothing kept in memory. */
    async restart() {
      await running.app.close();
      Object.assign(running, await listen());
    },
    async stop() {
      await running.app.close();
      await eventStoreDb?.stop();
      data.remove();
    },
  });
}

/**
 * Declares an end-to-end suite once and runs it on every event store, with the same assertions: each feature is
 * shown on both stores from its first day.
 */
export function describeOnEachStore(title: string, body: (app: () => RunningApp & { restart(): Promise<void> }) => void): void {
  for (const store of STORE_KINDS) {
    describe(`${title} [${store}]`, () => {
      let running: Awaited<ReturnType<typeof startApp>>;
      beforeAll(async () => {
        running = await startApp(store);
      });
      afterAll(async () => {
        await running?.stop();
      });
      body(() => running);
    });
  }
}
