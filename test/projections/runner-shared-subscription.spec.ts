import { afterEach, describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import type { EventStore, RecordedEvent, SubscribeOptions } from '../../src/event-store/event-store.port.js';
import type { Projection } from '../../src/projections/engine/projection.js';
import { appendSpread, counterProjection, counts, eventually, events, expectedCounts, readLog, workspace } from './runner-fixtures.js';

/** The store, recording where every subscription starts. */
function countingSubscriptions(store: EventStore): EventStore & { subscriptions: Array<SubscribeOptions['fromPosition']> } {
  const wrapper = Object.create(store) as EventStore & { subscriptions: Array<SubscribeOptions['fromPosition']> };
  wrapper.subscriptions = [];
  wrapper.subscribe = (options?: SubscribeOptions) => {
    wrapper.subscriptions.push(options?.fromPosition);
    return store.subscribe(options);
  };
  return wrapper;
}

interface Flush {
  projection: string;
  /** Which top-level transaction of the read-model database the flush ran in. */
  transaction: number;
  events: RecordedEvent[];
}

/** Wraps projections so that every flush records the events it wrote and the transaction it ran in. */
function recordingFlushes(projections: Projection[]): { projections: Projection[]; flushes: Flush[]; numberTransactions(db: Database): void } {
  const flushes: Flush[] = [];
  let transaction = 0;
  const wrapped = projections.map(
    (projection): Projection => ({
      ...projection,
      openWriter(db, tables) {
        const writer = projection.openWriter(db, tables);
        let pending: RecordedEvent[] = [];
        return {
          apply(event) {
            writer.apply(event);
            pending.push(event);
          },
          flush() {
            writer.flush();
            flushes.push({ projection: projection.name, transaction, events: pending });
            pending = [];
          },
          discard() {
            writer.discard();
            pending = [];
          },
        };
      },
    }),
  );
  return {
    projections: wrapped,
    flushes,
    /** Numbers the top-level transactions from now on (a nested one is a savepoint of the enclosing one). */
    numberTransactions(db: Database) {
      const original = db.transaction.bind(db);
      db.transaction = ((fn: (...args: unknown[]) => unknown) => {
        const inner = original(fn);
        return (...args: unknown[]) => {
          if (!db.inTransaction) transaction += 1;
          return inner(...args);
        };
      }) as unknown as typeof db.transaction;
    },
  };
}

describe('projection runner: one live subscription for every projection', () => {
  let ws: ReturnType<typeof workspace>;
  afterEach(async () => {
    await ws.dispose();
  });

  it('subscribes once, from the lowest checkpoint, and a projection ahead skips what it has applied', async () => {
    ws = workspace();
    await appendSpread(ws.store, 300);
    const first = ws.open([counterProjection('a'), counterProjection('b')]);
    first.runner.start();
    const behind = (await ws.store.headPosition())!;
    await first.runner.waitForPosition('b', behind);
    await ws.close(first.runner, first.db);
    // Only `a` runs on: it gets ahead of `b`.
    await appendSpread(ws.store, 300);
    const second = ws.open([counterProjection('a')]);
    second.runner.start();
    await second.runner.waitForPosition('a', (await ws.store.headPosition())!);
    await ws.close(second.runner, second.db);
    await appendSpread(ws.store, 100);

    const store = countingSubscriptions(ws.store);
    const { runner, db } = ws.open([counterProjection('a'), counterProjection('b'), counterProjection('c')], { eventStore: store });
    runner.start();
    await eventually(() => store.subscriptions.length > 0);
    // `c` is new, so the one subscription starts at the beginning of the log.
    expect(store.subscriptions).toEqual(['start']);
    const head = (await ws.store.headPosition())!;
    for (const name of ['a', 'b', 'c']) await runner.waitForPosition(name, head);
    const late = await ws.store.append('counter-late', events(3), { expectedRevision: 'no-stream' });
    for (const name of ['a', 'b', 'c']) await runner.waitForPosition(name, late.position);
    const log = await readLog(ws.store);
    for (const name of ['a', 'b', 'c']) expect(counts(db, runner, name)).toEqual(expectedCounts(log));
    expect(store.subscriptions).toEqual(['start']);
    await ws.close(runner, db);

    // All three at the same checkpoint now: a restart subscribes from it.
    const again = ws.open([counterProjection('a'), counterProjection('b'), counterProjection('c')], { eventStore: store });
    again.runner.start();
    await eventually(() => store.subscriptions.length > 1);
    expect(store.subscriptions).toEqual(['start', late.position]);
    expect(behind).toBeLessThan(late.position);
  });

  it('commits every projection of a batch in one transaction; a refused event halts only its projection', async () => {
    ws = workspace();
    await appendSpread(ws.store, 400);
    const poisoned = await ws.store.append('counter-bad', events(1, { poison: true }), { expectedRevision: 'no-stream' });
    await appendSpread(ws.store, 100);
    const log = await readLog(ws.store);
    const poison = poisoned.events[0]!;
    const before = log.filter((event) => event.position < poison.position);

    const store = countingSubscriptions(ws.store);
    const recording = recordingFlushes([counterProjection('counter', { refusing: new Set(['counter-bad']) }), counterProjection('tolerant', { refusing: new Set() }), counterProjection('other', { refusing: new Set() })]);
    const { runner, db } = ws.open(recording.projections, { eventStore: store, batchSize: 5000 });
    recording.numberTransactions(db);
    runner.start();
    await runner.waitForPosition('tolerant', log.at(-1)!.position);
    await runner.waitForPosition('other', log.at(-1)!.position);
    await eventually(async () => (await runner.status('counter')).status === 'failed');

    // The refused projection keeps every event before the refused one, never skips it, and is halted for good.
    expect(runner.position('counter')).toBe(before.at(-1)!.position);
    expect(counts(db, runner, 'counter')).toEqual(expectedCounts(before));
    expect(db.prepare("SELECT status, error_position FROM projection_catalog WHERE name = 'counter'").safeIntegers(true).get()).toEqual({
      status: 'failed',
      error_position: poison.position,
    });
    for (const name of ['tolerant', 'other']) expect(counts(db, runner, name)).toEqual(expectedCounts(log));

    // The batch that held the refused event was one transaction: in it, the others committed past the refused event,
    // and `counter` committed whatever came before it in the batch, and nothing after it then or since.
    const holding = (name: string) => recording.flushes.find((flush) => flush.projection === name && flush.events.some((event) => event.position === poison.position));
    const transaction = holding('tolerant')!.transaction;
    expect(holding('other')!.transaction).toBe(transaction);
    expect(holding('counter')).toBeUndefined();
    const counterFlushes = recording.flushes.filter((flush) => flush.projection === 'counter');
    expect(counterFlushes.at(-1)!.transaction).toBeLessThanOrEqual(transaction);
    expect(counterFlushes.flatMap((flush) => flush.events).map((event) => event.position)).toEqual(before.map((event) => event.position));
    // Every projection's flushes share their transactions: one per batch, not one per projection and batch.
    const perTransaction = new Map<number, Set<string>>();
    for (const flush of recording.flushes) perTransaction.set(flush.transaction, (perTransaction.get(flush.transaction) ?? new Set()).add(flush.projection));
    for (const projections of perTransaction.values()) expect(projections.has('tolerant') && projections.has('other')).toBe(true);

    // The others go on live, on the same subscription; the halted one stays where it stopped.
    const late = await ws.store.append('counter-late', events(2), { expectedRevision: 'no-stream' });
    await runner.waitForPosition('tolerant', late.position);
    await runner.waitForPosition('other', late.position);
    expect(runner.position('counter')).toBe(before.at(-1)!.position);
    expect(store.subscriptions).toEqual(['start']);
  });
});
