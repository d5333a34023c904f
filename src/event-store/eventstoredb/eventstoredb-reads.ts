import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  type AllStreamRecordedEvent,
  type EventStoreDBClient,
  type ReadPosition,
  type RecordedEvent as ClientRecordedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { matchesFilter } from '../event-store.input.js';
import type { ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../event-store.port.js';
import { abandoner } from './eventstoredb-abandon.js';
import { isSystemEvent, toClientPosition, toPortError, toRecordedEvent } from './eventstoredb-mapping.js';

/**
 * Iterates one client read lazily (the client's stream is pulled as the consumer asks, so gRPC flow control holds
 * the server back), maps its errors, and cancels the call when the consumer stops early.
 */
async function* pull<E>(read: StreamingRead<E>): AsyncGenerator<E> {
  const abandon = abandoner(read, () => read.cancel());
  let ended = false;
  try {
    for await (const item of read) yield item as E;
    ended = true;
  } catch (error) {
    ended = true;
    throw error instanceof StreamNotFoundError || error instanceof StreamDeletedError ? error : toPortError(error);
  } finally {
    if (!ended) abandon();
  }
}

/** A stream's events; an unknown (or deleted) stream yields nothing. Options are checked by the caller. */
export async function* readStream(client: EventStoreDBClient, streamId: string, options: ReadStreamOptions): AsyncGenerator<RecordedEvent> {
  const forwards = options.direction !== 'backwards';
  const from = options.fromRevision ?? (forwards ? 'start' : 'end');
  if (from === 'end' && forwards) return;
  const read = client.readStream(streamId, {
    direction: forwards ? FORWARDS : BACKWARDS,
    fromRevision: from === 'start' ? START : from === 'end' ? END : BigInt(from),
    ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
  });
  try {
    for await (const resolved of pull(read)) {
      if (resolved.event) yield toRecordedEvent(resolved.event as ClientRecordedEvent);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return;
    throw error;
  }
}

/**
 * The global log, without system events, filtered here: the client has no filter for reads. The log is read in pages
 * of `pageSize`, each page one call, so `maxCount` counts only events that pass the filter however many do not.
 *
 * `fromPosition` is inclusive both ways. Forwards the server agrees (the next page starts at the last event seen, which
 * is skipped); backwards the server's start is exclusive, so the event at the position itself is fetched first with a
 * forwards read of one. Positions sent are the caller's or those of events read, never computed ones (p + 1): a real
 * server reads `$all` at byte offsets and refuses, or misreads, a position that is not a record boundary.
 */
export async function* readAll(client: EventStoreDBClient, options: ReadAllOptions, pageSize: number): AsyncGenerator<RecordedEvent> {
  const forwards = options.direction !== 'backwards';
  const from = options.fromPosition ?? (forwards ? 'start' : 'end');
  if (from === 'end' && forwards) return;
  // Pages are cut to `maxCount` until events turn out to be filtered out (system events do even without a filter).
  let wide = options.filter !== undefined;
  const accepts = (event: AllStreamRecordedEvent) =>
    !isSystemEvent(event.type, event.streamId) && matchesFilter(options.filter, event.type, event.streamId);
  let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;

  if (!forwards && typeof from === 'bigint') {
    for await (const { event } of pull(client.readAll({ fromPosition: toClientPosition(from), direction: FORWARDS, maxCount: 1 }))) {
      if (event?.position.commit === from && accepts(event)) {
        yield toRecordedEvent(event);
        remaining--;
      }
    }
  }

  let cursor: ReadPosition = from === 'start' ? START : from === 'end' ? END : toClientPosition(from);
  let seen: bigint | undefined; // forwards: the last position already handled, which the next page repeats
  while (remaining > 0) {
    const repeat = seen === undefined ? 0 : 1;
    const count = wide ? pageSize : Math.min(pageSize, remaining + repeat);
    let received = 0;
    let last: bigint | undefined;
    for await (const { event } of pull(client.readAll({ fromPosition: cursor, direction: forwards ? FORWARDS : BACKWARDS, maxCount: count }))) {
      received++;
      if (!event) continue;
      last = event.position.commit;
      if (seen !== undefined && last <= seen) continue;
      if (!accepts(event)) {
        wide = true;
        continue;
      }
      yield toRecordedEvent(event);
      if (--remaining === 0) return;
    }
    if (received < count || last === undefined) return;
    cursor = toClientPosition(last);
    if (forwards) seen = last;
  }
}

/** Position of the last event of the whole log, system events included; null when the log is empty. */
export async function lastPosition(client: EventStoreDBClient): Promise<bigint | null> {
  for await (const { event } of pull(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }))) {
    if (event) return event.position.commit;
  }
  return null;
}
