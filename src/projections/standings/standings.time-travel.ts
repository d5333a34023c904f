import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import { programStreamId } from '../../program/program.stream.js';
import { upcast } from '../../program/program.upcasters.js';
import { occurredAtMillis, programRecordOf } from '../common/program-event.js';
import type { StandingsDocument, StandingsState } from './standings.document.js';
import { evolveStandings } from './standings.fold.js';

/**
 * Where to stop. `recordedUpTo` is a position or a time (the recorded axis: what was known then); `effectiveUpTo` a
 * time (the effective axis: what was in force then, whenever it was recorded). Either or both.
 */
export interface TimeTravelBounds {
  recordedUpTo?: { position: bigint } | { time: number };
  effectiveUpTo?: number;
}

/** Whether an event falls inside the bounds. */
export function withinBounds(event: RecordedEvent, bounds: TimeTravelBounds): boolean {
  const recorded = bounds.recordedUpTo;
  if (recorded && 'position' in recorded && event.position > recorded.position) return false;
  if (recorded && 'time' in recorded && event.recordedAt.getTime() > recorded.time) return false;
  if (bounds.effectiveUpTo !== undefined && occurredAtMillis(event) > bounds.effectiveUpTo) return false;
  return true;
}

/**
 * The standings of a programme at a past point, computed from its events in the event store with the very fold the
 * live projection uses. Applied events keep their position order on every axis, so `revision` and `position` are those
 * of the last event applied. null when the programme did not exist at that point.
 */
export async function standingsAt(store: EventStore, programId: string, bounds: TimeTravelBounds): Promise<StandingsDocument | null> {
  let state: StandingsState | null = null;
  const byPosition = bounds.recordedUpTo && 'position' in bounds.recordedUpTo ? bounds.recordedUpTo.position : null;
  for await (const stored of store.readStream(programStreamId(programId))) {
    // A stream is in position order: nothing after the bound position can be inside it.
    if (byPosition !== null && stored.position > byPosition) break;
    const event = upcast(stored);
    if (!withinBounds(event, bounds)) continue;
    const record = programRecordOf(event);
    if (record === null) continue;
    state = evolveStandings(state, { event: record.event, revision: event.revision, position: event.position });
  }
  return state?.standings ?? null;
}

@Injectable()
export class StandingsTimeTravel {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  at(programId: string, bounds: TimeTravelBounds): Promise<StandingsDocument | null> {
    return standingsAt(this.store, programId, bounds);
  }
}
