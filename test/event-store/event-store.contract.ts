import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EventStoreInputError, WrongExpectedRevisionError } from '../../src/event-store/event-store.errors.js';
import type { EventStore, NewEvent, RecordedEvent, Subscription } from '../../src/event-store/event-store.port.js';

/** What a contract run needs from an adapter: a fresh, empty store, and a way to dispose of it. */
export interface StoreUnderTest {
  store: EventStore;
  dispose(): Promise<void>;
}

export function event(type = 'Happened', data: Record<string, unknown> = {}, metadata?: Record<string, unknown>): NewEvent {
  return { eventId: randomUUID(), type, data: data as NewEvent['data'], ...(metadata ? { metadata: metadata as NewEvent['metadata'] } : {}) };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Reads `count` events from a subscription, then closes it. Fails if they do not arrive within `ms`. */
export async function take(subscription: Subscription, count: number, ms = 20_000, received: (count: number) => void = () => undefined): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  if (count === 0) {
    await subscription.close();
    return events;
  }
  const timer = setTimeout(() => void subscription.close(), ms);
  try {
    for await (const recorded of subscription) {
      events.push(recorded);
      received(events.length);
      if (events.length === count) break;
    }
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
  if (events.length !== count) throw new Error(`subscription delivered ${events.length} of ${count} events within ${ms} ms`);
  return events;
}

const positions = (events: RecordedEvent[]) => events.map((e) => e.position);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The event-store contract: every adapter runs this same suite. `open` must return an empty store each time.
 */
export function describeEventStoreContract(adapterName: string, open: () => Promise<StoreUnderTest>): void {
  describe(`event-store contract: ${adapterName}`, () => {
    let subject: StoreUnderTest;
    let store: EventStore;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    describe('append and the recorded envelope', () => {
      it('records events with stream, revision, position, type, data, metadata and recording time', async () => {
        const before = Date.now();
        const first = event('TeamApplied', { teamId: 'lg-ai-research', members: ['LG', 'KAIST'], score: 33.6, nested: { ok: true, none: null } }, { actor: { id: 'kim', role: 'official' } });
        const result = await store.append('program-a', [first], { expectedRevision: 'no-stream' });
        expect(result.nextExpectedRevision).toBe(0);
        expect(result.events).toHaveLength(1);
        const [recorded] = result.events;
        expect(recorded).toMatchObject({ eventId: first.eventId, streamId: 'program-a', revision: 0, type: 'TeamApplied', data: first.data, metadata: first.metadata });
        expect(typeof recorded!.position).toBe('bigint');
        expect(result.position).toBe(recorded!.position);
        expect(recorded!.recordedAt).toBeInstanceOf(Date);
        expect(recorded!.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(recorded!.recordedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
        const [read] = await collect(store.readStream('program-a'));
        expect(read).toEqual(recorded);
      });

      it('keeps text exactly, including non-ASCII and characters JSON escapes', async () => {
        const data = { title: '소버린 AI 파운데이션 모델 🇰🇷', quote: 'a "b" \\ c\n\td', empty: '', zero: 0, negative: -1.25, big: 9007199254740991 };
        await store.append('program-text', [event('Texty', data)], { expectedRevision: 'any' });
        const [read] = await collect(store.readStream('program-text'));
        expect(read!.data).toEqual(data);
        expect(read!.metadata).toEqual({});
      });

      it('appends several events atomically with consecutive revisions and increasing positions', async () => {
        const result = await store.append('program-a', [event('A'), event('B'), event('C')], { expectedRevision: 'no-stream' });
        expect(result.events.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(result.nextExpectedRevision).toBe(2);
        const ps = positions(result.events);
        expect(ps[0]! < ps[1]! && ps[1]! < ps[2]!).toBe(true);
        expect(result.position).toBe(ps[2]);
      });

      it('reports the head position of the log', async () => {
        expect(await store.headPosition()).toBeNull();
        await store.append('s-1', [event()], { expectedRevision: 'any' });
        const { position } = await store.append('s-2', [event(), event()], { expectedRevision: 'any' });
        expect(await store.headPosition()).toBe(position);
      });
    });

    describe('reading a stream', () => {
      beforeEach(async () => {
        await store.append('program-r', [0, 1, 2, 3, 4].map((n) => event('N', { n })), { expectedRevision: 'no-stream' });
        await store.append('program-other', [event('Other')], { expectedRevision: 'no-stream' });
      });
      const ns = (events: RecordedEvent[]) => events.map((e) => e.data['n']);

      it('reads forwards from the start, or from a revision (inclusive), up to maxCount', async () => {
        expect(ns(await collect(store.readStream('program-r')))).toEqual([0, 1, 2, 3, 4]);
        expect(ns(await collect(store.readStream('program-r', { fromRevision: 2 })))).toEqual([2, 3, 4]);
        expect(ns(await collect(store.readStream('program-r', { fromRevision: 1, maxCount: 2 })))).toEqual([1, 2]);
        expect(ns(await collect(store.readStream('program-r', { fromRevision: 9 })))).toEqual([]);
        expect(ns(await collect(store.readStream('program-r', { fromRevision: 'end' })))).toEqual([]);
      });

      it('reads backwards from the end, or from a revision (inclusive)', async () => {
        expect(ns(await collect(store.readStream('program-r', { direction: 'backwards' })))).toEqual([4, 3, 2, 1, 0]);
        expect(ns(await collect(store.readStream('program-r', { direction: 'backwards', maxCount: 1 })))).toEqual([4]);
        expect(ns(await collect(store.readStream('program-r', { direction: 'backwards', fromRevision: 2 })))).toEqual([2, 1, 0]);
        expect(ns(await collect(store.readStream('program-r', { direction: 'backwards', fromRevision: 'start' })))).toEqual([0]);
      });

      it('yields nothing for a stream that does not exist', async () => {
        expect(await collect(store.readStream('program-nobody'))).toEqual([]);
        expect(await collect(store.readStream('program-nobody', { direction: 'backwards' }))).toEqual([]);
      });

      it('streams a long stream in order without loading it at once', async () => {
        const events = Array.from({ length: 2500 }, (_, n) => event('Long', { n }));
        for (let i = 0; i < events.length; i += 500) {
          await store.append('program-long', events.slice(i, i + 500), { expectedRevision: i === 0 ? 'no-stream' : i - 1 });
        }
        const read = await collect(store.readStream('program-long'));
        expect(read.map((e) => e.revision)).toEqual(events.map((_, n) => n));
        expect(read.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
      });
    });

    describe('reading the whole log ($all)', () => {
      let appended: RecordedEvent[];
      beforeEach(async () => {
        appended = [];
        appended.push(...(await store.append('program-x', [event('Launched'), event('Applied')], { expectedRevision: 'no-stream' })).events);
        appended.push(...(await store.append('program-y', [event('Launched')], { expectedRevision: 'no-stream' })).events);
        appended.push(...(await store.append('other-z', [event('Applied')], { expectedRevision: 'no-stream' })).events);
        appended.push(...(await store.append('program-x', [event('Closed')], { expectedRevision: 1 })).events);
      });

      it('reads every stream in commit order, forwards and backwards', async () => {
        const forwards = await collect(store.readAll());
        expect(forwards.map((e) => e.eventId)).toEqual(appended.map((e) => e.eventId));
        expect(forwards).toEqual(appended);
        const backwards = await collect(store.readAll({ direction: 'backwards' }));
        expect(backwards.map((e) => e.eventId)).toEqual([...appended].reverse().map((e) => e.eventId));
      });

      it('reads from a position (inclusive) and up to maxCount', async () => {
        const from = appended[2]!.position;
        expect((await collect(store.readAll({ fromPosition: from }))).map((e) => e.eventId)).toEqual(appended.slice(2).map((e) => e.eventId));
        expect((await collect(store.readAll({ fromPosition: from, maxCount: 1 }))).map((e) => e.eventId)).toEqual([appended[2]!.eventId]);
        expect((await collect(store.readAll({ maxCount: 2 }))).map((e) => e.eventId)).toEqual(appended.slice(0, 2).map((e) => e.eventId));
        expect((await collect(store.readAll({ direction: 'backwards', maxCount: 2 }))).map((e) => e.eventId)).toEqual(
          [appended[4]!, appended[3]!].map((e) => e.eventId),
        );
        expect(await collect(store.readAll({ fromPosition: 'end' }))).toEqual([]);
      });

      it('filters by event type and by stream prefix, alone or together', async () => {
        const types = await collect(store.readAll({ filter: { eventTypes: ['Applied', 'Closed'] } }));
        expect(types.map((e) => e.type)).toEqual(['Applied', 'Applied', 'Closed']);
        const prefix = await collect(store.readAll({ filter: { streamPrefixes: ['program-'] } }));
        expect(prefix.map((e) => e.streamId)).toEqual(['program-x', 'program-x', 'program-y', 'program-x']);
        const both = await collect(store.readAll({ filter: { eventTypes: ['Applied'], streamPrefixes: ['program-'] } }));
        expect(both.map((e) => e.eventId)).toEqual([appended[1]!.eventId]);
        const none = await collect(store.readAll({ filter: { eventTypes: ['Nothing'] } }));
        expect(none).toEqual([]);
        const backwards = await collect(store.readAll({ direction: 'backwards', filter: { eventTypes: ['Launched'] } }));
        expect(backwards.map((e) => e.streamId)).toEqual(['program-y', 'program-x']);
      });

      it('treats a stream prefix literally, not as a pattern', async () => {
        await store.append('program_q', [event('Odd')], { expectedRevision: 'any' });
        await store.append('PROGRAM-upper', [event('Odd')], { expectedRevision: 'any' });
        const read = await collect(store.readAll({ filter: { streamPrefixes: ['program-', 'program_'] } }));
        expect(read.map((e) => e.streamId)).toEqual(['program-x', 'program-x', 'program-y', 'program-x', 'program_q']);
      });

      it('pages through a log longer than one batch', async () => {
        for (let i = 0; i < 5; i++) await store.append(`bulk-${i}`, Array.from({ length: 600 }, () => event('Bulk')), { expectedRevision: 'no-stream' });
        const all = await collect(store.readAll());
        expect(all).toHaveLength(3005);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position > all[i - 1]!.position).toBe(true);
        const bulk = await collect(store.readAll({ filter: { streamPrefixes: ['bulk-'] }, direction: 'backwards' }));
        expect(bulk).toHaveLength(3000);
      });
    });

    describe('expected revision', () => {
      it('no-stream: succeeds on a new stream, refuses an existing one with its actual revision', async () => {
        await store.append('s', [event(), event()], { expectedRevision: 'no-stream' });
        const refused = await store.append('s', [event()], { expectedRevision: 'no-stream' }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(WrongExpectedRevisionError);
        expect(refused).toMatchObject({ streamId: 's', expected: 'no-stream', actual: 1 });
      });

      it('stream-exists: refuses a new stream, succeeds on an existing one', async () => {
        const refused = await store.append('s', [event()], { expectedRevision: 'stream-exists' }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(WrongExpectedRevisionError);
        expect(refused).toMatchObject({ streamId: 's', expected: 'stream-exists', actual: 'no-stream' });
        await store.append('s', [event()], { expectedRevision: 'any' });
        const result = await store.append('s', [event()], { expectedRevision: 'stream-exists' });
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('any: succeeds whatever the stream holds', async () => {
        expect((await store.append('s', [event()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0);
        expect((await store.append('s', [event()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(1);
      });

      it('a revision: succeeds when the stream is there, refuses when it is behind, ahead or missing', async () => {
        const missing = await store.append('s', [event()], { expectedRevision: 0 }).catch((e: unknown) => e);
        expect(missing).toMatchObject({ expected: 0, actual: 'no-stream' });
        await store.append('s', [event(), event(), event()], { expectedRevision: 'no-stream' });
        const stale = await store.append('s', [event()], { expectedRevision: 1 }).catch((e: unknown) => e);
        expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
        expect(stale).toMatchObject({ streamId: 's', expected: 1, actual: 2 });
        const ahead = await store.append('s', [event()], { expectedRevision: 5 }).catch((e: unknown) => e);
        expect(ahead).toMatchObject({ expected: 5, actual: 2 });
        expect((await store.append('s', [event()], { expectedRevision: 2 })).nextExpectedRevision).toBe(3);
      });

      it('a refused append writes nothing', async () => {
        await store.append('s', [event()], { expectedRevision: 'no-stream' });
        const head = await store.headPosition();
        await expect(store.append('s', [event(), event()], { expectedRevision: 'no-stream' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.headPosition()).toBe(head);
        expect(await collect(store.readStream('s'))).toHaveLength(1);
      });

      it('of concurrent appends at the same expected revision exactly one wins', async () => {
        await store.append('race', [event()], { expectedRevision: 'no-stream' });
        const contenders = Array.from({ length: 20 }, (_, i) => store.append('race', [event('Won', { i })], { expectedRevision: 0 }));
        const outcomes = await Promise.allSettled(contenders);
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const o of lost) expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await collect(store.readStream('race'))).toHaveLength(2);
      });

      it('of concurrent creations of a new stream exactly one wins', async () => {
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => store.append('fresh', [event()], { expectedRevision: 'no-stream' })));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(await collect(store.readStream('fresh'))).toHaveLength(1);
      });
    });

    describe('idempotent retry', () => {
      it('the same event ids at the same expected revision return the original result and write nothing', async () => {
        await store.append('s', [event()], { expectedRevision: 'no-stream' });
        const batch = [event('A'), event('B')];
        const original = await store.append('s', batch, { expectedRevision: 0 });
        await store.append('s', [event('Later')], { expectedRevision: 2 });
        const head = await store.headPosition();
        const { alreadyRecorded, ...retried } = await store.append('s', batch, { expectedRevision: 0 });
        expect(retried).toEqual(original);
        // An adapter that can tell a retry from a first append says so; one that cannot says nothing.
        expect([true, undefined]).toContain(alreadyRecorded);
        expect(original.alreadyRecorded).toBeUndefined();
        expect(await store.headPosition()).toBe(head);
        expect(await collect(store.readStream('s'))).toHaveLength(4);
      });

      it('holds for a retried stream creation and for concurrent retries', async () => {
        const batch = [event('Launched')];
        const outcomes = await Promise.all(Array.from({ length: 5 }, () => store.append('s', batch, { expectedRevision: 'no-stream' })));
        for (const outcome of outcomes) expect(outcome.events[0]!.eventId).toBe(batch[0]!.eventId);
        expect(new Set(outcomes.map((o) => o.position)).size).toBe(1);
        expect(await collect(store.readAll())).toHaveLength(1);
      });

      it('holds with expected revision any', async () => {
        const batch = [event('A'), event('B')];
        const original = await store.append('s', batch, { expectedRevision: 'any' });
        const { alreadyRecorded, ...retried } = await store.append('s', batch, { expectedRevision: 'any' });
        expect(retried).toEqual(original);
        expect([true, undefined]).toContain(alreadyRecorded);
        expect(await collect(store.readAll())).toHaveLength(2);
      });
    });

    describe('subscriptions', () => {
      it('deliver history, then live events, in order, and end on close', async () => {
        const history = (await store.append('s-1', [event('H1'), event('H2')], { expectedRevision: 'no-stream' })).events;
        const subscription = store.subscribe({ fromPosition: 'start' });
        // The live events are appended once the history has been delivered: not after a sleep that may be too short.
        let historyDelivered!: () => void;
        const delivered = new Promise<void>((resolve) => (historyDelivered = resolve));
        const received = take(subscription, 4, 20_000, (count) => count === 2 && historyDelivered());
        await delivered;
        const live = [
          ...(await store.append('s-2', [event('L1')], { expectedRevision: 'no-stream' })).events,
          ...(await store.append('s-1', [event('L2')], { expectedRevision: 1 })).events,
        ];
        expect((await received).map((e) => e.eventId)).toEqual([...history, ...live].map((e) => e.eventId));
      });

      it('start after the given position (exclusive), or at the end for live events only', async () => {
        const first = (await store.append('s', [event('A'), event('B'), event('C')], { expectedRevision: 'no-stream' })).events;
        const fromB = await take(store.subscribe({ fromPosition: first[1]!.position }), 1);
        expect(fromB.map((e) => e.type)).toEqual(['C']);
        const liveOnly = store.subscribe({ fromPosition: 'end' });
        const received = take(liveOnly, 1);
        await sleep(50);
        await store.append('s', [event('D')], { expectedRevision: 2 });
        expect((await received).map((e) => e.type)).toEqual(['D']);
      });

      it('filter by event type and stream prefix, in history and live', async () => {
        await store.append('program-a', [event('Wanted'), event('Unwanted')], { expectedRevision: 'no-stream' });
        await store.append('elsewhere', [event('Wanted')], { expectedRevision: 'no-stream' });
        const subscription = store.subscribe({ filter: { eventTypes: ['Wanted'], streamPrefixes: ['program-'] } });
        let historyDelivered!: () => void;
        const delivered = new Promise<void>((resolve) => (historyDelivered = resolve));
        const received = take(subscription, 3, 20_000, (count) => count === 1 && historyDelivered());
        await delivered;
        await store.append('elsewhere', [event('Wanted')], { expectedRevision: 0 });
        await store.append('program-b', [event('Unwanted'), event('Wanted')], { expectedRevision: 'no-stream' });
        await store.append('program-a', [event('Wanted')], { expectedRevision: 1 });
        expect((await received).map((e) => `${e.streamId}:${e.type}`)).toEqual(['program-a:Wanted', 'program-b:Wanted', 'program-a:Wanted']);
      });

      it('hand over from history to live with no gap and no duplicate under 10,000 concurrent appends', async () => {
        const writers = 4;
        const appendsPerWriter = 250;
        const eventsPerAppend = 10;
        const total = writers * appendsPerWriter * eventsPerAppend;
        const subscribers: Array<Promise<RecordedEvent[]>> = [];
        let written = 0;
        const write = async (writer: number) => {
          for (let i = 0; i < appendsPerWriter; i++) {
            await store.append(`load-${writer}`, Array.from({ length: eventsPerAppend }, () => event('Load', { writer, i })), {
              expectedRevision: i === 0 ? 'no-stream' : i * eventsPerAppend - 1,
            });
            written += eventsPerAppend;
            // Subscribers join at different moments: before, during and late in the load.
            if (writer === 0 && (i === 0 || i === 60 || i === 180)) subscribers.push(take(store.subscribe({ fromPosition: 'start' }), total, 60_000));
          }
        };
        subscribers.push(take(store.subscribe(), total, 60_000));
        await Promise.all(Array.from({ length: writers }, (_, w) => write(w)));
        expect(written).toBe(total);
        const log = await collect(store.readAll());
        expect(log).toHaveLength(total);
        const expected = log.map((e) => e.eventId);
        for (const received of await Promise.all(subscribers)) {
          expect(received.map((e) => e.eventId)).toEqual(expected);
        }
      }, 120_000);

      it('serve many subscribers at once, and a subscriber that stops reading does not block appends or the others', async () => {
        const stalled = store.subscribe();
        const stalledIterator = stalled[Symbol.asyncIterator]();
        await store.append('s', [event('First')], { expectedRevision: 'no-stream' });
        expect((await stalledIterator.next()).value?.type).toBe('First');
        // `stalled` now never reads again.
        const readers = Array.from({ length: 10 }, () => take(store.subscribe(), 501));
        for (let i = 0; i < 50; i++) {
          await store.append('s', Array.from({ length: 10 }, () => event('More')), { expectedRevision: i * 10 });
        }
        for (const received of await Promise.all(readers)) expect(received).toHaveLength(501);
        await stalled.close();
      });

      it('end iteration when closed while waiting for live events', async () => {
        const subscription = store.subscribe({ fromPosition: 'end' });
        const iteration = collect(subscription);
        await sleep(50);
        await subscription.close();
        expect(await iteration).toEqual([]);
      });
    });

    describe('bad input fails before anything is written', () => {
      const refuses = async (attempt: () => Promise<unknown>) => {
        const head = await store.headPosition();
        await expect(attempt()).rejects.toBeInstanceOf(EventStoreInputError);
        expect(await store.headPosition()).toBe(head);
      };
      beforeEach(async () => {
        await store.append('s', [event()], { expectedRevision: 'no-stream' });
      });

      it('an empty, over-long or reserved stream id', async () => {
        await refuses(() => store.append('', [event()], { expectedRevision: 'any' }));
        await refuses(() => store.append('x'.repeat(201), [event()], { expectedRevision: 'any' }));
        await refuses(() => store.append('$all', [event()], { expectedRevision: 'any' }));
        await refuses(() => store.append(42 as unknown as string, [event()], { expectedRevision: 'any' }));
      });

      it('an empty append, an empty or reserved type, an event id that is no UUID or appears twice', async () => {
        await refuses(() => store.append('s', [], { expectedRevision: 'any' }));
        await refuses(() => store.append('s', [{ ...event(), type: '' }], { expectedRevision: 'any' }));
        await refuses(() => store.append('s', [{ ...event(), type: '$system' }], { expectedRevision: 'any' }));
        await refuses(() => store.append('s', [{ ...event(), eventId: 'not-a-uuid' }], { expectedRevision: 'any' }));
        const twice = event();
        await refuses(() => store.append('s', [twice, { ...twice }], { expectedRevision: 'any' }));
      });

      it('data or metadata that is not plain JSON, anywhere in an append', async () => {
        const cyclic: Record<string, unknown> = {};
        cyclic['self'] = cyclic;
        const notJson: unknown[] = [
          { n: 1n },
          { d: new Date() },
          { u: undefined },
          { f: () => 1 },
          { nan: Number.NaN },
          { inf: Number.POSITIVE_INFINITY },
          { m: new Map() },
          { deep: [{ ok: 1 }, { bad: Symbol('s') }] },
          cyclic,
          [1, 2],
          'text',
          null,
        ];
        for (const data of notJson) {
          await refuses(() => store.append('s', [event('Fine'), { ...event(), data: data as NewEvent['data'] }], { expectedRevision: 'any' }));
          await refuses(() => store.append('s', [{ ...event(), metadata: data as NewEvent['metadata'] }], { expectedRevision: 'any' }));
        }
      });

      it('an append over 1 MiB', async () => {
        const big = 'x'.repeat(300 * 1024);
        await refuses(() => store.append('s', [1, 2, 3, 4].map(() => event('Big', { big })), { expectedRevision: 'any' }));
        await refuses(() => store.append('s', [event('Big', { big: 'y'.repeat(1024 * 1024) })], { expectedRevision: 'any' }));
        // Just under the limit is accepted.
        await store.append('s', [event('Big', { big: 'z'.repeat(900 * 1024) })], { expectedRevision: 'any' });
      });

      it('a negative, fractional or unknown expected revision', async () => {
        await refuses(() => store.append('s', [event()], { expectedRevision: -1 }));
        await refuses(() => store.append('s', [event()], { expectedRevision: 0.5 }));
        await refuses(() => store.append('s', [event()], { expectedRevision: 'latest' as never }));
        await refuses(() => store.append('s', [event()], {} as never));
      });

      it('bad read and subscription options', async () => {
        await expect(collect(store.readStream('s', { fromRevision: -1 }))).rejects.toBeInstanceOf(EventStoreInputError);
        await expect(collect(store.readStream('', {}))).rejects.toBeInstanceOf(EventStoreInputError);
        await expect(collect(store.readStream('s', { maxCount: 0 }))).rejects.toBeInstanceOf(EventStoreInputError);
        await expect(collect(store.readAll({ fromPosition: -1n }))).rejects.toBeInstanceOf(EventStoreInputError);
        await expect(collect(store.readAll({ fromPosition: 2n ** 63n }))).rejects.toBeInstanceOf(EventStoreInputError);
        expect(() => store.subscribe({ fromPosition: 2n ** 64n })).toThrow(EventStoreInputError);
        await expect(collect(store.readAll({ direction: 'sideways' as never }))).rejects.toBeInstanceOf(EventStoreInputError);
        await expect(collect(store.readAll({ filter: { eventTypes: [''] } }))).rejects.toBeInstanceOf(EventStoreInputError);
        expect(() => store.subscribe({ fromPosition: 5 as never })).toThrow(EventStoreInputError);
      });
    });
  });
}
