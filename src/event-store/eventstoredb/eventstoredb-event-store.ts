import { EventStoreDBClient, jsonEvent, type EventData, type RecordedEvent as ClientRecordedEvent } from '@eventstore/db-client';
import { EventStoreUnavailableError } from '../event-store.errors.js';
import { checkAppend, checkReadAll, checkReadStream, checkSubscribe, type SerialisedEvent } from '../event-store.input.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventStoreHealth,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port.js';
import { toClientExpectedRevision, toPortError, toRecordedEvent } from './eventstoredb-mapping.js';
import { lastPosition, readAll, readStream } from './eventstoredb-reads.js';
import { EventStoreDbSubscription, type ResubscribeBackoff } from './eventstoredb-subscription.js';

export interface EventStoreDbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, `esdb://a:2113,b:2113,c:2113` (gossip seeds) or `esdb+discover://host:2113`. */
  connectionString: string;
  /** Events asked for per call while reading `$all`. Default 500. */
  readBatchSize?: number;
  /** How subscriptions wait between resubscriptions. Default 100 ms doubling to 5 s. */
  resubscribe?: Partial<ResubscribeBackoff>;
  /** How long `health()` waits for the server before it reports `down`. Default 2 s. */
  healthTimeoutMs?: number;
}

/**
 * The event store on EventStoreDB (or KurrentDB) through `@eventstore/db-client`. Streams keep the names callers give
 * them; the global position is the commit position (see eventstoredb-mapping.ts). Every operation checks its input
 * with the shared checks before it reaches the client, which would otherwise hang on data it cannot serialise.
 *
 * An append is followed by a read of the events it wrote, because the server answers with the last revision and
 * position only, while the port returns every event's position and the server's recording time. The read makes a
 * retried append (the same ids at the same expected revision, which the server accepts again without writing) return
 * exactly the original result. It assumes the client talks to the leader (the default node preference); if the events
 * cannot be read back, the append fails as unavailable, and retrying it is safe.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private readonly batchSize: number;
  private readonly backoff: ResubscribeBackoff;
  private readonly healthTimeoutMs: number;
  private lastSubscriptionError: string | null = null;
  private closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.batchSize = Math.max(2, options.readBatchSize ?? 500);
    this.backoff = { initialDelayMs: options.resubscribe?.initialDelayMs ?? 100, maxDelayMs: options.resubscribe?.maxDelayMs ?? 5000 };
    this.healthTimeoutMs = options.healthTimeoutMs ?? 2000;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    const serialised = checkAppend(streamId, events, options);
    let nextExpectedRevision: bigint;
    try {
      const result = await this.client.appendToStream(streamId, serialised.map(toEventData), {
        expectedRevision: toClientExpectedRevision(options.expectedRevision),
      });
      nextExpectedRevision = result.nextExpectedRevision;
    } catch (error) {
      throw toPortError(error, streamId, options.expectedRevision);
    }
    const recorded = await this.readBack(streamId, nextExpectedRevision, serialised);
    // EventStoreDB answers an append of event ids it holds already as a success, without saying it wrote nothing.
    // Events another writer recorded under the same ids (another instance taking the same keyed request) differ from
    // ours in their content (the time of the decision, the correlation id, their hash): then they were not written now.
    const ours = recorded.every((event, i) => JSON.stringify(event.metadata) === serialised[i]!.metadata && JSON.stringify(event.data) === serialised[i]!.data);
    return { nextExpectedRevision: Number(nextExpectedRevision), position: recorded[recorded.length - 1]!.position, events: recorded, ...(ours ? {} : { alreadyRecorded: true }) };
  }

  /** The appended events as the server recorded them: they end at `lastRevision` and carry the ids we sent. */
  private async readBack(streamId: string, lastRevision: bigint, sent: readonly SerialisedEvent[]): Promise<RecordedEvent[]> {
    const fromRevision = lastRevision - BigInt(sent.length) + 1n;
    const recorded: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision, maxCount: sent.length })) {
        if (resolved.event) recorded.push(toRecordedEvent(resolved.event as ClientRecordedEvent));
      }
    } catch (error) {
      throw new EventStoreUnavailableError(`stream ${streamId} was appended to, but the appended events could not be read back; retrying the append is safe`, {
        cause: toPortError(error),
      });
    }
    if (recorded.length !== sent.length || recorded.some((event, i) => event.eventId !== sent[i]!.eventId)) {
      throw new EventStoreUnavailableError(
        `stream ${streamId} was appended to, but revisions ${fromRevision}..${lastRevision} do not hold the appended events (a follower lagging, or the stream truncated); retrying the append is safe`,
      );
    }
    return recorded;
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    return this.checked(() => checkReadStream(streamId, options), () => readStream(this.client, streamId, options));
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    return this.checked(() => checkReadAll(options), () => readAll(this.client, options, this.batchSize));
  }

  /** Checks when iteration starts, as the SQLite adapter's generators do, so a bad read fails where it is consumed. */
  private async *checked(check: () => void, read: () => AsyncIterable<RecordedEvent>): AsyncGenerator<RecordedEvent> {
    this.assertOpen();
    check();
    yield* read();
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    checkSubscribe(options);
    const subscription: EventStoreDbSubscription = new EventStoreDbSubscription({
      client: this.client,
      from: options.fromPosition ?? 'start',
      filter: options.filter,
      backoff: this.backoff,
      lastPosition: () => lastPosition(this.client),
      onFailure: (message) => (this.lastSubscriptionError = message),
      onClose: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<bigint | null> {
    this.assertOpen();
    for await (const event of readAll(this.client, { direction: 'backwards', maxCount: 1 }, this.batchSize)) return event.position;
    return null;
  }

  async health(): Promise<EventStoreHealth> {
    const subscriptions = {
      open: this.subscriptions.size,
      reconnecting: [...this.subscriptions].filter((subscription) => subscription.reconnecting).length,
      lastError: this.lastSubscriptionError,
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.healthTimeoutMs} ms`)), this.healthTimeoutMs);
      });
      const headPosition = await Promise.race([this.headPosition(), timeout]);
      return { adapter: 'eventstoredb', status: 'up', headPosition, subscriptions };
    } catch (error) {
      return { adapter: 'eventstoredb', status: 'down', headPosition: null, subscriptions, error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the event store is closed');
  }
}

/** The application's factory for this adapter (see event-store.module.ts). */
export function createEventStoreDbEventStore(options: EventStoreDbEventStoreOptions): EventStore {
  return new EventStoreDbEventStore(options);
}

/**
 * The checked event as the client sends it. The data is a private copy parsed from the checked JSON, so the bytes
 * written are exactly the ones checked even if the caller changes its object while the append is in flight; the
 * metadata goes as those bytes directly (the client passes a `Uint8Array` through untouched).
 */
function toEventData(event: SerialisedEvent): EventData {
  return jsonEvent({
    id: event.eventId,
    type: event.type,
    data: JSON.parse(event.data) as Record<string, unknown>,
    metadata: new TextEncoder().encode(event.metadata),
  });
}
