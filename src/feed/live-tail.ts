import type { EventStore, RecordedEvent, Subscription } from '../event-store/event-store.port.js';
import { upcast } from '../program/program.upcasters.js';
import { PROGRAM_STREAM_PREFIX } from '../program/program.stream.js';
import { sseMessage, toCloudEvent } from './cloud-event.js';

/** A recent event as every connection sends it: the SSE message is built once, not once per subscriber. */
export interface TailEntry {
  position: bigint;
  streamId: string;
  type: string;
  message: string;
  /** The recording decision's W3C trace context, when it was traced. */
  traceparent?: string;
}

/** A parked connection: its cursor moves past events it does not want without waking it. */
interface Waiter {
  cursor: { position: bigint };
  accepts(entry: TailEntry): boolean;
  wake(): void;
}

/** Read at every trim, so a change applies to the running tail. */
export interface LiveTailLimits {
  /** Entries kept; a connection further behind catches up from the store, at its own pace. */
  readonly tailEntries: number;
  /** Characters of SSE messages kept, whatever their number. */
  readonly tailBytes: number;
}

/**
 * The live end of the log, shared by every connection of this process: ONE store subscription, however many
 * subscribers. One subscription per connection would make every commit wake every connection's subscription (on the
 * embedded store, each then runs its own query): measured, a thousand idle subscribers made each decision five times
 * slower. Here a commit costs one read, one message, and an in-memory filter check per parked connection.
 *
 * The tail holds every programme event after `coveredFrom`, in order, with no gap (it is fed by a subscription from
 * that exact position); older entries are dropped as new ones come. A connection reads it with its own cursor at its
 * own pace; one whose cursor falls behind `coveredFrom` catches up from the store by itself. Nothing here ever waits
 * for a connection.
 */
export class LiveTail {
  private readonly entries: TailEntry[] = [];
  private bytes = 0;
  private readonly waiters = new Set<Waiter>();
  private readonly woken: Waiter[] = [];
  private waking = false;
  private ended: 'closed' | 'failed' | null = null;

  private constructor(
    private readonly subscription: Subscription,
    /** Every programme event with a position above this is in `entries` or still to come. */
    private covered: bigint,
    private readonly limits: LiveTailLimits,
  ) {}

  /** Starts at the log's current end; `onEnd` is told when it ends (closed, or the store failed under it). */
  static async start(store: EventStore, limits: LiveTailLimits, onEnd: (error: unknown) => void): Promise<LiveTail> {
    const head = await store.headPosition();
    const subscription = store.subscribe({ fromPosition: head ?? 'start', filter: { streamPrefixes: [PROGRAM_STREAM_PREFIX] } });
    const tail = new LiveTail(subscription, head ?? -1n, limits);
    // The port's subscriptions end only when closed or when the store fails; either way this tail is done.
    void tail.pump().then(
      () => onEnd(new Error('the subscription ended')),
      (error: unknown) => onEnd(error),
    );
    return tail;
  }

  get coveredFrom(): bigint {
    return this.covered;
  }

  /** Connections caught up and waiting for their next event. */
  get waiting(): number {
    return this.waiters.size;
  }

  get failed(): boolean {
    return this.ended !== null;
  }

  /** The first entry after `cursor`; `'behind'` when entries after it were dropped already; null when there is none yet. */
  next(cursor: bigint): TailEntry | 'behind' | null {
    if (cursor < this.covered) return 'behind';
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle]!.position <= cursor) low = middle + 1;
      else high = middle;
    }
    return this.entries[low] ?? null;
  }

  /**
   * Resolves when an entry the connection accepts arrives (or the tail ends). Entries it does not accept move its
   * cursor on while it waits, so a quiet connection never has to look at them again.
   */
  waitFor(cursor: { position: bigint }, accepts: (entry: TailEntry) => boolean): { promise: Promise<void>; cancel(): void } {
    let waiter!: Waiter;
    const promise = new Promise<void>((resolve) => {
      waiter = { cursor, accepts, wake: resolve };
    });
    if (this.ended) waiter.wake();
    else this.waiters.add(waiter);
    return {
      promise,
      cancel: () => {
        this.waiters.delete(waiter);
        waiter.wake();
      },
    };
  }

  async close(): Promise<void> {
    this.ended ??= 'closed';
    await this.subscription.close();
    this.wakeAll();
  }

  private async pump(): Promise<void> {
    try {
      for await (const event of this.subscription) this.push(event);
    } catch (error) {
      this.ended ??= 'failed';
      throw error;
    } finally {
      this.ended ??= 'closed';
      this.wakeAll();
    }
  }

  private push(event: RecordedEvent): void {
    const cloudEvent = toCloudEvent(upcast(event));
    const entry: TailEntry = { position: event.position, streamId: event.streamId, type: event.type, message: sseMessage(cloudEvent) };
    if (cloudEvent.traceparent) entry.traceparent = cloudEvent.traceparent;
    this.entries.push(entry);
    this.bytes += entry.message.length;
    this.trim();
    for (const waiter of this.waiters) {
      if (waiter.accepts(entry)) {
        this.waiters.delete(waiter);
        this.woken.push(waiter);
      } else {
        waiter.cursor.position = entry.position;
      }
    }
    // Woken once the events of this commit are all in (the subscription hands them over in one go), so each
    // connection sends them in one write rather than one write per event.
    if (this.woken.length > 0 && !this.waking) {
      this.waking = true;
      setImmediate(() => {
        this.waking = false;
        for (const waiter of this.woken.splice(0)) waiter.wake();
      });
    }
  }

  /** Drops the oldest entries in chunks (not one shift per event) once over a limit by a quarter. */
  private trim(): void {
    const { tailEntries: maxEntries, tailBytes: maxBytes } = this.limits;
    if (this.entries.length <= maxEntries * 1.25 && this.bytes <= maxBytes * 1.25) return;
    let drop = 0;
    let bytes = this.bytes;
    while (drop < this.entries.length - 1 && (this.entries.length - drop > maxEntries || bytes > maxBytes)) {
      bytes -= this.entries[drop]!.message.length;
      drop += 1;
    }
    if (drop === 0) return;
    this.covered = this.entries[drop - 1]!.position;
    this.entries.splice(0, drop);
    this.bytes = bytes;
  }

  private wakeAll(): void {
    for (const waiter of [...this.woken.splice(0), ...this.waiters]) waiter.wake();
    this.waiters.clear();
  }
}
