import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import type { EventStore, ReadStreamOptions, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { standingsProjection } from '../../src/projections/standings/standings.projection.js';
import { StandingsTimeTravel, type TimeTravelBounds, withinBounds } from '../../src/projections/standings/standings.time-travel.js';
import { randomHistory, seededRandom, type Random } from '../support/random-history.js';
import { foldStandings } from '../support/standings-oracle.js';
import { History, inputOf, ProjectionHarness, tempReadModels } from './standings.fixtures.js';

/** The event store as time travel needs it: one programme's stream, read forwards from a revision. */
function storeOf(events: readonly RecordedEvent[], reads: { events: number }): EventStore {
  return {
    async *readStream(streamId: string, options: ReadStreamOptions = {}) {
      const from = typeof options.fromRevision === 'number' ? options.fromRevision : 0;
      let count = 0;
      for (const event of events) {
        if (event.streamId !== streamId || event.revision < from) continue;
        if (options.maxCount !== undefined && count >= options.maxCount) return;
        count += 1;
        reads.events += 1;
        yield event;
      }
    },
  } as unknown as EventStore;
}

/**
 * A programme's history as it could be recorded: mostly in order, but some decisions recorded late (in effect hours
 * or days before the decisions recorded before them), and the store's clock now and then set back a little.
 */
function recordedHistory(programId: string, random: Random, steps: number): RecordedEvent[] {
  const history = new History();
  let clock = Date.UTC(2025, 6, 1);
  for (const event of randomHistory(programId, random, steps)) {
    clock += 60_000 + Math.floor(random() * 3_600_000);
    const recordedAt = random() < 0.05 ? clock - Math.floor(random() * 7_200_000) : clock;
    const occurredAt = random() < 0.15 ? clock - Math.floor(random() * 5 * 86_400_000) : clock;
    history.add(programId, event, { recordedAt: new Date(recordedAt), occurredAt: new Date(occurredAt).toISOString() });
  }
  return history.events;
}

/** The oracle: the whole-document fold, from the first event, of the events inside the bounds, in position order. */
function expected(events: readonly RecordedEvent[], bounds: TimeTravelBounds) {
  return foldStandings(events.map(inputOf).filter((input) => withinBounds(input, bounds)))?.standings ?? null;
}

describe('standings time travel', () => {
  let readModels: { db: Database; close(): void };
  beforeEach(() => {
    readModels = tempReadModels();
  });
  afterEach(() => readModels.close());

  it('answers exactly as the fold from the first event, on random histories with events recorded late, from snapshots', async () => {
    let compared = 0;
    let folded = 0;
    let lateEvents = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const random = seededRandom(seed);
      const programId = `random-${seed}`;
      const events = recordedHistory(programId, random, 300);
      const harness = new ProjectionHarness(readModels.db, standingsProjection({ snapshotEvery: 5 }), seed);
      // The projection has applied all but the last few events, in batches of any size.
      const projected = events.length - Math.floor(random() * 4);
      for (let from = 0; from < projected; ) {
        const to = Math.min(projected, from + 1 + Math.floor(random() * 30));
        harness.apply(events.slice(from, to));
        from = to;
      }
      lateEvents += readModels.db.prepare(`SELECT count(*) FROM ${harness.tables.prefix}late`).pluck().get() as number;
      const reads = { events: 0 };
      const timeTravel = new StandingsTimeTravel(storeOf(events, reads), readModels.db, harness.access());
      const pickTime = (of: 'recordedAt' | 'occurredAt') => inputOf(events[Math.floor(random() * events.length)]!)[of] + Math.floor((random() - 0.5) * 600_000);
      for (let probe = 0; probe < 40; probe++) {
        const bounds: TimeTravelBounds = {};
        const kind = random();
        if (kind < 0.3) bounds.recordedUpTo = { position: events[Math.floor(random() * events.length)]!.position + BigInt(Math.floor(random() * 3) - 1) };
        else if (kind < 0.5) bounds.recordedUpTo = { time: pickTime('recordedAt') };
        if (kind >= 0.3 || random() < 0.3) bounds.effectiveUpTo = pickTime('occurredAt');
        const standings = await timeTravel.at(programId, bounds);
        expect({ seed, bounds, answer: standings?.document() ?? null }).toEqual({ seed, bounds, answer: expected(events, bounds) });
        compared += 1;
      }
      folded += reads.events;
      expect(await timeTravel.at(programId, { recordedUpTo: { time: Date.UTC(2020, 0, 1) } })).toBeNull();
    }
    expect(compared).toBe(1000);
    expect(lateEvents).toBeGreaterThan(100);
    // From snapshots, not from the first event: far fewer events read than 1,000 folds of whole histories would.
    expect(folded).toBeLessThan(compared * 60);
  });

  it('folds from the first event when the read model cannot say where to start (no generation named yet)', async () => {
    const random = seededRandom(98);
    const events = recordedHistory('p', random, 200);
    const harness = new ProjectionHarness(readModels.db, standingsProjection({ snapshotEvery: 5 }));
    harness.apply(events);
    const reads = { events: 0 };
    const unnamed = { ...harness.access(), tables: () => { throw new Error("the projections' thread has not named the generation of standings"); } };
    const timeTravel = new StandingsTimeTravel(storeOf(events, reads), readModels.db, unnamed);
    const bounds = { recordedUpTo: { position: events.at(-1)!.position } };
    expect((await timeTravel.at('p', bounds))?.document()).toEqual(expected(events, bounds));
    expect(reads.events).toBe(events.length);
  });

  it('folds from the first event when the projection has saved nothing yet, with the same answer', async () => {
    const random = seededRandom(99);
    const events = recordedHistory('p', random, 200);
    const harness = new ProjectionHarness(readModels.db, standingsProjection({ snapshotEvery: 5 }));
    const timeTravel = new StandingsTimeTravel(storeOf(events, { events: 0 }), readModels.db, harness.access());
    for (let probe = 0; probe < 20; probe++) {
      const bounds = { effectiveUpTo: inputOf(events[Math.floor(random() * events.length)]!).occurredAt };
      expect((await timeTravel.at('p', bounds))?.document() ?? null).toEqual(expected(events, bounds));
    }
  });
});
