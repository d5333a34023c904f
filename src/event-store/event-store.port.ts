import type { JsonObject } from '../common/json.js';

/** Nest injection token of the one event store the application runs on. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * What an append expects of the stream before it writes:
 * a revision number (the revision of the stream's last event), `'no-stream'`, `'stream-exists'` or `'any'`.
 */
export type ExpectedRevision = number | 'no-stream' | 'stream-exists' | 'any';

/** The revision a stream actually had when an append was refused. */
export type ActualRevision = number | 'no-stream';

export type Direction = 'forwards' | 'backwards';

/** An event as handed to `append`. The id makes a retried append idempotent, so callers derive it deterministically. */
export interface NewEvent {
  eventId: string;
  type: string;
  data: JsonObject;
  metadata?: JsonObject;
}

/**
 * An event as the store recorded it. `position` is the global commit order across all streams (64-bit: a bigint
 * inside the process, a string of digits outside it); `revision` counts a stream's events from 0.
 */
export interface RecordedEvent {
  eventId: string;
  streamId: string;
  revision: number;
  position: bigint;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  recordedAt: Date;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

/** The recorded events of a result may share their `data` and `metadata` objects with the appended ones. */
export interface AppendResult {
  /** Revision of the stream's last event after the append: the next `expectedRevision`. */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: bigint;
  events: RecordedEvent[];
  /**
   * True when the events were found recorded already (an idempotent retry) and nothing was written. Adapters that
   * cannot tell (EventStoreDB answers a retry exactly like the first append) leave it undefined.
   */
  alreadyRecorded?: boolean;
}

export interface ReadStreamOptions {
  /** Inclusive. Default: the first event reading forwards, the last reading backwards. */
  fromRevision?: number | 'start' | 'end';
  direction?: Direction;
  maxCount?: number;
}

/** Selects events by type and/or stream id prefix; an event passes when it matches every part that is given. */
export interface EventFilter {
  eventTypes?: readonly string[];
  streamPrefixes?: readonly string[];
}

export interface ReadAllOptions {
  /** Inclusive. Default: the start of the log reading forwards, its end reading backwards. */
  fromPosition?: bigint | 'start' | 'end';
  direction?: Direction;
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeOptions {
  /** Exclusive: the subscription delivers events after this position. `'start'` delivers the whole log, `'end'` only new events. */
  fromPosition?: bigint | 'start' | 'end';
  filter?: EventFilter;
}

/**
 * Historical events first, then live ones, in global order, with no gap and no duplicate at the hand-over.
 * Iteration ends after `close()`; a failure of the store is thrown from the iterator.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

/** What `/api/health` shows of the store. */
export interface EventStoreHealth {
  adapter: 'sqlite' | 'eventstoredb';
  status: 'up' | 'down';
  headPosition: bigint | null;
  /** Open subscriptions, and how many of them are re-connecting after an error or an end the store caused. */
  subscriptions: { open: number; reconnecting: number; lastError: string | null };
  error?: string;
}

/**
 * The event-store port: the only way the rest of the application touches events. Every adapter passes the
 * contract suite in `test/event-store/event-store.contract.ts`.
 */
export interface EventStore {
  /**
   * Appends events to one stream atomically. Throws `WrongExpectedRevisionError` when the stream is not as expected.
   * Appending the very same event ids again at the same expected revision returns the original result and writes
   * nothing. Throws `EventStoreInputError` before writing anything when the input is not acceptable. Whether an event
   * id already recorded elsewhere in the log is refused is the adapter's: SQLite refuses it, EventStoreDB writes it;
   * callers derive ids from command ids, so neither happens in Docket.
   */
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** Streams one stream's events; an unknown stream yields nothing. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /** Streams the global log. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options?: SubscribeOptions): Subscription;
  /** Position of the last event in the log, or null when the log is empty. */
  headPosition(): Promise<bigint | null>;
  /** Never throws: a store it cannot reach is reported `down`. */
  health(): Promise<EventStoreHealth>;
  close(): Promise<void>;
}
