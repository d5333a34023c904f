/**
 * The EventStoreDB test fixture, driven by the real `@eventstore/db-client` over a loopback socket: it must behave the
 * way the client expects a real server to, or the adapter tests built on it prove nothing.
 */
import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  eventTypeFilter,
  FORWARDS,
  jsonEvent,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  streamNameFilter,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type EventData,
  type CatchupSubscription,
  type Position,
  type ReadAllOptions,
  type ReadableSubscription,
  type ReadStreamOptions,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { EventStoreDbTestServer, type DropMode } from '../support/eventstoredb-test-server/eventstoredb-test-server.js';

let server: EventStoreDbTestServer;
let client: EventStoreDBClient;

beforeEach(async () => {
  server = await EventStoreDbTestServer.start();
  client = EventStoreDBClient.connectionString(server.connectionString);
});

afterEach(async () => {
  await client.dispose();
  await server.stop();
});

const event = (type: string, data: Record<string, unknown> = {}, id?: string) =>
  jsonEvent({ type, data, ...(id ? { id } : {}) });

async function collect<E>(source: AsyncIterable<E>): Promise<E[]> {
  const items: E[] = [];
  for await (const item of source) items.push(item);
  return items;
}

const typesOf = (events: readonly (ResolvedEvent | AllStreamResolvedEvent)[]) => events.map((e) => e.event?.type);
const streamTypes = async (stream: string, options?: ReadStreamOptions) =>
  typesOf(await collect(client.readStream(stream, options)));
const allTypes = async (options?: ReadAllOptions) => typesOf(await collect(client.readAll(options)));
/** The error a promise rejects with, or undefined. */
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

/** Follows a client subscription: its events so far, and promises for its signals. */
function follow<E>(subscription: ReadableSubscription<E> & CatchupSubscription) {
  const received: E[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  const ended = new Promise<{ error?: Error }>((resolve) => {
    subscription.on('error', (error) => resolve({ error }));
    subscription.on('end', () => resolve({}));
  });
  subscription.on('data', (item: E) => {
    received.push(item);
    if (waiter && received.length >= waiter.count) waiter.resolve();
  });
  const caughtUp = new Promise<void>((resolve) => subscription.on('caughtUp', () => resolve()));
  return {
    received,
    ended,
    caughtUp,
    /** Resolves once `count` events in total have arrived. */
    until: (count: number) =>
      received.length >= count ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { count, resolve })),
  };
}

describe('appending and reading a stream', () => {
  it('reads back what was appended, forwards and backwards, with revisions, positions and metadata', async () => {
    const before = Date.now();
    const result = await client.appendToStream('order-1', [
      jsonEvent({ type: 'Placed', data: { total: 3 }, metadata: { by: 'ann' } }),
      event('Paid'),
      event('Shipped'),
    ]);
    expect(result.success).toBe(true);
    expect(result.nextExpectedRevision).toBe(2n);
    expect(result.position).toEqual({ commit: 30n, prepare: 30n });

    const forwards = await collect(client.readStream('order-1'));
    expect(typesOf(forwards)).toEqual(['Placed', 'Paid', 'Shipped']);
    const first = forwards[0]!.event!;
    expect(first).toMatchObject({ streamId: 'order-1', revision: 0n, isJson: true, data: { total: 3 } });
    expect(first.metadata).toEqual({ by: 'ann' });
    expect(first.position).toEqual({ commit: 10n, prepare: 10n });
    expect(first.created.getTime()).toBeGreaterThanOrEqual(before);
    expect(first.created.getTime()).toBeLessThanOrEqual(Date.now());
    expect(server.events.map((e) => e.eventId)).toEqual(forwards.map((e) => e.event!.id));

    const backwards = await streamTypes('order-1', { direction: BACKWARDS, fromRevision: END });
    expect(backwards).toEqual(['Shipped', 'Paid', 'Placed']);
  });

  it('honours fromRevision (inclusive) and maxCount in both directions', async () => {
    await client.appendToStream('s', ['a', 'b', 'c', 'd'].map((type) => event(type)));
    expect(await streamTypes('s', { fromRevision: 1n, maxCount: 2 })).toEqual(['b', 'c']);
    expect(await streamTypes('s', { fromRevision: 2n, direction: BACKWARDS })).toEqual(['c', 'b', 'a']);
    expect(await streamTypes('s', { fromRevision: END, direction: BACKWARDS, maxCount: 1 })).toEqual(['d']);
    expect(await streamTypes('s', { fromRevision: END, direction: FORWARDS })).toEqual([]);
    expect(await streamTypes('s', { fromRevision: 9n })).toEqual([]);
    // The client's default start is START in both directions: backwards from START is just the first event.
    expect(await streamTypes('s', { direction: BACKWARDS })).toEqual(['a']);
  });

  it('throws StreamNotFoundError while reading a stream that does not exist', async () => {
    const error = await failure(collect(client.readStream('nowhere')));
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).streamName).toBe('nowhere');
  });

  it('refuses an append larger than the maximum append size', async () => {
    const small = await EventStoreDbTestServer.start({ maxAppendSize: 1000 });
    const smallClient = EventStoreDBClient.connectionString(small.connectionString);
    try {
      const error = await failure(smallClient.appendToStream('big', event('Big', { blob: 'x'.repeat(2000) })));
      expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
      expect(small.events).toHaveLength(0);
    } finally {
      await smallClient.dispose();
      await small.stop();
    }
  });
});

describe('expected revisions', () => {
  it('accepts each kind of expectation when it holds', async () => {
    const append = (expectedRevision: AppendExpectedRevision) =>
      client.appendToStream('s', event('e'), { expectedRevision });
    expect(await append(NO_STREAM)).toMatchObject({ success: true, nextExpectedRevision: 0n });
    expect(await append(STREAM_EXISTS)).toMatchObject({ success: true, nextExpectedRevision: 1n });
    expect(await append(1n)).toMatchObject({ success: true, nextExpectedRevision: 2n });
    expect(await append(ANY)).toMatchObject({ success: true, nextExpectedRevision: 3n });
  });

  it('throws WrongExpectedVersionError with the expected and actual versions when one does not hold', async () => {
    const refusal = (expectedRevision: AppendExpectedRevision) =>
      failure(client.appendToStream('s', event('x'), { expectedRevision }));

    const existsOnMissing = await refusal(STREAM_EXISTS);
    expect(existsOnMissing).toBeInstanceOf(WrongExpectedVersionError);
    expect(existsOnMissing).toMatchObject({ expectedVersion: 'stream_exists', actualVersion: 'no_stream' });
    expect(await refusal(0n)).toMatchObject({ expectedVersion: 0n, actualVersion: 'no_stream' });

    await client.appendToStream('s', [event('a'), event('b')]);
    expect(await refusal(NO_STREAM)).toMatchObject({ expectedVersion: 'no_stream', actualVersion: 1n });
    const stale = await refusal(0n);
    expect(stale).toBeInstanceOf(WrongExpectedVersionError);
    expect(stale).toMatchObject({ streamName: 's', expectedVersion: 0n, actualVersion: 1n });
    expect(server.events).toHaveLength(2);
  });
});

describe('idempotency', () => {
  it('answers a repeated append at the same expected revision with the original result, writing nothing', async () => {
    await client.appendToStream('s', event('first'));
    const [idA, idB] = [randomUUID(), randomUUID()];
    const batch = () => [event('a', {}, idA), event('b', {}, idB)];
    const original = await client.appendToStream('s', batch(), { expectedRevision: 0n });
    await client.appendToStream('s', event('later'));

    const repeat = await client.appendToStream('s', batch(), { expectedRevision: 0n });
    expect(repeat).toEqual(original);
    expect(await streamTypes('s')).toEqual(['first', 'a', 'b', 'later']);
  });

  it('does so for no_stream and any too, and refuses a repeat that only partly matches', async () => {
    const id = randomUUID();
    const append = (events: EventData[], expectedRevision: AppendExpectedRevision) =>
      client.appendToStream('s', events, { expectedRevision });
    const original = await append([event('a', {}, id)], NO_STREAM);
    expect(await append([event('a', {}, id)], NO_STREAM)).toEqual(original);
    expect(await append([event('a', {}, id)], ANY)).toEqual(original);
    expect(await failure(append([event('a', {}, id), event('new')], ANY))).toBeInstanceOf(WrongExpectedVersionError);
    expect(server.events).toHaveLength(1);
  });

  it('lets a retry succeed after the answer to a written append was lost', async () => {
    server.failNextAppends(1, { afterWrite: true });
    const events = [event('a', {}, randomUUID())];
    expect(await failure(client.appendToStream('s', events, { expectedRevision: NO_STREAM }))).toBeInstanceOf(
      UnavailableError,
    );
    expect(server.events).toHaveLength(1);

    const retry = await client.appendToStream('s', events, { expectedRevision: NO_STREAM });
    expect(retry).toMatchObject({ success: true, nextExpectedRevision: 0n, position: { commit: 10n, prepare: 10n } });
    expect(server.events).toHaveLength(1);
  });
});

describe('reading $all', () => {
  beforeEach(async () => {
    await client.appendToStream('a', [event('a0'), event('a1')]);
    await client.appendToStream('b', [event('b0')]);
    await client.appendToStream('a', [event('a2')]);
  });

  const positions = (events: AllStreamResolvedEvent[]) => events.map((e) => e.event!.position.commit);

  it('reads the whole log in position order, both ways', async () => {
    const forwards = await collect(client.readAll());
    expect(typesOf(forwards)).toEqual(['a0', 'a1', 'b0', 'a2']);
    expect(positions(forwards)).toEqual([10n, 20n, 30n, 40n]);
    expect(forwards.map((e) => e.commitPosition)).toEqual([10n, 20n, 30n, 40n]);
    expect(await allTypes({ direction: BACKWARDS, fromPosition: END })).toEqual(['a2', 'b0', 'a1', 'a0']);
    expect(await allTypes({ fromPosition: END })).toEqual([]);
    // The client's default start is START in both directions: backwards from START is nothing.
    expect(await allTypes({ direction: BACKWARDS })).toEqual([]);
  });

  it('shows the events written around gRPC, like the system events of a real node', async () => {
    server.appendDirectly('$stats-127.0.0.1:2113', [{ type: '$statsCollected', data: { cpu: 1 } }]);
    const [last] = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    expect(last!.event).toMatchObject({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected', data: { cpu: 1 } });
  });

  it('reads forwards from a position inclusive and backwards from a position exclusive, up to maxCount', async () => {
    const at = (commit: bigint): Position => ({ commit, prepare: commit });
    expect(await allTypes({ fromPosition: at(20n), maxCount: 2 })).toEqual(['a1', 'b0']);
    expect(await allTypes({ fromPosition: at(25n) })).toEqual(['b0', 'a2']);
    expect(await allTypes({ fromPosition: at(30n), direction: BACKWARDS })).toEqual(['a1', 'a0']);
    expect(await allTypes({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })).toEqual(['a2']);
  });
});

describe('subscriptions', () => {
  it('delivers $all from the start, says when it caught up, then delivers live events', async () => {
    await client.appendToStream('a', [event('a0'), event('a1')]);
    const subscription = client.subscribeToAll({ fromPosition: START });
    const followed = follow(subscription);
    await followed.caughtUp;
    expect(typesOf(followed.received)).toEqual(['a0', 'a1']);

    await client.appendToStream('b', [event('b0')]);
    await client.appendToStream('a', [event('a2')]);
    await followed.until(4);
    expect(typesOf(followed.received)).toEqual(['a0', 'a1', 'b0', 'a2']);
    expect(server.subscriptionCount).toBe(1);

    await subscription.unsubscribe();
    await eventually(() => expect(server.subscriptionCount).toBe(0));
  });

  it('starts $all after a position (exclusive), or at the end', async () => {
    await client.appendToStream('a', [event('a0'), event('a1'), event('a2')]);
    const fromPosition = follow(client.subscribeToAll({ fromPosition: { commit: 20n, prepare: 20n } }));
    const fromEnd = follow(client.subscribeToAll({ fromPosition: END }));
    await Promise.all([fromPosition.caughtUp, fromEnd.caughtUp]);
    await client.appendToStream('a', [event('a3')]);
    await Promise.all([fromPosition.until(2), fromEnd.until(1)]);
    expect(typesOf(fromPosition.received)).toEqual(['a2', 'a3']);
    expect(typesOf(fromEnd.received)).toEqual(['a3']);
  });

  it('filters $all on event type or stream name prefixes and regexes', async () => {
    await client.appendToStream('order-1', [event('OrderPlaced'), event('$internal')]);
    await client.appendToStream('$stats', [event('StatsCollected')]);
    const byType = follow(client.subscribeToAll({ filter: eventTypeFilter({ prefixes: ['Order'] }) }));
    const byStream = follow(client.subscribeToAll({ filter: streamNameFilter({ prefixes: ['order-'] }) }));
    const byRegex = follow(client.subscribeToAll({ filter: eventTypeFilter({ regex: '^[^$].*Collected' }) }));
    await Promise.all([byType.caughtUp, byStream.caughtUp, byRegex.caughtUp]);
    await client.appendToStream('order-2', [event('OrderPaid'), event('Noise')]);
    await Promise.all([byType.until(2), byStream.until(4)]);
    expect(typesOf(byType.received)).toEqual(['OrderPlaced', 'OrderPaid']);
    expect(typesOf(byStream.received)).toEqual(['OrderPlaced', '$internal', 'OrderPaid', 'Noise']);
    expect(typesOf(byRegex.received)).toEqual(['StatsCollected']);
  });

  it('sends checkpoints every checkpointInterval × maxSearchWindow considered events', async () => {
    await client.appendToStream('x', [event('Skip'), event('Skip'), event('Keep'), event('Skip')]);
    const checkpoints: bigint[] = [];
    const subscription = client.subscribeToAll({
      filter: eventTypeFilter({
        prefixes: ['Keep'],
        maxSearchWindow: 1,
        checkpointInterval: 2,
        checkpointReached: (_subscription, position) => void checkpoints.push(position.commit),
      }),
    });
    const followed = follow(subscription);
    await followed.caughtUp;
    expect(typesOf(followed.received)).toEqual(['Keep']);
    expect(checkpoints).toEqual([20n, 40n]);
    await subscription.unsubscribe();
  });

  it('delivers a stream after a revision (exclusive), then live, ignoring other streams', async () => {
    await client.appendToStream('s', [event('s0'), event('s1')]);
    const fromRevision = follow(client.subscribeToStream('s', { fromRevision: 0n }));
    const fromStart = follow(client.subscribeToStream('later', { fromRevision: START }));
    const fromEnd = follow(client.subscribeToStream('s', { fromRevision: END }));
    await Promise.all([fromRevision.caughtUp, fromStart.caughtUp, fromEnd.caughtUp]);
    await client.appendToStream('other', [event('o0')]);
    await client.appendToStream('later', [event('l0')]);
    await client.appendToStream('s', [event('s2')]);
    await Promise.all([fromRevision.until(2), fromStart.until(1), fromEnd.until(1)]);
    expect(typesOf(fromRevision.received)).toEqual(['s1', 's2']);
    expect(typesOf(fromStart.received)).toEqual(['l0']);
    expect(typesOf(fromEnd.received)).toEqual(['s2']);
  });

  it('never makes appends wait for a subscriber that does not read', async () => {
    const subscription = client.subscribeToAll({ fromPosition: START });
    const followed = follow(subscription);
    await followed.caughtUp;
    subscription.pause();
    const blob = 'x'.repeat(5_000);
    for (let i = 0; i < 8; i++) {
      await client.appendToStream('load', Array.from({ length: 25 }, () => event('Load', { blob })));
    }
    expect(server.events).toHaveLength(200);
    subscription.resume();
    await followed.until(200);
    expect(followed.received.map((e) => e.event!.revision)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i)));
    await subscription.unsubscribe();
  });
});

describe('connection failures', () => {
  /**
   * Drops a caught-up $all subscription in the given way, appends while nobody listens, and resubscribes from the last
   * position received: nothing may be lost or repeated. Returns how the first subscription ended.
   */
  async function dropMidSubscription(mode: DropMode) {
    await client.appendToStream('s', [event('e0'), event('e1')]);
    const first = follow(client.subscribeToAll({ fromPosition: START }));
    await first.caughtUp;
    server.dropConnections(mode);
    const { error } = await first.ended;
    await client.appendToStream('s', [event('e2')]); // while nobody listens
    const last = first.received[first.received.length - 1]!.event!.position;
    const second = follow(client.subscribeToAll({ fromPosition: last }));
    await client.appendToStream('s', [event('e3')]);
    await second.until(2);
    expect(typesOf([...first.received, ...second.received])).toEqual(['e0', 'e1', 'e2', 'e3']);
    return error;
  }

  it('ends subscriptions with UnavailableError; resubscribing from the last position loses nothing', async () => {
    const error = await dropMidSubscription('error');
    expect(error).toBeInstanceOf(UnavailableError);
  });

  it('can end subscriptions cleanly, with no error at all, as a real server sometimes does', async () => {
    const error = await dropMidSubscription('clean');
    expect(error).toBeUndefined();
  });

  it('can reset the connections themselves, which the client also reports as UnavailableError', async () => {
    const error = await dropMidSubscription('network');
    expect(error).toBeInstanceOf(UnavailableError);
  });

  it('fails the next appends on request, without writing', async () => {
    server.failNextAppends(1);
    expect(await failure(client.appendToStream('s', event('a')))).toBeInstanceOf(UnavailableError);
    expect(server.events).toHaveLength(0);
    expect(await client.appendToStream('s', event('a'))).toMatchObject({ success: true });
  });

  it('restarts on the same port, keeping its events; the client reconnects for the next call', async () => {
    await client.appendToStream('s', [event('before')]);
    const subscription = follow(client.subscribeToAll({ fromPosition: START }));
    await subscription.caughtUp;
    const port = server.port;

    await server.restart();
    expect(server.port).toBe(port);
    expect((await subscription.ended).error).toBeInstanceOf(UnavailableError);

    await client.appendToStream('s', [event('after')]);
    expect(await streamTypes('s')).toEqual(['before', 'after']);
  });

  it('refuses calls while it is down', async () => {
    await client.appendToStream('s', [event('before')]);
    const restarted = server.restart({ downtimeMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await failure(client.appendToStream('s', [event('meanwhile')]))).toBeInstanceOf(UnavailableError);
    await restarted;
    await client.appendToStream('s', [event('after')]);
    expect(await streamTypes('s')).toEqual(['before', 'after']);
  });
});

/** Retries an assertion for up to a second. */
async function eventually(assertion: () => void): Promise<void> {
  for (let waited = 0; ; waited += 10) {
    try {
      return assertion();
    } catch (error) {
      if (waited >= 1000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
