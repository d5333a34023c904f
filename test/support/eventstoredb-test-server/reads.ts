/**
 * `Streams.Read` of the EventStoreDB test fixture, as a sequence of responses: one-off reads of a stream or of `$all`,
 * and subscriptions (catch-up, then live until the signal aborts).
 */
import { randomUUID } from 'node:crypto';
import type { EventLog, StoredEvent } from './event-log.js';
import {
  caughtUpResponse,
  checkpointResponse,
  compileFilter,
  confirmationResponse,
  eventResponse,
  streamName,
  streamNotFoundResponse,
  streamsPb,
  type ReadReq,
  type ReadResp,
} from './protocol.js';

type ReadOptions = NonNullable<ReturnType<ReadReq['getOptions']>>;

export function readResponses(
  log: EventLog,
  options: ReadOptions,
  signal: AbortSignal,
  sendCaughtUp: boolean,
): AsyncIterable<ReadResp> {
  if (options.hasSubscription()) return subscription(log, options, signal, sendCaughtUp);
  return toAsync(options.hasAll() ? readAll(log, options) : readStream(log, options));
}

async function* toAsync<T>(items: Iterable<T>): AsyncIterable<T> {
  yield* items;
}

const BACKWARDS = streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;

/** `count` is a uint64 sent as a string. */
const maxCount = (options: ReadOptions): number => Math.min(Number(options.getCount() || '0'), Number.MAX_SAFE_INTEGER);

/** Forwards from a revision inclusive; backwards from a revision inclusive (clamped to the last event). */
function* readStream(log: EventLog, options: ReadOptions): Iterable<ReadResp> {
  const streamOptions = options.getStream()!;
  const name = streamName(streamOptions.getStreamIdentifier());
  const events = log.stream(name);
  if (!events) {
    yield streamNotFoundResponse(name);
    return;
  }
  const count = maxCount(options);
  const backwards = options.getReadDirection() === BACKWARDS;
  const last = events.length - 1;
  const from = streamOptions.hasStart()
    ? 0
    : streamOptions.hasEnd()
      ? backwards
        ? last
        : events.length
      : Math.min(Number(BigInt(streamOptions.getRevision())), backwards ? last : events.length);
  const step = backwards ? -1 : 1;
  for (let i = from, sent = 0; i >= 0 && i < events.length && sent < count; i += step, sent++) {
    yield eventResponse(events[i]!);
  }
}

/**
 * Forwards from a position inclusive (the first event at or after it); backwards from a position exclusive (the
 * events before it), which is how EventStoreDB pages through `$all` backwards.
 */
function* readAll(log: EventLog, options: ReadOptions): Iterable<ReadResp> {
  const all = log.all;
  const allOptions = options.getAll()!;
  const count = maxCount(options);
  const filter = compileFilter(options);
  const backwards = options.getReadDirection() === BACKWARDS;
  const position = allOptions.hasPosition() ? BigInt(allOptions.getPosition()!.getCommitPosition()) : undefined;
  let from: number;
  if (backwards) {
    from = allOptions.hasStart() ? -1 : allOptions.hasEnd() ? all.length - 1 : lastIndexBefore(all, position!);
  } else {
    from = allOptions.hasStart() ? 0 : allOptions.hasEnd() ? all.length : lastIndexBefore(all, position!) + 1;
  }
  const step = backwards ? -1 : 1;
  let sent = 0;
  for (let i = from; i >= 0 && i < all.length && sent < count; i += step) {
    if (filter && !filter.matches(all[i]!)) continue;
    sent++;
    yield eventResponse(all[i]!);
  }
}

/** Index of the last event whose position is below `position` (-1 if none). */
function lastIndexBefore(all: readonly StoredEvent[], position: bigint): number {
  let low = 0;
  let high = all.length; // first index with position >= `position`
  while (low < high) {
    const middle = (low + high) >> 1;
    if (all[middle]!.position < position) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/** Index of the first event whose position is above `position`. */
const firstIndexAfter = (all: readonly StoredEvent[], position: bigint): number =>
  lastIndexBefore(all, position + 1n) + 1;

/** A subscription's own cursor over the log: the log is every subscriber's queue. */
function cursorOf(log: EventLog, options: ReadOptions): () => StoredEvent | undefined {
  if (options.hasAll()) {
    const allOptions = options.getAll()!;
    let index = allOptions.hasStart()
      ? 0
      : allOptions.hasEnd()
        ? log.all.length
        : firstIndexAfter(log.all, BigInt(allOptions.getPosition()!.getCommitPosition()));
    return () => log.all[index] && log.all[index++];
  }
  const streamOptions = options.getStream()!;
  const name = streamName(streamOptions.getStreamIdentifier());
  let revision = streamOptions.hasStart()
    ? 0
    : streamOptions.hasEnd()
      ? (log.stream(name)?.length ?? 0)
      : Number(BigInt(streamOptions.getRevision())) + 1;
  return () => {
    const events = log.stream(name);
    return events?.[revision] && events[revision++];
  };
}

async function* subscription(
  log: EventLog,
  options: ReadOptions,
  signal: AbortSignal,
  sendCaughtUp: boolean,
): AsyncIterable<ReadResp> {
  const next = cursorOf(log, options);
  const filter = options.hasAll() ? compileFilter(options) : undefined;
  let considered = 0;
  let caughtUp = false;
  yield confirmationResponse(randomUUID());
  while (!signal.aborted) {
    const event = next();
    if (event) {
      if (!filter || filter.matches(event)) yield eventResponse(event);
      if (filter && ++considered >= filter.checkpointInterval) {
        considered = 0;
        yield checkpointResponse(event.position);
      }
    } else if (!caughtUp) {
      caughtUp = true;
      if (sendCaughtUp) yield caughtUpResponse();
    } else {
      await nextAppend(log, signal);
    }
  }
}

/** Resolves after the next append, or when the signal aborts. */
function nextAppend(log: EventLog, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      unsubscribe();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const unsubscribe = log.onAppend(done);
    signal.addEventListener('abort', done);
  });
}
