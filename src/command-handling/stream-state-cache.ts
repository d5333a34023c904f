import type { RecordedEvent } from '../event-store/event-store.port.js';

/** What the first request under an idempotency key was answered with, rebuilt from the stream's own events. */
export interface IdempotentOutcome {
  fingerprint: string;
  events: Array<Pick<RecordedEvent, 'type' | 'revision' | 'position'>>;
}

/** A stream folded up to `revision` (-1: the stream has no events yet). */
export interface StreamSnapshot<State> {
  revision: number;
  state: State;
  keys: Map<string, IdempotentOutcome>;
}

/**
 * Folded stream states by stream id, least recently used evicted first. The loop decides on an entry without
 * reading the stream first; the append's expected revision holds the decision to it, so an entry another process
 * made stale costs a refused append and a read, never a wrong decision.
 */
export class StreamStateCache<State> {
  private readonly entries = new Map<string, StreamSnapshot<State>>();

  constructor(private readonly capacity: number) {}

  get(streamId: string): StreamSnapshot<State> | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  set(streamId: string, snapshot: StreamSnapshot<State>): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, snapshot);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
