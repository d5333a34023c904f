import { afterEach, describe, expect, it } from '@jest/globals';
import { ReadModelNotReadyError } from '../../src/projections/engine/read-model-errors.js';
import {
  appendSpread,
  counterProjection,
  counts,
  eventually,
  events,
  expectedCounts,
  failingSubscriptions,
  readLog,
  workspace,
} from './runner-fixtures.js';

describe('projection runner on SQLite', () => {
  let ws: ReturnType<typeof workspace>;
  afterEach(async () => {
    await ws.dispose();
  });

  it('projects the log and commits each batch with its checkpoint', async () => {
    ws = workspace();
    await appendSpread(ws.store, 3000);
    const { runner, db } = ws.open([counterProjection()], { batchSize: 500 });
    runner.start();
    const head = (await ws.store.headPosition())!;
    await runner.waitForPosition('counter', head);
    // Built from nothing: its index is built once it is complete, and then it serves.
    await runner.waitUntilServing('counter');
    expect(counts(db, runner)).toEqual(expectedCounts(await readLog(ws.store)));
    // The catalog's checkpoint is the position of the last event in the committed tables.
    const catalog = db.prepare("SELECT position, applied FROM projection_catalog WHERE name = 'counter'").safeIntegers(true).get() as { position: bigint; applied: bigint };
    expect(catalog).toEqual({ position: head, applied: 3000n });
    const batches = db.prepare(`SELECT COUNT(DISTINCT last_position) AS n FROM "${runner.tables('counter').prefix}counts"`).get() as { n: number };
    expect(batches.n).toBeGreaterThan(0);
    const status = await runner.status('counter');
    expect(status).toMatchObject({ name: 'counter', status: 'live', position: head.toString(), lag: 0, error: null, rebuild: null });
  });

  it('lets the event loop turn between batches while it catches up, so the server answers meanwhile', async () => {
    ws = workspace();
    await appendSpread(ws.store, 3000);
    const { runner } = ws.open([counterProjection()], { batchSize: 500 });
    const head = (await ws.store.headPosition())!;
    runner.start();
    // A timer stands for an HTTP request arriving during the catch-up: it must run before the catch-up ends.
    const seenByTimer = await new Promise<bigint | null>((resolve) => setTimeout(() => resolve(runner.position('counter')), 0));
    await runner.waitForPosition('counter', head);
    expect(seenByTimer === null || seenByTimer < head).toBe(true);
  });

  it('follows live appends and wakes readers waiting for a position', async () => {
    ws = workspace();
    const { runner, db } = ws.open([counterProjection()]);
    runner.start();
    const appended = await ws.store.append('counter-live', events(3), { expectedRevision: 'no-stream' });
    const waited = runner.waitForPosition('counter', appended.position, 2000);
    await expect(waited).resolves.toBeUndefined();
    expect(counts(db, runner)).toEqual([{ stream: 'counter-live', events: 3, revisions: 3 }]);
    expect(runner.position('counter')).toBe(appended.position);
    // The live lag, from each event's recordedAt to its commit, is measured on the events recorded while it ran.
    const { applyLatencyMs } = await runner.status('counter');
    expect(applyLatencyMs).toMatchObject({ samples: 3 });
    expect(applyLatencyMs!.max).toBeLessThan(2000);
  });

  it('answers 503 READ_MODEL_NOT_READY with Retry-After when the position is not reached in time', async () => {
    ws = workspace();
    const { runner } = ws.open([counterProjection()]);
    runner.start();
    const started = Date.now();
    const error = await runner.waitForPosition('counter', 10n ** 18n, 150).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(error).toBeInstanceOf(ReadModelNotReadyError);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'READ_MODEL_NOT_READY', retryAfterSeconds: 1 });
  });

  it('resumes from its checkpoint after a restart, applying nothing twice', async () => {
    ws = workspace();
    await appendSpread(ws.store, 1200);
    const first = ws.open([counterProjection()]);
    first.runner.start();
    await first.runner.waitForPosition('counter', (await ws.store.headPosition())!);
    await ws.close(first.runner, first.db);

    await appendSpread(ws.store, 800);
    const second = ws.open([counterProjection()]);
    expect(second.runner.position('counter')).not.toBeNull();
    second.runner.start();
    await second.runner.waitForPosition('counter', (await ws.store.headPosition())!);
    expect(counts(second.db, second.runner)).toEqual(expectedCounts(await readLog(ws.store)));
  });

  it('subscribes again from the checkpoint after the store fails mid-stream, and says so meanwhile', async () => {
    ws = workspace();
    await appendSpread(ws.store, 1000);
    const flaky = failingSubscriptions(ws.store, 300, 2);
    const { runner, db } = ws.open([counterProjection()], { eventStore: flaky, batchSize: 100 });
    runner.start();
    await eventually(async () => (await runner.status('counter')).resubscribing !== null);
    const during = await runner.status('counter');
    expect(during.resubscribing).toMatchObject({ attempt: 1, lastError: 'connection to the event store lost' });
    await runner.waitForPosition('counter', (await ws.store.headPosition())!, 5000);
    expect(flaky.failures).toBe(2);
    expect(counts(db, runner)).toEqual(expectedCounts(await readLog(ws.store)));
    expect((await runner.status('counter')).resubscribing).toBeNull();
    // Each failure came after progress, which resets the backoff.
    expect(ws.logs.filter((line) => /connection to the event store lost; subscribing again from \d+ in 100 ms/.test(line))).toHaveLength(2);
  });

  it('backs off 100 ms, doubling, while the store keeps failing', async () => {
    ws = workspace();
    await appendSpread(ws.store, 50);
    const flaky = failingSubscriptions(ws.store, 0, 3);
    const { runner, db } = ws.open([counterProjection()], { eventStore: flaky });
    const started = Date.now();
    runner.start();
    await runner.waitForPosition('counter', (await ws.store.headPosition())!, 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(ws.logs.map((line) => /from the start in (\d+) ms/.exec(line)?.[1]).filter(Boolean)).toEqual(['100', '200', '400']);
    expect(counts(db, runner)).toEqual(expectedCounts(await readLog(ws.store)));
  });

  it('rolls a whole batch back when its flush fails, then commits it without losing or repeating an event', async () => {
    ws = workspace();
    await appendSpread(ws.store, 500);
    const base = counterProjection();
    let flushes = 0;
    const flaky = {
      ...base,
      openWriter: (db: Parameters<typeof base.openWriter>[0], tables: Parameters<typeof base.openWriter>[1]) => {
        const writer = base.openWriter(db, tables);
        return {
          ...writer,
          flush() {
            writer.flush(); // the rows are written, then the transaction must be rolled back with them
            flushes += 1;
            if (flushes === 1) throw new Error('disk hiccup');
          },
        };
      },
    };
    const { runner, db } = ws.open([flaky], { batchSize: 200 });
    runner.start();
    await runner.waitForPosition('counter', (await ws.store.headPosition())!);
    await runner.waitUntilServing('counter');
    expect(counts(db, runner)).toEqual(expectedCounts(await readLog(ws.store)));
    expect((await runner.status('counter')).status).toBe('live');
  });

  it('counts its lag in events, up to a cap beyond which it says the figure is a lower bound', async () => {
    ws = workspace();
    await appendSpread(ws.store, 250);
    const exact = ws.open([counterProjection()]);
    expect(await exact.runner.status('counter')).toMatchObject({ lag: 250, lagIsLowerBound: false, position: null });
    await ws.close(exact.runner, exact.db);
    const capped = ws.open([counterProjection()], { lagCap: 100 });
    expect(await capped.runner.status('counter')).toMatchObject({ lag: 100, lagIsLowerBound: true });
    capped.runner.start();
    await capped.runner.waitForPosition('counter', (await ws.store.headPosition())!);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the count is kept for a second
    expect(await capped.runner.status('counter')).toMatchObject({ lag: 0, lagIsLowerBound: false });
  });

  it('builds a projection whose version changed from scratch into a new generation', async () => {
    ws = workspace();
    await appendSpread(ws.store, 200);
    const v1 = ws.open([counterProjection('counter', { version: 1 })]);
    v1.runner.start();
    await v1.runner.waitForPosition('counter', (await ws.store.headPosition())!);
    const oldPrefix = v1.runner.tables('counter').prefix;
    await ws.close(v1.runner, v1.db);

    const v2 = ws.open([counterProjection('counter', { version: 2 })]);
    expect(v2.runner.position('counter')).toBeNull();
    expect(v2.runner.tables('counter').prefix).not.toBe(oldPrefix);
    const oldTables = v2.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name LIKE ? || '%'").get(oldPrefix) as { n: number };
    expect(oldTables.n).toBe(0);
    v2.runner.start();
    await v2.runner.waitForPosition('counter', (await ws.store.headPosition())!);
    expect(counts(v2.db, v2.runner)).toEqual(expectedCounts(await readLog(ws.store)));
  });
});
