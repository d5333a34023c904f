import { WrongExpectedRevisionError } from '../../src/event-store/event-store.errors.js';
import { checkAppend, checkReadAll, checkReadStream, checkSubscribe, matchesFilter } from '../../src/event-store/event-store.input.js';
import type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  EventStoreHealth,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../../src/event-store/event-store.port.js';

/**
 * TEST ONLY: an empty view of a store that is not empty, for running the contract suite against a real EventStoreDB,
 * which cannot be emptied between tests. Stream names get a namespace on the way in and lose it on the way out.
 * `$all` only shows the namespace and only what came after the log's head at the time the view was opened (the
 * floor), so nothing earlier runs left is scanned: reads start at the floor going forwards and stop there going
 * backwards, filtering (and counting `maxCount`) here; subscriptions start at the floor, narrowed to the namespace by
 * the port's stream-prefix filter, which the adapter hands to the server. Input is checked before the namespace is
 * added, so bad input is refused exactly as the adapter refuses it.
 *
 * It wraps any adapter through the port, so the adapter itself carries no test-only option.
 */
export class NamespacedEventStore implements EventStore {
  private constructor(
    private readonly inner: EventStore,
    private readonly namespace: string,
    /** Position of the last event before the view was opened (not in the namespace), or null for an empty log. */
    private readonly floor: bigint | null,
  ) {}

  static async open(inner: EventStore, namespace: string): Promise<NamespacedEventStore> {
    return new NamespacedEventStore(inner, namespace, await inner.headPosition());
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    checkAppend(streamId, events, options);
    try {
      const result = await this.inner.append(this.namespace + streamId, events, options);
      return { ...result, events: result.events.map((event) => this.strip(event)) };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw new WrongExpectedRevisionError(streamId, error.expected, error.actual);
      throw error;
    }
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    checkReadStream(streamId, options);
    for await (const event of this.inner.readStream(this.namespace + streamId, options)) yield this.strip(event);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    checkReadAll(options);
    const forwards = options.direction !== 'backwards';
    const from = options.fromPosition ?? (forwards ? 'start' : 'end');
    const fromPosition = from === 'start' && forwards && this.floor !== null ? this.floor : from;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    // Unfiltered and unbounded underneath, so that a backwards read sees the floor go by and stops there instead of
    // scanning the whole log for a match that cannot be there.
    for await (const event of this.inner.readAll({ fromPosition, direction: options.direction ?? 'forwards' })) {
      if (this.floor !== null && event.position <= this.floor) {
        if (forwards) continue;
        return;
      }
      if (!event.streamId.startsWith(this.namespace)) continue;
      const stripped = this.strip(event);
      if (!matchesFilter(options.filter, stripped.type, stripped.streamId)) continue;
      yield stripped;
      if (--remaining === 0) return;
    }
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    checkSubscribe(options);
    const from = options.fromPosition ?? 'start';
    const fromPosition = from === 'start' && this.floor !== null ? this.floor : from;
    const inner = this.inner.subscribe({ fromPosition, filter: this.narrow(options.filter) });
    const strip = (event: RecordedEvent) => this.strip(event);
    return {
      async *[Symbol.asyncIterator]() {
        for await (const event of inner) yield strip(event);
      },
      close: () => inner.close(),
    };
  }

  async headPosition(): Promise<bigint | null> {
    for await (const event of this.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
    return null;
  }

  async health(): Promise<EventStoreHealth> {
    const health = await this.inner.health();
    return health.status === 'up' ? { ...health, headPosition: await this.headPosition() } : health;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private narrow(filter: EventFilter | undefined): EventFilter {
    const prefixes = filter?.streamPrefixes?.length ? filter.streamPrefixes : [''];
    return { ...filter, streamPrefixes: prefixes.map((prefix) => this.namespace + prefix) };
  }

  private strip(event: RecordedEvent): RecordedEvent {
    if (!event.streamId.startsWith(this.namespace)) throw new Error(`event ${event.eventId} of stream ${event.streamId} is outside ${this.namespace}`);
    return { ...event, streamId: event.streamId.slice(this.namespace.length) };
  }
}
