import type { ExpectedRevision } from '../event-store.port.js';
import type { EventQueries } from './event-queries.js';

/** An event as the writer stores it: its JSON already serialised (and checked) by the store. */
export interface StoredEvent {
  eventId: string;
  type: string;
  data: string;
  metadata: string;
}

export interface PendingAppend {
  streamId: string;
  events: StoredEvent[];
  expected: ExpectedRevision;
}

/** Where an append's events went: plain values, so that a writer thread can send them back as they are. */
export interface InsertedAppend {
  firstRevision: number;
  positions: bigint[];
  recordedAt: number;
}

/**
 * Inserts the events, the first only if the stream is where the append expects it (checked by the INSERT itself);
 * null, having written nothing, when it is not. Run inside a transaction or savepoint when there is more than one
 * event: the rest follow the first where nobody else can write, so their revisions are known.
 */
export function insertAppend(queries: EventQueries, { streamId, events, expected }: PendingAppend): InsertedAppend | null {
  const recordedAt = Date.now();
  const first = queries.insertIfAt(streamId, revisionRange(expected), { ...events[0]!, recordedAt });
  if (!first) return null;
  const positions = [first.position];
  for (let index = 1; index < events.length; index++) positions.push(queries.insertAt(streamId, first.revision + index, { ...events[index]!, recordedAt }));
  return { firstRevision: first.revision, positions, recordedAt };
}

/** The revisions of the stream's last event (-1: no stream) that satisfy an expectation, as an inclusive range. */
function revisionRange(expected: ExpectedRevision): [number, number] {
  switch (expected) {
    case 'any':
      return [-1, Number.MAX_SAFE_INTEGER];
    case 'no-stream':
      return [-1, -1];
    case 'stream-exists':
      return [0, Number.MAX_SAFE_INTEGER];
    default:
      return [expected, expected];
  }
}
