import {
  ANY,
  CancelledError,
  convertToCommandError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  STREAM_EXISTS,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type Position,
  type RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import { EventStoreInputError, EventStoreUnavailableError, UnreadableEventError, WrongExpectedRevisionError } from '../event-store.errors.js';
import type { ExpectedRevision, RecordedEvent } from '../event-store.port.js';
import type { JsonObject } from '../../common/json.js';

/*
 * Translations between the port and `@eventstore/db-client` 6.2.1. Bigints stay in here: only `position` leaves.
 *
 * Positions: EventStoreDB gives every event a commit and a prepare position. A current server (20.x and later, every
 * write through gRPC) commits each event by itself, so the two are equal and unique per event (the real-server suite
 * checks this). The port's one `position` is the commit position, and a read or subscription "from p" sends
 * `{commit: p, prepare: p}`, which is then a real record boundary. Caveat for old logs: events written inside an
 * explicit multi-event transaction (the TCP API of 5.x and older, kept in a database upgraded since) share the
 * transaction's commit position and differ only in their prepare position. On such a log two events have the same
 * port position, and a page or resubscription boundary falling between them skips the later ones.
 */

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

export const toClientPosition = (position: bigint): Position => ({ commit: position, prepare: position });

/** Event types and streams starting with `$` belong to the server (statistics, settings, projections' links). */
export const isSystemEvent = (type: string, streamId: string): boolean => type.startsWith('$') || streamId.startsWith('$');

/**
 * The client's typed error for anything a client call threw. Most calls convert gRPC errors themselves, but not all:
 * the feature probe that precedes the first append after a reconnection rejects with the raw gRPC error.
 */
function commandError(error: unknown): unknown {
  const grpc = error as { code?: unknown; details?: unknown } | null;
  if (typeof grpc !== 'object' || grpc === null || typeof grpc.code !== 'number' || typeof grpc.details !== 'string') return error;
  return convertToCommandError(error as Error);
}

/** What the client throws when gossip finds no node of a cluster (a plain Error, told apart by its message only). */
const DISCOVERY_FAILED = /^Failed to discover after \d+ attempts/;

/** Errors after which the same call may succeed later: the node is down, unreachable, not the leader, or too slow. */
export function isTransient(error: unknown): boolean {
  const converted = commandError(error);
  return (
    converted instanceof UnavailableError ||
    converted instanceof CancelledError ||
    converted instanceof DeadlineExceededError ||
    converted instanceof NotLeaderError ||
    converted instanceof TimeoutError ||
    converted instanceof EventStoreUnavailableError ||
    (converted instanceof Error && DISCOVERY_FAILED.test(converted.message))
  );
}

/**
 * The port's error for a client error: a refused expectation, a store that cannot be reached (cause kept), or an
 * append the server finds too large (its limit may be set below the port's 1 MiB). Anything else passes unchanged.
 */
export function toPortError(error: unknown, streamId?: string, expected?: ExpectedRevision): unknown {
  const converted = commandError(error);
  if (converted instanceof WrongExpectedVersionError) {
    const actual = typeof converted.actualVersion === 'bigint' ? Number(converted.actualVersion) : 'no-stream';
    return new WrongExpectedRevisionError(streamId ?? converted.streamName, expected ?? fromClientExpected(converted.expectedVersion), actual);
  }
  if (isTransient(converted)) {
    if (converted instanceof EventStoreUnavailableError) return converted;
    return new EventStoreUnavailableError(`EventStoreDB is unavailable: ${(converted as Error).message}`, { cause: converted });
  }
  if (converted instanceof MaxAppendSizeExceededError) {
    return new EventStoreInputError(`the append is larger than the server's maximum append size of ${converted.maxAppendSize} bytes`, { cause: converted });
  }
  return converted;
}

function fromClientExpected(expected: WrongExpectedVersionError['expectedVersion']): ExpectedRevision {
  if (typeof expected === 'bigint') return Number(expected);
  return expected === 'no_stream' ? 'no-stream' : expected === 'stream_exists' ? 'stream-exists' : 'any';
}

/**
 * The port's envelope for an event as the client read it. Only JSON objects can be represented; an event that is not
 * one (binary data written by another tool) is refused loudly rather than skipped or faked.
 */
export function toRecordedEvent(event: ClientRecordedEvent, streamId: string = event.streamId): RecordedEvent {
  if (!event.position) throw new Error(`event ${event.id} of stream ${event.streamId} came without a position (server older than 20.x?)`);
  return {
    eventId: event.id,
    streamId,
    revision: Number(event.revision),
    position: event.position.commit,
    type: event.type,
    data: jsonObject(event, 'data', event.data),
    metadata: event.metadata === undefined ? {} : jsonObject(event, 'metadata', event.metadata),
    recordedAt: event.created,
  };
}

/** What `JSON.parse` made of the bytes is plain JSON already, so checking the top level is enough. */
function jsonObject(event: ClientRecordedEvent, part: string, value: unknown): JsonObject {
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) return value as JsonObject;
  const detail = `its ${part} is not a JSON object; the event store port carries JSON objects only (event ${event.id})`;
  if (event.position) throw new UnreadableEventError(event.position.commit, event.streamId, Number(event.revision), detail);
  throw new Error(`event ${event.id} of stream ${event.streamId}: ${detail}`);
}
