import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { upcast } from '../../program/program.upcasters.js';
import type { ProjectionWriter } from './projection.js';

/** The event a writer refused, and why. */
export interface Poison {
  event: RecordedEvent;
  message: string;
}

export interface BatchOutcome {
  /** Events committed, in order; a prefix of the batch when a poison stopped it. */
  applied: number;
  /** Position of the last committed event, null when none was. */
  last: bigint | null;
  poison: Poison | null;
}

/** Records the checkpoint (position of the last event, how many events) inside the batch's transaction. */
export type Checkpoint = (position: bigint, events: number) => void;

/**
 * Applies events to a writer and records the checkpoint, all in one synchronous transaction: a crash at any instant
 * leaves either the whole batch with its checkpoint or none of it. When the writer throws, the transaction rolls
 * back, the writer forgets what it held, and the events before the refused one are applied again and committed; the
 * refused event is reported, never skipped. Must not be given an empty batch. Called inside an open transaction (the
 * live subscription's, shared by every projection), its transactions are savepoints: a refusal rolls back this writer's part
 * only, and everything commits, or not, with the enclosing transaction.
 */
export function applyBatch(db: Database, writer: ProjectionWriter, events: readonly RecordedEvent[], checkpoint: Checkpoint): BatchOutcome {
  let current: RecordedEvent | null = null;
  const commit = (slice: readonly RecordedEvent[]) =>
    db.transaction(() => {
      for (const event of slice) {
        current = event;
        writer.apply(upcast(event));
      }
      current = null;
      writer.flush();
      checkpoint(slice[slice.length - 1]!.position, slice.length);
    })();
  try {
    commit(events);
    return { applied: events.length, last: events[events.length - 1]!.position, poison: null };
  } catch (error) {
    writer.discard();
    const refused: RecordedEvent | null = current;
    const index = refused ? events.indexOf(refused) : -1;
    if (index < 0) return oneByOne(events, commit, writer); // `flush` threw: which event it was is not known
    const before = index > 0 ? tryCommit(events.slice(0, index), commit, writer) : null;
    if (before) return before;
    return { applied: index, last: index > 0 ? events[index - 1]!.position : null, poison: { event: refused!, message: messageOf(error) } };
  }
}

/** Commits a slice, or narrows a failure down to its event; null when the whole slice committed. */
function tryCommit(slice: readonly RecordedEvent[], commit: (slice: readonly RecordedEvent[]) => void, writer: ProjectionWriter): BatchOutcome | null {
  try {
    commit(slice);
    return null;
  } catch {
    writer.discard();
    const outcome = oneByOne(slice, commit, writer);
    return outcome.poison ? outcome : null;
  }
}

/** One transaction per event, to find the one a failing flush belongs to. */
function oneByOne(events: readonly RecordedEvent[], commit: (slice: readonly RecordedEvent[]) => void, writer: ProjectionWriter): BatchOutcome {
  let last: bigint | null = null;
  for (const [index, event] of events.entries()) {
    try {
      commit([event]);
      last = event.position;
    } catch (error) {
      writer.discard();
      return { applied: index, last, poison: { event, message: messageOf(error) } };
    }
  }
  return { applied: events.length, last, poison: null };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
