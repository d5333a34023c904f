import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { EventStoreDbTestServer } from '../support/eventstoredb-test-server/eventstoredb-test-server.js';
import { TOKENS } from '../support/http-client.js';
import { tempDir } from '../support/temp-dir.js';
import { expectHistoryIntact, FeedFollower, keyedLoad, type Load } from './fault-load.js';
import { recordSoak } from './soak-report.js';

/**
 * Faults on EventStoreDB under a steady concurrent decision load: appends that fail before or after writing (the
 * answer lost), a node answering not-leader (as during an election), connections dropped (as errors and as TCP
 * resets), and the server restarted mid-load. Clients retry a request that got no answer or a 503 with the same
 * Idempotency-Key, as a careful client does. After it: every acknowledged decision is in the history exactly once,
 * nothing else is, the projections (and a fresh rebuild) agree with the log, and a feed consumer that resumes with
 * Last-Event-ID missed and repeated nothing.
 */
const SOAK = Boolean(process.env['DOCKET_SOAK']);
const PROGRAM = 'faults-esdb';

describe('faults on EventStoreDB under load', () => {
  let server: EventStoreDbTestServer;
  const data = tempDir('docket-faults-esdb-');
  let app: Awaited<ReturnType<typeof createApp>>;
  let baseUrl: string;

  beforeAll(async () => {
    server = await EventStoreDbTestServer.start();
    app = await createApp(loadConfig({ PORT: '0', DATA_DIR: data.path, EVENTSTORE_CONNECTION_STRING: server.connectionString }), { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
    data.remove();
  });

  it('keeps every acknowledged decision once, and converges, through failed appends, not-leader, drops and a restart', async () => {
    const feed = new FeedFollower(baseUrl, PROGRAM, TOKENS.subscriber);
    const load: Load = keyedLoad(baseUrl, PROGRAM, { clients: 4, decisionsPerClient: SOAK ? 150 : 25 });
    await load.launched;
    void feed.run();
    const faults: Record<string, number> = {};
    const inject: Array<[string, () => unknown]> = [
      ['append failed after writing', () => server.failNextAppends(1, { afterWrite: true })],
      ['append failed before writing', () => server.failNextAppends(1)],
      ['not leader', () => server.failNextAppends(1, { notLeader: true })],
      ['connections dropped', () => server.dropConnections('error')],
      ['connections reset', () => server.dropConnections('network')],
      ['server restarted', () => server.restart({ downtimeMs: 150 })],
    ];
    // One fault at a time, each once the load has made progress since the last (a queue of failures that outran
    // the appends would fail every one of them, which tests nothing but the retries' patience).
    let k = 0;
    while (!load.done()) {
      const before = load.progress().acknowledged;
      const [kind, fault] = inject[k++ % inject.length]!;
      await fault();
      faults[kind] = (faults[kind] ?? 0) + 1;
      const deadline = Date.now() + 5000;
      while (!load.done() && load.progress().acknowledged < before + 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const result = await load.finished;
    expect(result.gaveUp).toEqual([]);

    const verdict = await expectHistoryIntact(load, feed);
    expect(Object.values(faults).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(6);
    recordSoak('faults on EventStoreDB', { operations: result.requests, faults, acknowledged: result.acknowledged, lost: verdict.missing.length, duplicates: verdict.duplicates.length });
  }, 300_000);
});
