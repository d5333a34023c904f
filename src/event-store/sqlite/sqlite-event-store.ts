import Database from 'better-sqlite3';
import { EventStoreInputError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { checkAppend, checkReadAll, checkReadStream, checkSubscribe, type SerialisedEvent } from '../event-store.input.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventStoreHealth,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port.js';
import { AppendSignal } from './append-signal.js';
import { EventQueries, type EventRow } from './event-queries.js';
import { SqliteSubscription } from './sqlite-subscription.js';

/**
 * How hard an acknowledged append is pushed to disk. With WAL, `normal` survives the process being killed (the
 * WAL is in the OS page cache) but can lose the last commits on power loss or an OS crash; `full` fsyncs the WAL on
 * every commit and survives both. A system of record defaults to `full`.
 */
export type SqliteDurability = 'full' | 'normal';

export interface SqliteEventStoreOptions {
  /** Path of the database file, or ':memory:' for tests that need no file. */
  filename: string;
  durability?: SqliteDurability;
  /** Events fetched per query while streaming reads and subscriptions. */
  readBatchSize?: number;
}

/**
 * The embedded event store: one SQLite file in WAL mode. The global position is the rowid, assigned by the single
 * writer inside the append's transaction, so positions are the commit order and a reader that asks for
 * "position > p" can never see a later commit before an earlier one: that is what makes subscription hand-over
 * gap-free. Unique (stream, revision) and unique event id are enforced by the database itself.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly queries: EventQueries;
  private readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<SqliteSubscription>();
  private readonly batchSize: number;
  private readonly appendTransaction: (streamId: string, events: SerialisedEvent[], expected: ExpectedRevision) => RecordedEvent[];
  private closed = false;

  constructor(options: SqliteEventStoreOptions) {
    this.db = new Database(options.filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.batchSize = options.readBatchSize ?? 1000;
    this.queries = new EventQueries(this.db);
    this.appendTransaction = this.db.transaction((streamId, events, expected) => this.appendInTransaction(streamId, events, expected));
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    const serialised = checkAppend(streamId, events, options);
    const recorded = this.appendTransaction(streamId, serialised, options.expectedRevision);
    this.signal.notify();
    const last = recorded[recorded.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position, events: recorded };
  }

  private appendInTransaction(streamId: string, events: SerialisedEvent[], expected: ExpectedRevision): RecordedEvent[] {
    const current = this.queries.streamRevision(streamId);
    const retried = this.findRetriedAppend(streamId, events, expected, current);
    if (retried) return retried;
    checkExpectedRevision(streamId, expected, current);
    const recordedAt = Date.now();
    return events.map((event, index) => {
      const row = { event_id: event.eventId, stream_id: streamId, revision: current + 1 + index, type: event.type, data: event.data, metadata: event.metadata, recorded_at: recordedAt };
      return toRecorded({ ...row, position: this.queries.insert(row) });
    });
  }

  /**
   * An append whose event ids are already recorded is a retry: it succeeds again without writing when the ids sit,
   * in order, exactly where the expected revision put them; otherwise it is refused like any stale append.
   */
  private findRetriedAppend(streamId: string, events: SerialisedEvent[], expected: ExpectedRevision, current: number): RecordedEvent[] | null {
    const first = this.queries.byEventId(events[0]!.eventId);
    if (!first) {
      const reused = events.slice(1).find((event) => this.queries.byEventId(event.eventId));
      if (reused) throw new EventStoreInputError(`event id ${reused.eventId} is already recorded`);
      return null;
    }
    const startRevision = expected === 'no-stream' ? 0 : typeof expected === 'number' ? expected + 1 : Number(first.revision);
    const stored = this.queries.streamSlice(streamId, startRevision, events.length);
    const same = stored.length === events.length && stored.every((row, i) => row.event_id === events[i]!.eventId);
    if (same) return stored.map(toRecorded);
    if (typeof expected === 'number' || expected === 'no-stream') checkExpectedRevision(streamId, expected, current);
    throw new EventStoreInputError(`event id ${first.event_id} is already recorded in stream ${first.stream_id} at revision ${first.revision}`);
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    this.assertOpen();
    checkReadStream(streamId, options);
    const forwards = options.direction !== 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    const from = options.fromRevision ?? (forwards ? 'start' : 'end');
    let next = from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : from;
    if (from === 'end' && forwards) return;
    while (remaining > 0) {
      const rows = this.queries.streamPage(streamId, next, forwards, Math.min(this.batchSize, remaining));
      for (const row of rows) yield toRecorded(row);
      if (rows.length < Math.min(this.batchSize, remaining)) return;
      remaining -= rows.length;
      next = Number(rows[rows.length - 1]!.revision) + (forwards ? 1 : -1);
      if (next < 0) return;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    this.assertOpen();
    checkReadAll(options);
    const forwards = options.direction !== 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    const from = options.fromPosition ?? (forwards ? 'start' : 'end');
    if (from === 'end' && forwards) return;
    // Keyset paging on the position: each page is its own short query, so a slow reader never holds the database.
    let next = from === 'start' ? 0n : from === 'end' ? 0x7fff_ffff_ffff_ffffn : from;
    while (remaining > 0) {
      const limit = Math.min(this.batchSize, remaining);
      const rows = this.queries.allPage(next, forwards, limit, options.filter);
      for (const row of rows) yield toRecorded(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      next = rows[rows.length - 1]!.position + (forwards ? 1n : -1n);
    }
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    checkSubscribe(options);
    const from = options.fromPosition ?? 'start';
    const after = from === 'start' ? 0n : from === 'end' ? (this.queries.headPosition() ?? 0n) : from;
    const subscription = new SqliteSubscription({
      after,
      filter: options.filter,
      batchSize: this.batchSize,
      signal: this.signal,
      fetch: (position, limit, filter) => {
        if (this.closed) throw new Error('the event store was closed');
        return this.queries.allPage(position + 1n, true, limit, filter).map(toRecorded);
      },
      onClose: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<bigint | null> {
    this.assertOpen();
    return this.queries.headPosition();
  }

  async health(): Promise<EventStoreHealth> {
    const subscriptions = { open: this.subscriptions.size, reconnecting: 0, lastError: null };
    try {
      return { adapter: 'sqlite', status: 'up', headPosition: await this.headPosition(), subscriptions };
    } catch (error) {
      return { adapter: 'sqlite', status: 'down', headPosition: null, subscriptions, error: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the event store is closed');
  }
}

function checkExpectedRevision(streamId: string, expected: ExpectedRevision, current: number): void {
  const actual = current < 0 ? 'no-stream' : current;
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && current < 0) ||
    (expected === 'stream-exists' && current >= 0) ||
    expected === current;
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actual);
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    recordedAt: new Date(Number(row.recorded_at)),
  };
}
