import {
  START,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Filter,
} from '@eventstore/db-client';
import { matchesFilter } from '../event-store.input.js';
import type { EventFilter, RecordedEvent, Subscription } from '../event-store.port.js';
import { abandoner } from './eventstoredb-abandon.js';
import { isSystemEvent, isTransient, toClientPosition, toPortError, toRecordedEvent } from './eventstoredb-mapping.js';

export interface ResubscribeBackoff {
  /** Wait before the first resubscription after a failure. Default 100 ms. */
  initialDelayMs: number;
  /** The wait doubles after each failed attempt up to this. Default 5 s. */
  maxDelayMs: number;
}

interface EventStoreDbSubscriptionOptions {
  client: EventStoreDBClient;
  /** Exclusive start. `'end'` is pinned to the log's last position as soon as the subscription is created. */
  from: bigint | 'start' | 'end';
  filter: EventFilter | undefined;
  backoff: ResubscribeBackoff;
  /** Position of the last event of the whole log (system events included), or null when it is empty. */
  lastPosition(): Promise<bigint | null>;
  /** Told of every failure the subscription recovers from. */
  onFailure(message: string): void;
  onClose(): void;
}

/** The server emits checkpoints we do not use (see below); ask for them rarely. */
const CHECKPOINT_INTERVAL = 10_000;

/**
 * A catch-up subscription to `$all` that survives the server: the client's subscription ends on a lost connection
 * (with an error) and sometimes on the server's say-so (with no error at all), and never comes back by itself. This
 * one resubscribes in both cases from the position of the last event it took from the server, after a wait that
 * doubles from `initialDelayMs` to `maxDelayMs` and starts over once the server confirms a subscription. Since the
 * server's start position is exclusive and only events after the last one taken are let through, nothing is repeated
 * or skipped across resubscriptions. Errors that waiting will not cure (access denied, an event the port cannot carry)
 * end the iteration by throwing.
 *
 * Back-pressure: events are pulled from the client's stream only as the consumer asks for them; when the consumer
 * stops, the stream's small buffer fills, gRPC flow control stops the server, and nothing piles up in this process.
 *
 * The server filters on one thing: stream prefixes if given, else event-type prefixes, else it leaves out system
 * events. The exact filter (types match whole, both parts together, no system events) is applied here. Filtered
 * subscriptions receive checkpoints, which are ignored: the client reports them before the events it has buffered
 * ahead of them have been delivered, so resuming from one could skip those. A resubscription after a quiet stretch
 * therefore re-scans what the server filtered out since the last delivered event, which costs time, never events.
 */
export class EventStoreDbSubscription implements Subscription {
  private closed = false;
  private iterating = false;
  private current: { subscription: AllStreamSubscription; abandon(): void } | undefined;
  private delayMs: number;
  private readonly closing: Promise<void>;
  private signalClosing!: () => void;
  private readonly pinnedEnd: Promise<bigint | 'start'> | undefined;
  /** True from a failure until the server confirms a new subscription. */
  reconnecting = false;

  constructor(private readonly options: EventStoreDbSubscriptionOptions) {
    this.delayMs = options.backoff.initialDelayMs;
    this.closing = new Promise((resolve) => (this.signalClosing = resolve));
    if (options.from === 'end') {
      // Pinned now rather than at the first `next()`, so "only new events" means new from the `subscribe()` call.
      this.pinnedEnd = this.pinEnd();
      this.pinnedEnd.catch(() => undefined);
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent> {
    if (this.iterating) throw new Error('a subscription can be iterated only once');
    this.iterating = true;
    let after: bigint | 'start' | 'end' = this.options.from;
    let pinnedEnd = this.pinnedEnd;
    try {
      while (!this.closed) {
        let failure: string;
        try {
          if (after === 'end') {
            const pinning = pinnedEnd ?? this.pinEnd();
            pinnedEnd = undefined; // a failed attempt is not awaited again: the next one asks the server anew
            const pinned = await Promise.race([pinning, this.closing]);
            if (this.closed || pinned === undefined) return;
            after = pinned;
          }
          const subscription = this.open(after);
          for await (const resolved of subscription) {
            const event = resolved.event;
            if (!event) continue;
            const position = event.position.commit;
            if (after !== 'start' && position <= after) continue;
            after = position;
            if (isSystemEvent(event.type, event.streamId) || !matchesFilter(this.options.filter, event.type, event.streamId)) continue;
            yield toRecordedEvent(event);
            if (this.closed) return;
          }
          failure = 'the server ended the subscription';
        } catch (error) {
          if (this.closed) return;
          if (!isTransient(error)) throw toPortError(error);
          failure = (error as Error).message;
        } finally {
          this.release();
        }
        if (this.closed) return;
        this.reconnecting = true;
        this.options.onFailure(failure);
        await Promise.race([sleep(this.delayMs), this.closing]);
        this.delayMs = Math.min(this.delayMs * 2, this.options.backoff.maxDelayMs);
      }
    } finally {
      this.finish();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.finish();
    // Ends a pending `next()` too: the client's stream, destroyed, makes its iterator throw, and `closed` turns that
    // into the end of the iteration.
    this.release();
  }

  private finish(): void {
    this.closed = true;
    this.reconnecting = false;
    this.signalClosing();
    this.options.onClose();
  }

  private open(after: bigint | 'start'): AllStreamSubscription {
    const subscription = this.options.client.subscribeToAll({
      fromPosition: after === 'start' ? START : toClientPosition(after),
      filter: serverFilter(this.options.filter),
    });
    subscription.on('confirmation', () => {
      this.reconnecting = false;
      this.delayMs = this.options.backoff.initialDelayMs;
    });
    this.current = { subscription, abandon: abandoner(subscription, () => subscription.unsubscribe()) };
    return subscription;
  }

  private release(): void {
    const current = this.current;
    this.current = undefined;
    current?.abandon();
  }

  private async pinEnd(): Promise<bigint | 'start'> {
    return (await this.options.lastPosition()) ?? 'start';
  }
}

function serverFilter(filter: EventFilter | undefined): Filter {
  const checkpointInterval = CHECKPOINT_INTERVAL;
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes], checkpointInterval });
  if (filter?.eventTypes?.length) return eventTypeFilter({ prefixes: [...filter.eventTypes], checkpointInterval });
  return excludeSystemEvents({ checkpointInterval });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
