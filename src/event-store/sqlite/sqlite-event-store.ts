import type { BroadcastChannel } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { EventStoreInputError, EventStoreUnavailableError, UnreadableEventError, WrongExpectedRevisionError } from '../event-store.errors.js';
import type { JsonObject } from '../../common/json.js';
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
import { commitChannel } from './commit-channel.js';
import { insertAppend, type InsertedAppend } from './append-insert.js';
import { GroupCommit, type AppendWriter } from './group-commit.js';
import { EVENT_ID, EventQueries, type EventRow, POSITION, REVISION, STREAM_ID } from './event-queries.js';
import { SqliteSubscription } from './sqlite-subscription.js';
import { WRITER_STOPPED, WriterThread } from './writer-thread.js';

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
  /**
   * Where appends are committed: in a worker thread with its own connection (the default for a database file), so
   * that commits and their fsyncs overlap with the rest of the process's work, or in the calling thread (always for
   * ':memory:', whose database only one connection can see), or nowhere: `read-only` is a follower that reads and
   * subscribes, e.g. in another thread of the process that writes, and refuses appends. (Opening it still sets WAL
   * mode and creates the schema of a new file, as any connection does.)
   */
  writer?: 'thread' | 'in-process' | 'read-only';
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
  private readonly writer: AppendWriter | null;
  private readonly commits: BroadcastChannel | null;
  private closed = false;

  constructor(options: SqliteEventStoreOptions) {
    this.db = new Database(options.filename);
    this.db.pragma('journal_mode = WAL');
    const synchronous = options.durability === 'normal' ? 'NORMAL' : 'FULL';
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.pragma('busy_timeout = 5000');
    this.batchSize = options.readBatchSize ?? 1000;
    this.queries = new EventQueries(this.db);
    const inMemory = options.filename === ':memory:' || options.filename === '';
    const notify = () => this.signal.notify();
    if (options.writer === 'read-only') {
      // Woken by whoever writes the file in this process (see `commitChannel`).
      this.writer = null;
      this.commits = inMemory ? null : commitChannel(options.filename);
      if (this.commits) this.commits.onmessage = notify;
    } else if (options.writer === 'in-process' || inMemory) {
      this.commits = inMemory ? null : commitChannel(options.filename);
      this.writer = new GroupCommit(this.db, (append) => insertAppend(this.queries, append), () => {
        notify();
        this.commits?.postMessage(null);
      });
    } else {
      // The writer thread tells the followers itself, as soon as it has committed.
      this.commits = null;
      this.writer = new WriterThread({ filename: options.filename, synchronous }, notify);
    }
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    if (!this.writer) throw new EventStoreUnavailableError('this connection to the embedded event store only reads');
    const serialised = checkAppend(streamId, events, options);
    const expected = options.expectedRevision;
    const outcome = await this.writer.submit({ streamId, events: serialised, expected });
    if ('recorded' in outcome && outcome.recorded) return appendResult(recordedEvents(streamId, serialised, outcome.recorded), false);
    // Refused, or failed: it may be the retry of an append that succeeded (or a batch that failed after all), so
    // look for its events where its expectation puts them before saying no.
    this.assertOpen();
    const retried = this.findRetriedAppend(streamId, serialised, expected);
    if (retried) return appendResult(retried, true);
    if ('error' in outcome) {
      const code = (outcome.error as { code?: string }).code ?? '';
      // Only an event id can collide here: revisions are checked by the insert itself.
      if (code === 'SQLITE_CONSTRAINT_UNIQUE') throw new EventStoreInputError(`event id ${this.findRecordedId(serialised)} is already recorded in the log`);
      if (/^SQLITE_(BUSY|LOCKED|IOERR|FULL|NOMEM|CANTOPEN)/.test(code) || code === WRITER_STOPPED) {
        throw new EventStoreUnavailableError(`the embedded event store cannot write now (${code})`, { cause: outcome.error });
      }
      throw outcome.error;
    }
    const actual = this.queries.streamRevision(streamId);
    throw new WrongExpectedRevisionError(streamId, expected, actual < 0 ? 'no-stream' : actual);
  }

  private findRecordedId(events: SerialisedEvent[]): string {
    return events.find((event) => this.queries.byEventId(event.eventId))?.eventId ?? '?';
  }

  /**
   * An append whose event ids are already recorded is a retry when they sit, in order, exactly where its expected
   * revision put them (for 'any' and 'stream-exists': wherever the first of them is in this stream).
   */
  private findRetriedAppend(streamId: string, events: SerialisedEvent[], expected: ExpectedRevision): RecordedEvent[] | null {
    let start: number;
    if (expected === 'no-stream') start = 0;
    else if (typeof expected === 'number') start = expected + 1;
    else {
      const first = this.queries.byEventId(events[0]!.eventId);
      if (!first || first[STREAM_ID] !== streamId) return null;
      start = Number(first[REVISION]);
    }
    const stored = this.queries.streamSlice(streamId, start, events.length);
    const same = stored.length === events.length && stored.every((row, i) => row[EVENT_ID] === events[i]!.eventId);
    return same ? stored.map(toRecorded) : null;
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
      next = Number(rows[rows.length - 1]![REVISION]) + (forwards ? 1 : -1);
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
      next = rows[rows.length - 1]![POSITION] + (forwards ? 1n : -1n);
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
      fetch: (after, limit, filter) => {
        if (this.closed) throw new Error('the event store was closed');
        const head = this.queries.headPosition() ?? 0n;
        const events = this.queries.allPage(after + 1n, true, limit, filter).map(toRecorded);
        // A short page has seen everything up to the head (positions are commit order), so a filtered subscriber
        // need not scan those events again after the next commit.
        return { events, scannedTo: events.length < limit && head > after ? head : (events.at(-1)?.position ?? after) };
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
    await this.writer?.close();
    this.commits?.close();
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the event store is closed');
  }
}

function appendResult(recorded: RecordedEvent[], alreadyRecorded: boolean): AppendResult {
  const last = recorded[recorded.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position, events: recorded, ...(alreadyRecorded ? { alreadyRecorded } : {}) };
}

/**
 * The recorded events of an append, from where the writer put them. They share their data objects with the
 * caller's: those were checked to be plain JSON, and parsing back what was just serialised would cost more than the
 * rest of the append.
 */
function recordedEvents(streamId: string, events: SerialisedEvent[], inserted: InsertedAppend): RecordedEvent[] {
  return events.map((event, index) => ({
    eventId: event.eventId,
    streamId,
    revision: inserted.firstRevision + index,
    position: inserted.positions[index]!,
    type: event.type,
    data: event.dataObject,
    metadata: event.metadataObject,
    recordedAt: new Date(inserted.recordedAt),
  }));
}

function toRecorded([position, eventId, streamId, revision, type, data, metadata, recordedAt]: EventRow): RecordedEvent {
  return {
    eventId,
    streamId,
    revision: Number(revision),
    position,
    type,
    data: parseObject(data, 'data', position, streamId, revision),
    metadata: parseObject(metadata, 'metadata', position, streamId, revision),
    recordedAt: new Date(Number(recordedAt)),
  };
}

/** Only this store writes its file, and only JSON objects: anything else there was put there by other hands. */
function parseObject(text: string, part: string, position: bigint, streamId: string, revision: number | bigint): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UnreadableEventError(position, streamId, Number(revision), `its stored ${part} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UnreadableEventError(position, streamId, Number(revision), `its stored ${part} is not a JSON object`);
  return value as JsonObject;
}
