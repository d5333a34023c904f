import { afterEach, describe, expect, it } from '@jest/globals';
import { ProjectionNotFoundError, RebuildInProgressError } from '../../src/projections/engine/read-model-errors.js';
import type { Database } from 'better-sqlite3';
import type { Projection } from '../../src/projections/engine/projection.js';
import { appendSpread, counterProjection, counts, eventually, expectedCounts, readLog, workspace } from './runner-fixtures.js';

describe('rebuilding a projection without downtime', () => {
  let ws: ReturnType<typeof workspace>;
  afterEach(async () => {
    await ws.dispose();
  });

  it('builds a new generation while live events keep arriving and reads keep answering, then swaps in an identical model', async () => {
    ws = workspace();
    await appendSpread(ws.store, 20_000, 50, 20);
    const { runner, db } = ws.open([counterProjection()], { chunkSize: 500 });
    runner.start();
    await runner.waitForPosition('counter', (await ws.store.headPosition())!);
    // Built from nothing, it gets its index once complete, and serves from then on.
    await runner.waitUntilServing('counter');
    const before = counts(db, runner);
    const servingPrefix = runner.tables('counter').prefix;

    const job = runner.rebuild('counter');
    expect((await runner.status('counter')).status).toBe('rebuilding');
    // Decisions keep arriving, and reads keep answering from the old generation, during the whole rebuild.
    let reads = 0;
    let writes = 0;
    const traffic = (async () => {
      while (job.outcome === 'running') {
        await appendSpread(ws.store, 10, 7, 5);
        writes += 10;
        const head = (await ws.store.headPosition())!;
        await runner.waitForPosition('counter', head, 2000);
        const now = counts(db, runner);
        expect(now.reduce((n, row) => n + row.events, 0)).toBeGreaterThanOrEqual(before.reduce((n, row) => n + row.events, 0));
        reads += 1;
      }
    })();
    const progress = await runner.status('counter');
    expect(progress.rebuild).toMatchObject({ generation: 2 });
    // Bulk-loaded bare: the new generation gets its secondary index only once the log has been read to its end.
    expect(indexesOf(db, 'counter_g2_')).toEqual([]);
    expect(indexesOf(db, servingPrefix)).toEqual([`${servingPrefix}counts_by_position`]);
    expect(progress.rebuild!.total).toBeGreaterThanOrEqual(20_000);
    await job.done;
    await traffic;
    expect(job.outcome).toBe('swapped');
    expect(reads).toBeGreaterThan(0);
    expect(writes).toBeGreaterThan(0);

    // The new generation serves; the old tables are gone; the model equals the log, with nothing lost or doubled.
    expect(runner.tables('counter').prefix).not.toBe(servingPrefix);
    expect(indexesOf(db, 'counter_g2_')).toEqual(['counter_g2_counts_by_position']);
    expect(ws.logs.some((line) => /rebuild of counter built the indexes of generation 2/.test(line))).toBe(true);
    const old = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE substr(name, 1, ?) = ?").get(servingPrefix.length, servingPrefix) as { n: number };
    expect(old.n).toBe(0);
    await appendSpread(ws.store, 30);
    await runner.waitForPosition('counter', (await ws.store.headPosition())!);
    expect(counts(db, runner)).toEqual(expectedCounts(await readLog(ws.store)));
    expect(await runner.status('counter')).toMatchObject({ status: 'live', lag: 0, generation: 2, rebuild: null });
  });

  it('leaves the retired generation to its host to drop, and a start drops the one a stopped process left behind', async () => {
    ws = workspace();
    await appendSpread(ws.store, 500, 10, 5);
    const retired: Array<{ name: string; generation: number; drop: () => void }> = [];
    const first = ws.open([counterProjection()], { retire: (name, generation, drop) => retired.push({ name, generation, drop }) });
    first.runner.start();
    await first.runner.waitForPosition('counter', (await ws.store.headPosition())!);
    const job = first.runner.rebuild('counter');
    await job.done;
    expect(job.outcome).toBe('swapped');
    // Swapped in and serving, the old generation still there for readers elsewhere that have not moved yet.
    expect(first.runner.tables('counter').prefix).toBe('counter_g2_');
    expect(retired.map(({ name, generation }) => ({ name, generation }))).toEqual([{ name: 'counter', generation: 1 }]);
    expect(tablesOf(first.db, 'counter_g1_')).toEqual(['counter_g1_counts']);
    await ws.close(first.runner, first.db);

    // The process stopped before its readers let go: the next start drops what no catalog entry names.
    const second = ws.open([counterProjection()]);
    expect(tablesOf(second.db, 'counter_g1_')).toEqual([]);
    expect(tablesOf(second.db, 'counter_g2_')).toEqual(['counter_g2_counts']);
    second.runner.start();
    await second.runner.waitForPosition('counter', (await ws.store.headPosition())!);
    expect(counts(second.db, second.runner)).toEqual(expectedCounts(await readLog(ws.store)));
  });

  it('resumes a rebuild that a stop cut short from its own checkpoint', async () => {
    ws = workspace();
    await appendSpread(ws.store, 6000, 20, 50);
    const first = ws.open([counterProjection()], { chunkSize: 200 });
    first.runner.start();
    await first.runner.waitForPosition('counter', (await ws.store.headPosition())!);
    const job = first.runner.rebuild('counter');
    await eventually(() => job.applied >= 1000, 10_000);
    await ws.close(first.runner, first.db);
    expect(job.outcome).toBe('stopped');

    const second = ws.open([counterProjection()], { chunkSize: 200 });
    const pending = second.db.prepare("SELECT rebuild_generation, rebuild_applied FROM projection_catalog WHERE name = 'counter'").get() as { rebuild_generation: number; rebuild_applied: number };
    expect(pending.rebuild_generation).toBe(2);
    expect(pending.rebuild_applied).toBeGreaterThanOrEqual(1000);
    second.runner.start();
    expect((await second.runner.status('counter')).status).toBe('rebuilding');
    await eventually(async () => (await second.runner.status('counter')).status === 'live', 10_000);
    expect(second.runner.tables('counter').prefix).toBe('counter_g2_');
    expect(indexesOf(second.db, 'counter_g2_')).toEqual(['counter_g2_counts_by_position']);
    expect(ws.logs.some((line) => /rebuilding counter into generation 2 from position \d+/.test(line))).toBe(true);
    expect(counts(second.db, second.runner)).toEqual(expectedCounts(await readLog(ws.store)));
  });

  it('feeds a projection that asks for large rebuild chunks bigger transactions, and both come out equal to the log', async () => {
    ws = workspace();
    await appendSpread(ws.store, 3000, 30, 10);
    const flushes = { small: 0, large: 0 };
    const counted = (name: string, kind: keyof typeof flushes, rebuildChunk?: 'large'): Projection => {
      const inner = counterProjection(name);
      return {
        ...inner,
        ...(rebuildChunk ? { rebuildChunk } : {}),
        openWriter(db, tables) {
          const writer = inner.openWriter(db, tables);
          return { ...writer, apply: (event) => writer.apply(event), discard: () => writer.discard(), flush: () => (flushes[kind]++, writer.flush()) };
        },
      };
    };
    const { runner, db } = ws.open([counted('small', 'small'), counted('large', 'large', 'large')], { chunkSize: 100, largeChunkSize: 1000 });
    const jobs = [runner.rebuild('small'), runner.rebuild('large')];
    await Promise.all(jobs.map((job) => job.done));
    expect(jobs.map((job) => job.outcome)).toEqual(['swapped', 'swapped']);
    expect(flushes.small).toBe(30);
    expect(flushes.large).toBe(3);
    const log = expectedCounts(await readLog(ws.store));
    expect(counts(db, runner, 'small')).toEqual(log);
    expect(counts(db, runner, 'large')).toEqual(log);
  });

  it('refuses an unknown projection (404) and a second rebuild while one runs (409)', async () => {
    ws = workspace();
    await appendSpread(ws.store, 3000);
    const { runner } = ws.open([counterProjection()], { chunkSize: 100 });
    runner.start();
    expect(() => runner.rebuild('nope')).toThrow(ProjectionNotFoundError);
    const job = runner.rebuild('counter');
    expect(() => runner.rebuild('counter')).toThrow(RebuildInProgressError);
    await job.done;
    expect(job.outcome).toBe('swapped');
  });
});

/** The explicit indexes (not those SQLite makes for a primary key) of one generation's tables. */
function indexesOf(db: Database, prefix: string): string[] {
  return db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND substr(tbl_name, 1, ?) = ? ORDER BY name")
    .pluck()
    .all(prefix.length, prefix) as string[];
}

function tablesOf(db: Database, prefix: string): string[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ? ORDER BY name").pluck().all(prefix.length, prefix) as string[];
}
