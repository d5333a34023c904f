import type { EventFilter, RecordedEvent, Subscription } from '../event-store.port.js';
import type { AppendSignal } from './append-signal.js';

interface SqliteSubscriptionOptions {
  after: bigint;
  filter: EventFilter | undefined;
  batchSize: number;
  signal: AppendSignal;
  /** The next events after `after`, and how far the log was looked at (where the next fetch may start). */
  fetch(after: bigint, limit: number, filter: EventFilter | undefined): { events: RecordedEvent[]; scannedTo: bigint };
  onClose(): void;
}

/**
 * Catch-up and live are one loop: read the next page after the last delivered position; when there is none, wait
 * for the next commit. Since every page is read by position, the hand-over from history to live cannot skip or
 * repeat an event, and the subscriber reads at its own pace without buffering anything for it.
 */
export class SqliteSubscription implements Subscription {
  private closed = false;
  private wakeOnClose: (() => void) | null = null;
  private iterating = false;

  constructor(private readonly options: SqliteSubscriptionOptions) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent> {
    if (this.iterating) throw new Error('a subscription can be iterated only once');
    this.iterating = true;
    let after = this.options.after;
    try {
      while (!this.closed) {
        const wake = this.options.signal.next();
        const { events, scannedTo } = this.options.fetch(after, this.options.batchSize, this.options.filter);
        if (events.length === 0) {
          after = scannedTo;
          await Promise.race([wake, new Promise<void>((resolve) => (this.wakeOnClose = resolve))]);
          continue;
        }
        for (const event of events) {
          if (this.closed) return;
          after = event.position;
          yield event;
        }
        after = scannedTo > after ? scannedTo : after;
      }
    } finally {
      this.closed = true;
      this.options.onClose();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeOnClose?.();
    this.options.onClose();
  }
}
