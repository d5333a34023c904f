import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmdirSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { eventMetadata } from '../../src/command-handling/event-metadata.js';
import { currentSchemaVersion } from '../../src/program/program.upcasters.js';
import { loadConfig } from '../../src/config/app-config.js';
import { createEventStore } from '../../src/event-store/event-store.module.js';
import type { JsonObject } from '../../src/common/json.js';
import { ProjectionHost, type RestartTimings } from '../../src/projections/engine/projection-host.js';
import { readModelPath } from '../../src/projections/engine/read-model-db.js';
import { PROJECTION_NAMES } from '../../src/projections/projections.registry.js';
import { releaseReadModels, takeReadModels } from '../../src/projections/engine/read-model-storage.module.js';
import { standingsTables } from '../../src/projections/standings/standings.projection.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';
import { launched } from './standings.fixtures.js';

const NAMES = PROJECTION_NAMES;

const metadata = (type: string) => eventMetadata({ actor: { id: 'kim.official', role: 'official' }, reason: 'test', correlationId: 'c' }, randomUUID(), new Date().toISOString(), currentSchemaVersion(type));

/** Launches programme `programId` in a commit of its own; its position. */
async function launch(store: EventStore, programId: string): Promise<bigint> {
  const event = launched(programId);
  const { position } = await store.append(`program-${programId}`, [{ eventId: randomUUID(), type: event.type, data: event.data as JsonObject, metadata: metadata(event.type) }], {
    expectedRevision: 'no-stream',
  });
  return position;
}

interface Running {
  dataDir: string;
  store: EventStore;
  storage: ReturnType<typeof takeReadModels>;
  host: ProjectionHost;
  logs: string[];
}

/** A store written from this thread, the read models taken as a server takes them, and a started host over them. */
async function withHost(body: (running: Running) => Promise<void>, restart?: RestartTimings): Promise<void> {
  const data = tempDir('docket-host-');
  try {
    await withHostOn(data.path, body, restart);
  } finally {
    data.remove();
  }
}

async function withHostOn(dataDir: string, body: (running: Running) => Promise<void>, restart?: RestartTimings): Promise<void> {
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir });
  const store = createEventStore(config);
  const storage = takeReadModels(config);
  const logs: string[] = [];
  const host = await ProjectionHost.open(config, NAMES, { log: (m) => logs.push(m), error: (m) => logs.push(m) }, restart);
  try {
    host.start();
    await body({ dataDir, store, storage, host, logs });
  } finally {
    await host.stop();
    await releaseReadModels(storage);
    await store.close();
  }
}

/** The HTTP thread's side of the projections' thread, against a real store written from this thread. */
describe('ProjectionHost', () => {
  it('wakes every reader that waits for a position as soon as its projection has applied it', () =>
    withHost(async ({ store, host, logs }) => {
      // One commit per append, then readers of every projection waiting for it, some asking before the thread
      // applied it, some while it commits, some after. The next append waits for them: a reader the thread failed to
      // wake would wait for its timeout (no later commit comes to wake it) and fail the test with a 503.
      const waited: number[] = [];
      for (let i = 0; i < 300; i++) {
        const position = await launch(store, `host-programme-${i}`);
        if (i % 3 === 1) await new Promise((resolve) => setImmediate(resolve));
        if (i % 3 === 2) await new Promise((resolve) => setTimeout(resolve, 2));
        const asked = performance.now();
        await Promise.all(NAMES.map((name) => host.waitForPosition(name, position, 5000)));
        waited.push(performance.now() - asked);
      }
      expect(Math.max(...waited)).toBeLessThan(1000);
      const head = (await store.headPosition())!;
      for (const name of NAMES) expect(host.position(name)).toBe(head);
      expect(logs.filter((line) => /fail|halt|exited/.test(line))).toEqual([]);
    }), 60_000);

  it('reads its own write on a rebuilt generation from the moment that generation serves', () =>
    withHost(async ({ store, storage, host }) => {
      for (let i = 0; i < 2000; i++) await launch(store, `before-${i}`);
      const generation = host.tables('standings').prefix;
      await host.startRebuild('standings');
      // Each launch read back, through the host, from whichever generation serves when the read may go ahead: the
      // reads move to the new generation with the swap, and find their write there (the old one is dropped once they
      // have). The instant of the swap itself, where the order of generation and position in shared memory matters,
      // is too short to hit on purpose; SharedPositions documents that order.
      let after = 0;
      for (let i = 0; after < 50 && i < 20_000; i++) {
        const programId = `during-${i}`;
        const position = await launch(store, programId);
        await host.waitForPosition('standings', position, 5000);
        const tables = host.tables('standings');
        const row = storage.db.prepare(`SELECT revision FROM ${standingsTables(tables).programs} WHERE program_id = ?`).get(programId);
        expect({ programId, generation: tables.prefix, row }).toEqual({ programId, generation: tables.prefix, row: { revision: 0 } });
        if (tables.prefix !== generation) after++;
      }
      expect(after).toBe(50);
    }), 120_000);

  it('holds the reads of read models built from nothing until they are complete, across the threads', async () => {
    // A log written before the read models existed: every projection is built from it when the host first starts.
    const data = tempDir('docket-host-build-');
    const config = loadConfig({ PORT: '0', DATA_DIR: data.path });
    const writer = createEventStore(config);
    for (let p = 0; p < 400; p++) {
      const event = launched(`built-${p}`);
      const many = Array.from({ length: 50 }, () => ({ eventId: randomUUID(), type: event.type, data: event.data as JsonObject, metadata: metadata(event.type) }));
      await writer.append(`program-built-${p}`, many, { expectedRevision: 'no-stream' });
    }
    await writer.close();
    try {
      await withHostOn(data.path, async ({ host }) => {
        await expect(host.waitUntilServing('audit', 20)).rejects.toMatchObject({
          kind: 'unavailable',
          code: 'READ_MODEL_NOT_READY',
          message: expect.stringMatching(/^The audit read model is being built from the event log/),
        });
        for (const name of NAMES) await host.waitUntilServing(name, 30_000);
        const statuses = await host.statuses();
        for (const status of statuses) expect(status).toMatchObject({ status: 'live', rebuild: null, applied: 20_000 });
      });
    } finally {
      data.remove();
    }
  }, 60_000);

  it('lists every projection as failed, not a 503, when the thread dies before anyone asked for its statuses', () =>
    withHost(async ({ host }) => {
      // The thread gave its statuses with its `ready`: health has them to fall back on from the first instant.
      await (host as unknown as { worker: Worker }).worker.terminate();
      const statuses = await host.statuses();
      expect(statuses.map((status) => status.name)).toEqual(NAMES);
      for (const status of statuses) expect(status).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('restarting') } });
    }), 30_000);

  it('starts a thread that keeps dying at start again, later each time, and from the first delay once it has run a while', () =>
    withHost(
      async ({ dataDir, store, host, logs }) => {
        const delays = () => logs.flatMap((line) => /starting it again in (\d+) ms/.exec(line)?.slice(1).map(Number) ?? []);
        // The read models cannot be opened while their path is a folder: every start of the thread fails. This
        // thread's own connection (the HTTP side's) goes on with the files it holds open, moved aside meanwhile.
        const file = readModelPath(dataDir);
        const files = ['', '-wal', '-shm'].map((suffix) => file + suffix).filter((path) => existsSync(path));
        for (const path of files) renameSync(path, `${path}.aside`);
        mkdirSync(file);
        await (host as unknown as { worker: Worker }).worker.terminate();
        await until(async () => delays(), (seen) => seen.length >= 5);
        expect(delays().slice(0, 5)).toEqual([50, 100, 200, 200, 200]);
        expect(logs.filter((line) => line.includes('could not start')).length).toBeGreaterThanOrEqual(3);
        await expect(host.waitForPosition('standings', 1_000_000n, 1000)).rejects.toMatchObject({ kind: 'unavailable', code: 'READ_MODEL_NOT_READY' });
        const [health] = await host.statuses();
        expect(health).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('restarting') } });

        // Openable again: the next start runs, and catches up with what was decided meanwhile.
        const decided = await launch(store, 'decided-while-down');
        rmdirSync(file);
        for (const path of files) renameSync(`${path}.aside`, path);
        await until(async () => logs.some((line) => line.includes('running again')), (running) => running);
        await Promise.all(NAMES.map((name) => host.waitForPosition(name, decided, 5000)));

        // Once it has kept running for `stableAfterMs` (the host says so), a death is followed by the first delay again.
        await until(async () => logs.some((line) => line.includes('has kept running for 500 ms')), (stable) => stable);
        const before = delays().length;
        await (host as unknown as { worker: Worker }).worker.terminate();
        await until(async () => delays(), (seen) => seen.length > before);
        expect(delays()[before]).toBe(50);
        await until(async () => logs.filter((line) => line.includes('running again')).length, (count) => count >= 2);
      },
      { firstMs: 50, maxMs: 200, stableAfterMs: 500 },
    ), 60_000);
});
