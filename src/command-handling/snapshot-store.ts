import type { IdempotentOutcome } from './stream-state-cache.js';

/** A stream's folded state as saved, with what proves which stream it was folded from. */
export interface StoredSnapshot {
  /** The revision of the last event folded into the state. */
  revision: number;
  /**
   * The id and the global position of the event at `revision`: a snapshot whose event is not in the stream any more
   * is not the stream's. Both, because ids derive from commands and idempotency keys, and the same requests sent to
   * another store make the same ids.
   */
  eventId: string;
  position: bigint;
  /** The state as the decider wrote it (`Decider.snapshots.write`). */
  state: string;
}

/**
 * Where the command loop keeps snapshots of folded stream states, and the idempotency keys of the events they cover.
 * Derived data only: a snapshot never decides anything on its own (the events after it are always read, and the
 * append's expected revision guards the decision), and losing every snapshot costs time, never a wrong answer.
 */
export interface SnapshotStore {
  /** The latest snapshot of the stream in this shape version, or null (none, or only of another version). */
  load(streamId: string, version: number): StoredSnapshot | null;
  /**
   * Saves the stream's snapshot (replacing the one before) together with the idempotency keys of the events folded
   * since the previous snapshot, in one transaction: once saved, every key of the events up to `revision` is here.
   */
  save(streamId: string, version: number, snapshot: StoredSnapshot, keys: ReadonlyMap<string, IdempotentOutcome>): void;
  /** What the first request under `key` was answered with, among the keys saved with the stream's snapshots. */
  findKey(streamId: string, key: string): IdempotentOutcome | null;
  /** Drops the stream's snapshot and keys: they do not match the stream in the event store. */
  forget(streamId: string): void;
  close(): void;
}
