import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { collect, describeEventStoreContract, event } from '../event-store/event-store.contract.js';
import { NamespacedEventStore } from './namespaced-event-store.js';

/**
 * The event-store contract against a real server. A real server cannot be emptied, so every test gets a fresh
 * namespace (`test-<uuid>-`) and sees only its own streams and what was appended after it began (see
 * namespaced-event-store.ts). Run with `npm run test:esdb`.
 */
const connectionString = process.env['EVENTSTORE_CONNECTION_STRING'];
if (!connectionString) {
  throw new Error('EVENTSTORE_CONNECTION_STRING is not set: start a server (docker compose up -d eventstore) and set it, e.g. esdb://localhost:2113?tls=false');
}

describe(`EventStoreDB at ${connectionString}`, () => {
  beforeAll(async () => {
    const store = new EventStoreDbEventStore({ connectionString, healthTimeoutMs: 10_000 });
    const health = await store.health();
    await store.close();
    if (health.status !== 'up') throw new Error(`EventStoreDB at ${connectionString} is not reachable: ${health.error}`);
  });

  describeEventStoreContract('EventStoreDB (real server, namespaced per test)', async () => {
    const store = await NamespacedEventStore.open(new EventStoreDbEventStore({ connectionString }), `test-${randomUUID()}-`);
    return { store, dispose: () => store.close() };
  });

  describe('the adapter on its own', () => {
    const store = new EventStoreDbEventStore({ connectionString });
    afterAll(() => store.close());

    it('keeps the system events of a real node out of $all and the head position', async () => {
      const streamId = `test-${randomUUID()}`;
      const { position } = await store.append(streamId, [event('Mine')], { expectedRevision: 'no-stream' });
      const recent = await collect(store.readAll({ direction: 'backwards', maxCount: 100 }));
      expect(recent.every((e) => !e.type.startsWith('$') && !e.streamId.startsWith('$'))).toBe(true);
      expect(recent.some((e) => e.position === position)).toBe(true);
      expect((await store.headPosition())! >= position).toBe(true);
    });

    it('gives every event of one append its own position, equal to what $all reports', async () => {
      const streamId = `test-${randomUUID()}`;
      const { events } = await store.append(streamId, [event('A'), event('B'), event('C')], { expectedRevision: 'no-stream' });
      expect(new Set(events.map((e) => e.position)).size).toBe(3);
      const fromAll = await collect(store.readAll({ fromPosition: events[0]!.position, maxCount: 50, filter: { streamPrefixes: [streamId] } }));
      expect(fromAll).toEqual(events);
    });
  });
});
