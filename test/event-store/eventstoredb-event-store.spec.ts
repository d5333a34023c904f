import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { AccessDeniedError, DeadlineExceededError } from '@eventstore/db-client';
import { status } from '@grpc/grpc-js';
import { EventStoreUnavailableError } from '../../src/event-store/event-store.errors.js';
import type { ExpectedRevision, NewEvent, RecordedEvent, Subscription } from '../../src/event-store/event-store.port.js';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { NamespacedEventStore } from '../esdb/namespaced-event-store.js';
import { EventStoreDbTestServer, type DropMode } from '../support/eventstoredb-test-server/eventstoredb-test-server.js';
import { collect, describeEventStoreContract, event } from './event-store.contract.js';

describeEventStoreContract('EventStoreDB (protocol-level test server)', async () => {
  const server = await EventStoreDbTestServer.start();
  const store = new EventStoreDbEventStore({ connectionString: server.connectionString });
  return {
    store,
    dispose: async () => {
      await store.close();
      await server.stop();
    },
  };
});

/**
 * The view the real-server suite (test/esdb/) runs the contract through, proven here on one shared test server that
 * already holds other streams (some with the contract's own stream names) and system events, and gets more of both
 * while each test runs.
 */
describe('the namespaced view of a shared store', () => {
  let shared: EventStoreDbTestServer | undefined;
  afterAll(async () => {
    await shared?.stop();
  });
  const foreign = (server: EventStoreDbTestServer) => {
    server.appendDirectly('$stats-127.0.0.1:2113', [{ type: '$statsCollected', data: { cpu: 1 } }]);
    server.appendDirectly('program-a', [{ type: 'Foreign' }]);
    server.appendDirectly('s', [{ type: 'Foreign' }]);
  };
  describeEventStoreContract('EventStoreDB, namespaced view of a shared non-empty test server', async () => {
    shared ??= await EventStoreDbTestServer.start();
    foreign(shared);
    const store = await NamespacedEventStore.open(new EventStoreDbEventStore({ connectionString: shared.connectionString }), `test-${randomUUID()}-`);
    foreign(shared);
    return { store, dispose: () => store.close() };
  });
});

describe('EventStoreDB adapter over a failing server', () => {
  let server: EventStoreDbTestServer;
  let store: EventStoreDbEventStore;
  const open = async () => {
    server = await EventStoreDbTestServer.start();
    store = new EventStoreDbEventStore({ connectionString: server.connectionString });
  };
  afterEach(async () => {
    await store.close();
    await server.stop();
  });

  const appendBatches = async (streamId: string, count: number, from: number, data: Record<string, unknown> = {}) => {
    const appended: RecordedEvent[] = [];
    for (let i = 0; i < count; i += 100) {
      const batch = Array.from({ length: Math.min(100, count - i) }, (_, n) => event('Numbered', { n: from + i + n, ...data }));
      const revision = from + i - 1;
      appended.push(...(await appendRetrying(streamId, batch, revision < 0 ? 'no-stream' : revision)).events);
    }
    return appended;
  };

  /** As the application's command loop does: an unavailable store is retried with the very same events. */
  const appendRetrying = async (streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.append(streamId, events, { expectedRevision });
      } catch (error) {
        if (!(error instanceof EventStoreUnavailableError) || attempt === 10) throw error;
        await sleep(50);
      }
    }
  };

  it.each<DropMode>(['error', 'clean', 'network'])(
    'a subscription survives a dropped connection (%s) mid-stream: every event once, in order',
    async (mode) => {
      await open();
      // Large enough that the server is held back by flow control when the connection drops.
      const blob = 'x'.repeat(1000);
      const before = await appendBatches('program-1', 1000, 0, { blob });
      const subscription = store.subscribe({ fromPosition: 'start' });
      const reader = read(subscription);
      await reader.until(100);
      server.dropConnections(mode);
      const after = await appendBatches('program-1', 500, 1000, { blob });
      await reader.until(1500);
      const expected = [...before, ...after].map((e) => e.eventId);
      expect(reader.received.map((e) => e.eventId)).toEqual(expected);
      // Nothing more behind them: the next event is the next one appended.
      const [last] = (await store.append('program-1', [event('Last')], { expectedRevision: 1499 })).events;
      await reader.until(1501);
      expect(reader.received[1500]!.eventId).toBe(last!.eventId);
      const health = await store.health();
      expect(health.subscriptions).toMatchObject({ open: 1, reconnecting: 0 });
      expect(health.subscriptions.lastError).toEqual(mode === 'clean' ? 'the server ended the subscription' : expect.stringContaining('UNAVAILABLE'));
      await subscription.close();
      await reader.done;
      expect((await store.health()).subscriptions.open).toBe(0);
    },
    60_000,
  );

  it('shows a subscription reconnecting during an outage, and up again after it', async () => {
    await open();
    const first = await store.append('program-1', [event('Before')], { expectedRevision: 'no-stream' });
    const subscription = store.subscribe();
    const reader = read(subscription);
    await reader.until(1);
    expect(await store.health()).toEqual({
      adapter: 'eventstoredb',
      status: 'up',
      headPosition: first.position,
      subscriptions: { open: 1, reconnecting: 0, lastError: null },
    });

    const restarted = server.restart({ downtimeMs: 500 });
    await eventually(async () => expect((await store.health()).subscriptions.reconnecting).toBe(1));
    const down = await store.health();
    expect(down).toMatchObject({ status: 'down', headPosition: null, subscriptions: { open: 1, reconnecting: 1 } });
    expect(down.subscriptions.lastError).toContain('UNAVAILABLE');
    await restarted;
    await eventually(async () => expect((await store.health()).subscriptions.reconnecting).toBe(0));

    const later = await store.append('program-1', [event('After')], { expectedRevision: 0 });
    await reader.until(2);
    expect(reader.received.map((e) => e.eventId)).toEqual([...first.events, ...later.events].map((e) => e.eventId));
    expect(await store.health()).toMatchObject({ status: 'up', headPosition: later.position });
    await subscription.close();
  });

  it('refuses appends and reads as unavailable while the server is down, and works again after it restarts', async () => {
    await open();
    const first = await store.append('program-1', [event('Before')], { expectedRevision: 'no-stream' });
    const subscription = store.subscribe();
    const reader = read(subscription);
    await reader.until(1);

    const restarted = server.restart({ downtimeMs: 400 });
    await sleep(50);
    const refused = await store.append('program-1', [event('Meanwhile')], { expectedRevision: 0 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EventStoreUnavailableError);
    expect((refused as Error).cause).toBeDefined();
    await expect(collect(store.readStream('program-1'))).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(collect(store.readAll())).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await restarted;

    const after = await store.append('program-1', [event('After')], { expectedRevision: 0 });
    expect(after.nextExpectedRevision).toBe(1);
    expect((await collect(store.readStream('program-1'))).map((e) => e.type)).toEqual(['Before', 'After']);
    await reader.until(2);
    expect(reader.received.map((e) => e.eventId)).toEqual([...first.events, ...after.events].map((e) => e.eventId));
    await subscription.close();
  });

  it('returns the original result when an append whose answer was lost is retried, and holds its events once', async () => {
    await open();
    await store.append('program-1', [event('First')], { expectedRevision: 'no-stream' });
    const batch = [event('A', { n: 1 }), event('B', { n: 2 })];
    server.failNextAppends(1, { afterWrite: true });
    const lost = await store.append('program-1', batch, { expectedRevision: 0 }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(EventStoreUnavailableError);
    expect(server.events).toHaveLength(3);

    const retried = await store.append('program-1', batch, { expectedRevision: 0 });
    const stream = await collect(store.readStream('program-1'));
    expect(retried).toEqual({ nextExpectedRevision: 2, position: stream[2]!.position, events: stream.slice(1) });
    expect(retried.events.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));

    await store.append('program-1', [event('Later')], { expectedRevision: 2 });
    expect(await store.append('program-1', batch, { expectedRevision: 0 })).toEqual(retried);
    expect(server.events.map((e) => e.eventId)).toEqual((await collect(store.readAll())).map((e) => e.eventId));
    expect(server.events).toHaveLength(4);
  });

  it('maps a timeout to unavailable, and passes errors waiting cannot cure through unchanged', async () => {
    await open();
    server.failNextAppends(1, { code: status.DEADLINE_EXCEEDED });
    const timedOut = await store.append('s', [event()], { expectedRevision: 'any' }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(EventStoreUnavailableError);
    expect((timedOut as Error).cause).toBeInstanceOf(DeadlineExceededError);
    server.failNextAppends(1, { code: status.UNAUTHENTICATED });
    await expect(store.append('s', [event()], { expectedRevision: 'any' })).rejects.toBeInstanceOf(AccessDeniedError);
    expect(server.events).toHaveLength(0);
  });

  it('leaves system events out of reads, the head position and subscriptions', async () => {
    await open();
    const mine = (await store.append('program-1', [event('Mine')], { expectedRevision: 'no-stream' })).events;
    server.appendDirectly('$stats-127.0.0.1:2113', [{ type: '$statsCollected', data: { cpu: 1 } }]);
    server.appendDirectly('program-1', [{ type: '$metadata' }]);
    expect((await collect(store.readAll())).map((e) => e.eventId)).toEqual(mine.map((e) => e.eventId));
    expect((await collect(store.readAll({ direction: 'backwards' }))).map((e) => e.eventId)).toEqual(mine.map((e) => e.eventId));
    expect(await store.headPosition()).toBe(mine[0]!.position);
    const reader = read(store.subscribe());
    await reader.until(1);
    const more = (await store.append('program-2', [event('More')], { expectedRevision: 'no-stream' })).events;
    await reader.until(2);
    expect(reader.received.map((e) => e.eventId)).toEqual([...mine, ...more].map((e) => e.eventId));
    await reader.close();
  });

  it('subscribing at the end loses nothing appended while it resubscribes', async () => {
    await open();
    await store.append('program-1', [event('Old')], { expectedRevision: 'no-stream' });
    const reader = read(store.subscribe({ fromPosition: 'end' }));
    await eventually(() => expect(server.subscriptionCount).toBe(1));
    server.dropConnections('error');
    const meanwhile = await store.append('program-1', [event('Meanwhile')], { expectedRevision: 0 });
    await reader.until(1);
    expect(reader.received.map((e) => e.eventId)).toEqual(meanwhile.events.map((e) => e.eventId));
    await reader.close();
  });

  it('subscribing at the end while the server is down starts once it is back', async () => {
    await open();
    await store.append('program-1', [event('Old')], { expectedRevision: 'no-stream' });
    const restarted = server.restart({ downtimeMs: 400 });
    await sleep(50);
    const reader = read(store.subscribe({ fromPosition: 'end' }));
    await eventually(async () => expect((await store.health()).subscriptions.reconnecting).toBe(1));
    await restarted;
    await eventually(async () => expect((await store.health()).subscriptions.reconnecting).toBe(0));
    const fresh = await store.append('program-1', [event('New')], { expectedRevision: 0 });
    await reader.until(1);
    expect(reader.received.map((e) => e.eventId)).toEqual(fresh.events.map((e) => e.eventId));
    await reader.close();
  });

  it('ends the iteration by throwing on an event the port cannot carry', async () => {
    await open();
    server.appendDirectly('program-1', [{ type: 'NotAnObject', data: 'just text' }]);
    const failure = await collect(store.subscribe()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('not a JSON object');
    expect((await store.health()).subscriptions.open).toBe(0);
  });

  it('closes a subscription, and the store, while the subscription waits to reconnect', async () => {
    await open();
    await store.append('program-1', [event()], { expectedRevision: 'no-stream' });
    const subscription = store.subscribe();
    const reader = read(subscription);
    await reader.until(1);
    const restarted = server.restart({ downtimeMs: 1500 });
    await eventually(async () => expect((await store.health()).subscriptions.reconnecting).toBe(1));
    const started = Date.now();
    await subscription.close();
    await reader.done;
    const other = read(store.subscribe());
    await eventually(async () => expect((await store.health()).subscriptions.reconnecting).toBe(1));
    await store.close();
    await other.done;
    expect(Date.now() - started).toBeLessThan(1000);
    await restarted;
  });
});

/** Reads a subscription in the background, the way a projection runner does. */
function read(subscription: Subscription) {
  const received: RecordedEvent[] = [];
  const done = (async () => {
    for await (const recorded of subscription) received.push(recorded);
  })();
  done.catch(() => undefined);
  return {
    received,
    done,
    close: async () => {
      await subscription.close();
      await done;
    },
    /** Resolves once `count` events have arrived; fails after 20 s or if the iteration ends first. */
    until: async (count: number) => {
      const deadline = Date.now() + 20_000;
      let ended = false;
      void done.finally(() => (ended = true));
      while (received.length < count) {
        if (ended) await done.then(() => { throw new Error(`subscription ended after ${received.length} of ${count} events`); });
        if (Date.now() > deadline) throw new Error(`subscription delivered ${received.length} of ${count} events within 20 s`);
        await sleep(5);
      }
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries an assertion for up to five seconds. */
async function eventually(assertion: () => unknown): Promise<void> {
  for (let waited = 0; ; waited += 20) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (waited >= 5000) throw error;
      await sleep(20);
    }
  }
}
