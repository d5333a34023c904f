import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { ReadModelNotReadyError } from '../../src/projections/engine/read-model-errors.js';
import { tableSet } from '../../src/projections/engine/projection-catalog.js';
import { openReadModelDb } from '../../src/projections/engine/read-model-db.js';
import { appendSpread, counterProjection, counts, eventually, events, expectedCounts, readLog, slowSubscriptions, workspace } from './runner-fixtures.js';

/** A store whose subscriptions deliver an event every 2 ms: a build of a few hundred events can be caught midway. */
const slow = (store: EventStore) => ({ eventStore: slowSubscriptions(store, 2) });

/**
 * A generation created from nothing (a new projection, or a new version of one) holds only the start of the history
 * while the live subscription works through the log: its reads wait for it, then answer 503, instead of answering from part
 * of the history as if it were all of it. A projection that is merely behind (after a restart) keeps answering.
 */
describe('a projection built from nothing', () => {
  let ws: ReturnType<typeof workspace>;
  afterEach(async () => {
    await ws.dispose();
  });

  /** A runner over a build from nothing, not started: once started, reads are refused until it has built it all. */
  async function expectReadsHeldUntilBuilt({ runner, db }: ReturnType<typeof ws.open>): Promise<void> {
    expect(runner.isBuilding('counter')).toBe(true);
    runner.start();
    await expect(runner.waitUntilServing('counter', 20)).rejects.toMatchObject({ kind: 'unavailable', code: 'READ_MODEL_NOT_READY' });
    await runner.waitUntilServing('counter', 10_000);
    expect(counts(db, runner)).toEqual(expectedCounts(await readLog(ws.store)));
  }

  it('answers no read until it has applied the log as it stood at its start, and shows its progress meanwhile', async () => {
    ws = workspace();
    await appendSpread(ws.store, 400);
    const head = (await ws.store.headPosition())!;
    const { runner, db } = ws.open([counterProjection()], slow(ws.store));
    expect(runner.isBuilding('counter')).toBe(true);
    runner.start();

    const refused = await runner.waitUntilServing('counter', 100).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ReadModelNotReadyError);
    expect(refused).toMatchObject({ kind: 'unavailable', code: 'READ_MODEL_NOT_READY', retryAfterSeconds: 1 });
    expect((refused as ReadModelNotReadyError).message).toMatch(/^The counter read model is being built from the event log \(at (no event yet|position \d+ of \d+)\)/);
    const building = await runner.status('counter');
    expect(building).toMatchObject({ status: 'rebuilding', rebuild: { generation: 1 } });
    expect(building.rebuild!.done).toBeLessThan(400);
    // Loaded bare, as a rebuild is: its secondary index comes once it is complete, before it serves.
    const indexes = () => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'counter_g1_%'").pluck().all();
    expect(indexes()).toEqual([]);

    // A read that waits long enough is answered once the build is complete, and then from the whole history.
    await runner.waitUntilServing('counter', 10_000);
    expect(runner.isBuilding('counter')).toBe(false);
    expect(indexes()).toEqual(['counter_g1_counts_by_position']);
    expect(runner.position('counter')! >= head).toBe(true);
    expect(counts(db, runner)).toEqual(expectedCounts(await readLog(ws.store)));
    expect(await runner.status('counter')).toMatchObject({ status: 'live', rebuild: null });
    expect(db.prepare("SELECT building FROM projection_catalog WHERE name = 'counter'").pluck().get()).toBe(0);
    expect(ws.logs.some((line) => line.startsWith(`building counter from the event log, up to position ${head}`))).toBe(true);
  });

  it('serves at once over an empty log', async () => {
    ws = workspace();
    const { runner } = ws.open([counterProjection()]);
    runner.start();
    await expect(runner.waitUntilServing('counter', 2000)).resolves.toBeUndefined();
    expect(runner.isBuilding('counter')).toBe(false);
  });

  it('keeps answering after a restart that finds it behind: only a build from nothing holds reads', async () => {
    ws = workspace();
    await appendSpread(ws.store, 100);
    const first = ws.open([counterProjection()]);
    first.runner.start();
    await first.runner.waitUntilServing('counter', 5000);
    await ws.close(first.runner, first.db);

    await appendSpread(ws.store, 400);
    const second = ws.open([counterProjection()], slow(ws.store));
    expect(second.runner.isBuilding('counter')).toBe(false);
    second.runner.start();
    await expect(second.runner.waitUntilServing('counter', 10)).resolves.toBeUndefined();
    expect((await second.runner.status('counter')).status).toBe('live');
  });

  it('holds reads again after a stop cut the build short: the catalog keeps the flag', async () => {
    ws = workspace();
    await appendSpread(ws.store, 400);
    const first = ws.open([counterProjection()], slow(ws.store));
    first.runner.start();
    await eventually(() => (first.runner.position('counter') ?? 0n) >= 100n);
    await ws.close(first.runner, first.db);

    const second = ws.open([counterProjection()], slow(ws.store));
    expect(second.db.prepare("SELECT building FROM projection_catalog WHERE name = 'counter'").pluck().get()).toBe(1);
    await expectReadsHeldUntilBuilt(second);
  });

  it('builds again, holding reads, when the projection\'s version changes', async () => {
    ws = workspace();
    await appendSpread(ws.store, 400);
    const v1 = ws.open([counterProjection('counter', { version: 1 })]);
    v1.runner.start();
    await v1.runner.waitUntilServing('counter', 5000);
    await ws.close(v1.runner, v1.db);

    const v2 = ws.open([counterProjection('counter', { version: 2 })], slow(ws.store));
    await expectReadsHeldUntilBuilt(v2);
    expect(v2.runner.generation('counter')).toBe(2);
  });

  it('serves once a rebuild swaps in over the build', async () => {
    ws = workspace();
    await appendSpread(ws.store, 400);
    // 20 ms an event: the live subscription would take 8 s to build it.
    const { runner, db } = ws.open([counterProjection()], { eventStore: slowSubscriptions(ws.store, 20) });
    runner.start();
    const waiting = runner.waitUntilServing('counter', 10_000);
    expect(runner.isBuilding('counter')).toBe(true);
    await runner.rebuild('counter').done;
    expect(runner.isBuilding('counter')).toBe(false);
    await expect(waiting).resolves.toBeUndefined();
    expect(db.prepare("SELECT building FROM projection_catalog WHERE name = 'counter'").pluck().get()).toBe(0);
    expect(counts(db, runner)).toEqual(expectedCounts(await readLog(ws.store)));
  });

  it('refuses the reads that wait for it when it halts at a refused event', async () => {
    ws = workspace();
    await appendSpread(ws.store, 200);
    await ws.store.append('counter-poison', events(1, { poison: true }), { expectedRevision: 'no-stream' });
    await appendSpread(ws.store, 100);
    const { runner } = ws.open([counterProjection('counter', { refusing: new Set(['counter-poison']) })], slow(ws.store));
    runner.start();
    const error = await runner.waitUntilServing('counter', 10_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'READ_MODEL_NOT_READY', message: expect.stringContaining('halted at a refused event') });
    expect(runner.isBuilding('counter')).toBe(true);
  });

  it('takes the generations of a catalog written before builds were tracked as serving', async () => {
    ws = workspace();
    const db = openReadModelDb(join(ws.dir, 'read-models.sqlite'));
    db.exec(`CREATE TABLE projection_catalog (
      name TEXT PRIMARY KEY, version INTEGER NOT NULL, generation INTEGER NOT NULL, position INTEGER,
      applied INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, error_position INTEGER, error_message TEXT,
      rebuild_generation INTEGER, rebuild_position INTEGER, rebuild_applied INTEGER, rebuild_started_at INTEGER
    ) STRICT`);
    db.prepare("INSERT INTO projection_catalog (name, version, generation, position, applied, status) VALUES ('counter', 1, 1, NULL, 0, 'live')").run();
    counterProjection().createTables(db, tableSet('counter', 1));
    db.close();
    const { runner } = ws.open([counterProjection()]);
    expect(runner.isBuilding('counter')).toBe(false);
    expect(runner.generation('counter')).toBe(1);
  });
});
