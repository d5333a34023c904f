import type Database from 'better-sqlite3';
import type { EventFilter } from '../event-store.port.js';

/**
 * One row of the events table as the statements return it: an array in `COLUMNS` order, not an object, because a
 * rebuild reads every row of the log and an object per row cost it a third of its reading time. Integers come back
 * as bigint, exact to 64 bits.
 */
export type EventRow = [
  position: bigint,
  eventId: string,
  streamId: string,
  revision: bigint,
  type: string,
  data: string,
  metadata: string,
  recordedAt: bigint,
];
/** Indexes into an `EventRow` of the columns read outside the mapping to a recorded event. */
export const POSITION = 0;
export const EVENT_ID = 1;
export const STREAM_ID = 2;
export const REVISION = 3;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY,
    event_id    TEXT    NOT NULL UNIQUE,
    stream_id   TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL,
    UNIQUE (stream_id, revision)
  );
`;
/** Bounds the statements `streamPage` prepares for fixed limits, whatever limits callers ask for. */
const MAX_FIXED_LIMIT_STATEMENTS = 32;
const COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata, recorded_at';

/** The prepared statements of the events table; filtered `$all` pages are prepared once per filter shape. */
export class EventQueries {
  private readonly insertStatement: Database.Statement;
  private readonly insertAtStatement: Database.Statement;
  private readonly streamRevisionStatement: Database.Statement;
  private readonly byEventIdStatement: Database.Statement;
  private readonly streamForwards: Database.Statement;
  private readonly streamBackwards: Database.Statement;
  private readonly headStatement: Database.Statement;
  private readonly revisionAtStatement: Database.Statement;
  private readonly allPages = new Map<string, Database.Statement>();
  /** Stream pages with their LIMIT written into the SQL, by direction and limit (see `streamPage`). */
  private readonly streamPages = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    // The revision check and the insert are one statement: atomic without a transaction of its own.
    this.insertStatement = db
      .prepare(
        `INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at)
         SELECT ?, ?, last + 1, ?, ?, ?, ?
         FROM (SELECT coalesce((SELECT max(revision) FROM events WHERE stream_id = ?), -1) AS last)
         WHERE last BETWEEN ? AND ?`,
      )
      .safeIntegers(true);
    this.insertAtStatement = db
      .prepare(`INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .safeIntegers(true);
    this.streamRevisionStatement = db.prepare(`SELECT max(revision) AS revision FROM events WHERE stream_id = ?`);
    this.byEventIdStatement = db.prepare(`SELECT ${COLUMNS} FROM events WHERE event_id = ?`).safeIntegers(true).raw(true);
    this.streamForwards = db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`)
      .safeIntegers(true)
      .raw(true);
    this.streamBackwards = db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
      .safeIntegers(true)
      .raw(true);
    this.revisionAtStatement = db.prepare(`SELECT revision FROM events WHERE position = ?`).safeIntegers(true);
    this.headStatement = db.prepare(`SELECT max(position) AS position FROM events`).safeIntegers(true);
  }

  /**
   * Appends one event after the stream's last one if that last revision (-1: no stream) lies in `range`;
   * returns undefined, having written nothing, when it does not.
   */
  insertIfAt(
    streamId: string,
    [lowest, highest]: [number, number],
    event: { eventId: string; type: string; data: string; metadata: string; recordedAt: number },
  ): { position: bigint; revision: number } | undefined {
    // `run` rather than RETURNING: a RETURNING statement in autocommit mode costs about twice as much per commit.
    const info = this.insertStatement.run(event.eventId, streamId, event.type, event.data, event.metadata, event.recordedAt, streamId, lowest, highest);
    if (info.changes === 0) return undefined;
    const position = info.lastInsertRowid as bigint;
    const revision = lowest === highest ? lowest + 1 : Number((this.revisionAtStatement.get(position) as { revision: bigint }).revision);
    return { position, revision };
  }

  /** Appends one event at a revision known to be next (inside a transaction that checked the stream). */
  insertAt(streamId: string, revision: number, event: { eventId: string; type: string; data: string; metadata: string; recordedAt: number }): bigint {
    return this.insertAtStatement.run(event.eventId, streamId, revision, event.type, event.data, event.metadata, event.recordedAt).lastInsertRowid as bigint;
  }

  /** The revision of the stream's last event, or -1 when the stream has none. */
  streamRevision(streamId: string): number {
    const row = this.streamRevisionStatement.get(streamId) as { revision: number | null };
    return row.revision ?? -1;
  }

  byEventId(eventId: string): EventRow | undefined {
    return this.byEventIdStatement.get(eventId) as EventRow | undefined;
  }

  streamSlice(streamId: string, fromRevision: number, count: number): EventRow[] {
    return this.streamPage(streamId, fromRevision, true, count);
  }

  /**
   * A bound `LIMIT ?` makes SQLite re-plan the statement on every run (measured: ~18 µs for a page that finds
   * nothing, against ~3 µs with the limit written into the SQL), and the command loop's catch-up read, which
   * usually finds nothing, runs once per decision. So the few limits that recur (the read batch size, a slice of
   * an append's length) get a statement of their own; any other limit uses the bound one.
   */
  streamPage(streamId: string, fromRevision: number, forwards: boolean, limit: number): EventRow[] {
    const key = `${forwards ? 'f' : 'b'}${limit}`;
    let statement = this.streamPages.get(key);
    if (!statement && Number.isSafeInteger(limit) && limit >= 0 && this.streamPages.size < MAX_FIXED_LIMIT_STATEMENTS) {
      const order = forwards ? 'revision >= ? ORDER BY revision ASC' : 'revision <= ? ORDER BY revision DESC';
      statement = this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND ${order} LIMIT ${limit}`).safeIntegers(true).raw(true);
      this.streamPages.set(key, statement);
    }
    if (statement) return statement.all(streamId, fromRevision) as EventRow[];
    return (forwards ? this.streamForwards : this.streamBackwards).all(streamId, fromRevision, limit) as EventRow[];
  }

  /** Events from `position` (inclusive) in the given direction, filtered in SQL so skipped events cost no parsing. */
  allPage(position: bigint, forwards: boolean, limit: number, filter: EventFilter | undefined): EventRow[] {
    const types = filter?.eventTypes?.length ?? 0;
    const prefixes = filter?.streamPrefixes?.length ?? 0;
    const key = `${forwards ? 'f' : 'b'}:${types}:${prefixes}`;
    let statement = this.allPages.get(key);
    if (!statement) {
      const where = [forwards ? 'position >= ?' : 'position <= ?'];
      if (types) where.push(`type IN (${new Array(types).fill('?').join(', ')})`);
      if (prefixes) where.push(`(${new Array(prefixes).fill('substr(stream_id, 1, ?) = ?').join(' OR ')})`);
      const sql = `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position ${forwards ? 'ASC' : 'DESC'} LIMIT ?`;
      statement = this.db.prepare(sql).safeIntegers(true).raw(true);
      this.allPages.set(key, statement);
    }
    const prefixParameters = (filter?.streamPrefixes ?? []).flatMap((prefix) => [prefix.length, prefix]);
    return statement.all(position, ...(filter?.eventTypes ?? []), ...prefixParameters, limit) as EventRow[];
  }

  headPosition(): bigint | null {
    return (this.headStatement.get() as { position: bigint | null }).position;
  }
}
