import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { createEventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { EventStoreDbTestServer } from '../support/eventstoredb-test-server/eventstoredb-test-server.js';
import { appendSpread, counterProjection, counts, expectedCounts, readLog, workspace } from './runner-fixtures.js';

/** The runner over the EventStoreDB adapter (real client, real gRPC, the protocol-level server): sparse positions, dropped connections. */
describe('projection runner on EventStoreDB', () => {
  let server: EventStoreDbTestServer;
  let store: EventStore;
  let ws: ReturnType<typeof workspace>;
  beforeAll(async () => {
    server = await EventStoreDbTestServer.start({ positionStep: 1000n });
    store = createEventStoreDbEventStore({ connectionString: server.connectionString });
    ws = workspace();
  });
  afterAll(async () => {
    await ws.dispose();
    await store.close();
    await server.stop();
  });

  it('projects with sparse positions, survives dropped connections and a server restart, and counts its lag in events', async () => {
    await appendSpread(store, 600);
    const { runner, db } = ws.open([counterProjection()], { eventStore: store, batchSize: 100 });
    expect(await runner.status('counter')).toMatchObject({ position: null, lag: 600, lagIsLowerBound: false });
    runner.start();
    await runner.waitForPosition('counter', (await store.headPosition())!);

    server.dropConnections('error');
    await appendSpread(store, 300);
    await server.restart({ downtimeMs: 200 });
    await appendSpread(store, 100);
    const head = (await store.headPosition())!;
    await runner.waitForPosition('counter', head, 10_000);
    const log = await readLog(store);
    expect(log).toHaveLength(1000);
    // Positions are commit positions, far apart: the lag is counted in events, not by subtracting positions.
    expect(log[1]!.position - log[0]!.position).toBeGreaterThan(1n);
    expect(counts(db, runner)).toEqual(expectedCounts(log));
    expect(await runner.status('counter')).toMatchObject({ position: head.toString(), lag: 0 });

    const job = runner.rebuild('counter');
    await job.done;
    expect(job.outcome).toBe('swapped');
    expect(counts(db, runner)).toEqual(expectedCounts(log));
  }, 30_000);
});
