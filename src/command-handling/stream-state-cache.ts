import type { RecordedEvent } from '../event-store/event-store.port.js';

/** What the first request under an idempotency key was answered with, rebuilt from the stream's own events. */
export interface IdempotentOutcome {
  fingerprint: string;
  events: Array<Pick<RecordedEvent, 'type' | 'revision' | 'position'>>;
}

/**
 * The idempotency keys of a stream's events: those up to `savedUpTo` are saved with its last snapshot, the others
 * are `held` here. One object per stream, shared by its successive folded states and updated in place (only
 * committed events reach it, and the stream's mutex keeps it to one decision at a time).
 */
export interface StreamKeys {
  held: Map<string, IdempotentOutcome>;
  /** The revision of the last snapshot saved or loaded, -1 for none. */
  savedUpTo: number;
}

/** A stream folded up to `revision` (-1: the stream has no events yet). */
export interface StreamSnapshot<State> {
  revision: number;
  /**
   * The event at `revision` (null before the first): what a snapshot of this state is checked against, and the hash
   * the next event's `prevHash` chains to.
   */
  last: (Pick<RecordedEvent, 'eventId' | 'position'> & { hash: string }) | null;
  state: State;
  keys: StreamKeys;
}

interface Entry<State> {
  snapshot: StreamSnapshot<State>;
  weight: number;
}

/**
 * Folded stream states by stream id, least recently used evicted first, bounded by their weight (for a programme:
 * the teams it holds, plus the keys it holds), not by their count: one open call of 10,000 teams weighs as much as a
 * thousand programmes of ten. The entry just set is never evicted, however heavy.
 *
 * The loop decides on an entry without reading the stream first; the append's expected revision holds the decision
 * to it, so an entry another process made stale costs a refused append and a read, never a wrong decision.
 */
export class StreamStateCache<State> {
  private readonly entries = new Map<string, Entry<State>>();
  private total = 0;

  constructor(
    private readonly capacity: number,
    private readonly weigh: (snapshot: StreamSnapshot<State>) => number,
  ) {}

  get(streamId: string): StreamSnapshot<State> | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry?.snapshot;
  }

  set(streamId: string, snapshot: StreamSnapshot<State>): void {
    this.remove(streamId);
    const weight = Math.max(1, this.weigh(snapshot));
    this.entries.set(streamId, { snapshot, weight });
    this.total += weight;
    for (const [oldest] of this.entries) {
      if (this.total <= this.capacity || oldest === streamId) break;
      this.remove(oldest);
    }
  }

  private remove(streamId: string): void {
    const entry = this.entries.get(streamId);
    if (!entry) return;
    this.entries.delete(streamId);
    this.total -= entry.weight;
  }
}
