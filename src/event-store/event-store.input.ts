import { validate as isUuid } from 'uuid';
import { EventStoreInputError } from './event-store.errors.js';
import type { AppendOptions, EventFilter, NewEvent, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from './event-store.port.js';
import { type JsonObject, whyNotPlainJson } from '../common/json.js';

/**
 * Checks every adapter runs before it touches its storage, so bad input fails the same way on every store and
 * nothing is written. The limits follow EventStoreDB's defaults (1 MiB per append) so both stores accept the same.
 */
export const MAX_STREAM_ID_LENGTH = 200;
export const MAX_EVENT_TYPE_LENGTH = 200;
export const MAX_APPEND_BYTES = 1024 * 1024;
export const MAX_EVENTS_PER_APPEND = 10_000;

/** An event of a checked append: data and metadata serialised once, beside the checked objects themselves. */
export interface SerialisedEvent {
  eventId: string;
  type: string;
  data: string;
  metadata: string;
  dataObject: JsonObject;
  metadataObject: JsonObject;
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export function checkStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new EventStoreInputError('stream id must be a non-empty string');
  if (streamId.length > MAX_STREAM_ID_LENGTH) throw new EventStoreInputError(`stream id is longer than ${MAX_STREAM_ID_LENGTH} characters`);
  if (CONTROL_CHARS.test(streamId)) throw new EventStoreInputError('stream id contains control characters');
  if (streamId.startsWith('$')) throw new EventStoreInputError('stream ids starting with $ are reserved for the store');
}

function checkRevision(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new EventStoreInputError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

function checkPosition(name: string, value: unknown): void {
  if (value === 'start' || value === 'end' || value === undefined) return;
  // Signed 64-bit: what SQLite stores, and far beyond any log EventStoreDB will write.
  if (typeof value !== 'bigint' || value < 0n || value > 0x7fff_ffff_ffff_ffffn) {
    throw new EventStoreInputError(`${name} must be 'start', 'end' or a bigint from 0 to 2^63-1`);
  }
}

function checkMaxCount(value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new EventStoreInputError(`maxCount must be a positive integer, got ${String(value)}`);
  }
}

function checkFilter(filter: EventFilter | undefined): void {
  if (filter === undefined) return;
  for (const [name, list] of [['eventTypes', filter.eventTypes], ['streamPrefixes', filter.streamPrefixes]] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item.length === 0)) {
      throw new EventStoreInputError(`filter.${name} must be a list of non-empty strings`);
    }
  }
}

/** Validates an append and serialises it; throws `EventStoreInputError` on the first problem. */
export function checkAppend(streamId: unknown, events: readonly NewEvent[], options: AppendOptions): SerialisedEvent[] {
  checkStreamId(streamId);
  const expected = options?.expectedRevision;
  if (expected !== 'any' && expected !== 'no-stream' && expected !== 'stream-exists') checkRevision('expectedRevision', expected);
  if (!Array.isArray(events) || events.length === 0) throw new EventStoreInputError('an append needs at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND) throw new EventStoreInputError(`an append holds at most ${MAX_EVENTS_PER_APPEND} events`);
  const ids = new Set<string>();
  let bytes = 0;
  const serialised = events.map((event, index): SerialisedEvent => {
    const where = `event ${index}`;
    if (typeof event !== 'object' || event === null) throw new EventStoreInputError(`${where} is not an object`);
    if (typeof event.eventId !== 'string' || !isUuid(event.eventId)) throw new EventStoreInputError(`${where}: eventId must be a UUID`);
    const eventId = event.eventId.toLowerCase();
    if (ids.has(eventId)) throw new EventStoreInputError(`${where}: eventId ${eventId} appears twice in the append`);
    ids.add(eventId);
    if (typeof event.type !== 'string' || event.type.length === 0) throw new EventStoreInputError(`${where}: type must be a non-empty string`);
    if (event.type.length > MAX_EVENT_TYPE_LENGTH) throw new EventStoreInputError(`${where}: type is longer than ${MAX_EVENT_TYPE_LENGTH} characters`);
    if (CONTROL_CHARS.test(event.type) || event.type.startsWith('$')) throw new EventStoreInputError(`${where}: type ${JSON.stringify(event.type)} is not allowed`);
    const dataObject = event.data;
    const metadataObject = event.metadata === undefined ? {} : event.metadata;
    const data = jsonObject(`${where}: data`, dataObject);
    const metadata = jsonObject(`${where}: metadata`, metadataObject);
    bytes += Buffer.byteLength(data) + Buffer.byteLength(metadata) + Buffer.byteLength(event.type) + 64;
    if (bytes > MAX_APPEND_BYTES) throw new EventStoreInputError(`the append is larger than ${MAX_APPEND_BYTES} bytes`);
    return { eventId, type: event.type, data, metadata, dataObject, metadataObject };
  });
  return serialised;
}

function jsonObject(what: string, value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EventStoreInputError(`${what} must be a JSON object`);
  const why = whyNotPlainJson(value);
  if (why) throw new EventStoreInputError(`${what} is not plain JSON: ${why}`);
  return JSON.stringify(value);
}

export function checkReadStream(streamId: unknown, options: ReadStreamOptions = {}): void {
  checkStreamId(streamId);
  const from = options.fromRevision;
  if (from !== undefined && from !== 'start' && from !== 'end') checkRevision('fromRevision', from);
  checkDirection(options.direction);
  checkMaxCount(options.maxCount);
}

export function checkReadAll(options: ReadAllOptions = {}): void {
  checkPosition('fromPosition', options.fromPosition);
  checkDirection(options.direction);
  checkMaxCount(options.maxCount);
  checkFilter(options.filter);
}

export function checkSubscribe(options: SubscribeOptions = {}): void {
  checkPosition('fromPosition', options.fromPosition);
  checkFilter(options.filter);
}

function checkDirection(direction: unknown): void {
  if (direction !== undefined && direction !== 'forwards' && direction !== 'backwards') {
    throw new EventStoreInputError(`direction must be 'forwards' or 'backwards'`);
  }
}

/** True when the event passes the filter (an absent or empty part lets everything through). */
export function matchesFilter(filter: EventFilter | undefined, type: string, streamId: string): boolean {
  if (!filter) return true;
  if (filter.eventTypes?.length && !filter.eventTypes.includes(type)) return false;
  if (filter.streamPrefixes?.length && !filter.streamPrefixes.some((prefix) => streamId.startsWith(prefix))) return false;
  return true;
}
