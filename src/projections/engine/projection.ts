import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { ProjectionStatus } from './projection-status.js';

/**
 * One generation of a projection's tables. A rebuild writes a new generation beside the serving one and swaps it in
 * atomically, so every table and index a projection creates is named with this prefix (e.g. `standings_g2_teams`).
 */
export interface TableSet {
  readonly prefix: string;
}

/**
 * A projection knows its tables and how one event changes them; nothing else. The runner owns transactions,
 * checkpoints, generations, retries and failure reporting, and feeds every projection the same way.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the tables' shape or the meaning of `apply` changes: a projection whose version differs is rebuilt. */
  readonly version: number;
  /**
   * Creates the tables of one generation, with only the keys `apply` itself relies on. A rebuild, and a build from
   * nothing, load these bare and build `indexes` once at the end: one sorted build is far cheaper than keeping an
   * index row by row.
   */
  createTables(db: Database, tables: TableSet): void;
  /**
   * The `CREATE INDEX IF NOT EXISTS` statements of the secondary indexes the queries need, one index each: a
   * rebuild (or a build from nothing) runs them one at a time, giving the event loop a turn between, and may run them
   * again after an interruption.
   */
  indexes(tables: TableSet): readonly string[];
  /**
   * `large` for a writer that keeps documents in memory and writes each changed one once per transaction (the
   * standings): a rebuild feeds it bigger transactions, which cost it fewer writes, holding more events at a time.
   * A writer that turns each event into rows does better with small ones (less garbage to collect, less memory).
   */
  readonly rebuildChunk?: 'large';
  /** A writer for one generation. */
  openWriter(db: Database, tables: TableSet): ProjectionWriter;
}

/**
 * Applies events to one generation of a projection. Every call runs inside a transaction the runner opened and
 * commits together with the checkpoint; a writer never opens a transaction, never awaits, and never skips an event.
 */
export interface ProjectionWriter {
  /** Applies one event, already upcast to the current shape of its type. Throws to refuse it: the runner halts there. */
  apply(event: RecordedEvent): void;
  /** Writes what `apply` kept in memory; called inside the transaction just before it commits. */
  flush(): void;
  /** Forgets what `apply` kept in memory, after the transaction was rolled back. */
  discard(): void;
}

/** Nest token of the read models' SQLite database (`DATA_DIR/read-models.sqlite`), also when events live in EventStoreDB. */
export const READ_MODEL_DB = Symbol('READ_MODEL_DB');

/** Nest token of `ProjectionControl` (see `ProjectionHost`): projection statuses and rebuilds, for operators. */
export const PROJECTION_CONTROL = Symbol('PROJECTION_CONTROL');

/** Nest token of `ReadModelAccess`: what the query side needs of the runner. */
export const READ_MODEL_ACCESS = Symbol('READ_MODEL_ACCESS');

export interface ReadModelAccess {
  /** The generation that serves reads of this projection now; it changes when a rebuild swaps in. */
  tables(projection: string): TableSet;
  /** Position of the last event the projection applied, or null before the first. */
  position(projection: string): bigint | null;
  /**
   * Resolves once the projection has applied `position` (at once if it has). After `timeoutMs` (default 5 s) it
   * rejects with a 503 `READ_MODEL_NOT_READY` problem carrying `Retry-After`.
   */
  waitForPosition(projection: string, position: bigint, timeoutMs?: number): Promise<void>;
  /**
   * Resolves once the projection serves reads: at once, unless its serving generation is still being built from
   * nothing (a new projection, or a new version of one; see `CatalogEntry.building`). Then it waits for the build
   * and after `timeoutMs` (default 5 s) rejects with a 503 `READ_MODEL_NOT_READY` carrying `Retry-After`.
   */
  waitUntilServing(projection: string, timeoutMs?: number): Promise<void>;
}

/** What operators need of the projections (admin API, health): where each stands, and rebuilds. */
export interface ProjectionControl extends ReadModelAccess {
  statuses(): Promise<ProjectionStatus[]>;
  /** Starts a rebuild into a new generation; resolves to the projection's status once it has started. */
  startRebuild(name: string): Promise<ProjectionStatus>;
}
