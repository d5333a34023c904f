import { afterEach, expect, it } from '@jest/globals';
import type { EventStore, ReadAllOptions } from '../../src/event-store/event-store.port.js';
import { LagMeter } from '../../src/projections/engine/projection-lag.js';
import { appendSpread, workspace } from './runner-fixtures.js';

let ws: ReturnType<typeof workspace>;
afterEach(async () => {
  await ws.dispose();
});

/** The store, counting the reads the meter makes. */
function countingReads(store: EventStore): EventStore & { reads: number } {
  const counted = Object.create(store) as EventStore & { reads: number };
  counted.reads = 0;
  counted.readAll = (options?: ReadAllOptions) => {
    counted.reads += 1;
    return store.readAll(options);
  };
  return counted;
}

it('counts the events after a checkpoint, once for every projection at that checkpoint, and stops at the cap', async () => {
  ws = workspace();
  await appendSpread(ws.store, 50);
  const positions = [];
  for await (const event of ws.store.readAll()) positions.push(event.position);
  const store = countingReads(ws.store);
  const meter = new LagMeter(store, { cap: 30 });

  const [standings, audit] = await Promise.all([meter.lag(positions[29]!), meter.lag(positions[29]!)]);
  expect(standings).toEqual({ events: 20, lowerBound: false });
  expect(audit).toEqual(standings);
  expect(store.reads).toBe(1);

  expect(await meter.lag(null)).toEqual({ events: 30, lowerBound: true });
  expect(await meter.lag(positions[49]!)).toEqual({ events: 0, lowerBound: false });
});
