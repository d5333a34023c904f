import { propagation, ROOT_CONTEXT, SpanKind, type Span } from '@opentelemetry/api';
import { tracer, tracingOn } from '../common/tracing.js';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { EventFilter, EventStore } from '../event-store/event-store.port.js';
import { upcast } from '../program/program.upcasters.js';
import { sseMessage, toCloudEvent } from './cloud-event.js';
import type { LiveTail, TailEntry } from './live-tail.js';

export interface FeedConnectionOptions {
  heartbeatMs: number;
  drainTimeoutMs: number;
  retryMs: number;
  /** Exclusive start; -1 for the whole log. */
  after: bigint;
  /** What the store can filter on (stream prefixes and types) for the catch-up reads. */
  filter: EventFilter;
  /** The exact test: the store's prefix filter lets `program-abc-2` through for `program-abc`. */
  accepts(event: { streamId: string; type: string }): boolean;
  /** The live tail of this process (started on first use); throws when the store cannot be read. */
  tail(): Promise<LiveTail>;
  /** Told how many events each write carried (the metrics' count of events delivered). */
  delivered?(count: number): void;
}

/** How a connection ended: the client left, it stopped reading for too long, the server shut down, or the store failed. */
export type FeedEnd = 'client-gone' | 'stalled' | 'shutdown' | 'store-failed';

type Wait = 'drained' | 'gone' | 'stalled';

/** About a socket buffer's worth: a batch never holds a slow consumer's backlog in memory. */
const MAX_BATCH_CHARACTERS = 64 * 1024;
/** Events a catch-up sends between two turns of the event loop. */
const CATCH_UP_SLICE = 200;

/**
 * One subscriber's connection, with its own cursor: behind the live tail it reads the store by itself (a streaming
 * read, pulled only as fast as its socket takes the messages); at the tail it takes the shared, ready-made messages.
 * Either way the next message is fetched only once the last one was taken, so a slow consumer holds nothing but its
 * own socket buffer and slows no one. When that buffer stays full for `drainTimeoutMs`, the consumer is cut off; it
 * resumes later from its `Last-Event-ID`, losing nothing.
 */
export class FeedConnection {
  private ended: FeedEnd | null = null;
  private readonly cursor: { position: bigint };
  /** Ends the current wait (for the tail, or for the socket to drain) when the connection ends. */
  private interrupt: (() => void) | null = null;

  constructor(
    private readonly response: ServerResponse,
    private readonly store: EventStore,
    private readonly options: FeedConnectionOptions,
  ) {
    this.cursor = { position: options.after };
    response.once('close', () => this.end('client-gone'));
  }

  /** Streams until the connection ends; never throws (a store failure ends the response, the client resumes). */
  async run(): Promise<FeedEnd> {
    const heartbeat = setInterval(() => this.heartbeat(), this.options.heartbeatMs);
    heartbeat.unref();
    try {
      this.response.write(`retry: ${this.options.retryMs}\n\n`);
      while (!this.ended) {
        const tail = await this.options.tail();
        if (this.ended) break;
        if (tail.failed) throw new Error('the live tail ended');
        const next = tail.next(this.cursor.position);
        if (next === 'behind') {
          await this.catchUp(tail.coveredFrom);
        } else if (next === null) {
          const waiting = tail.waitFor(this.cursor, (entry) => this.options.accepts(entry));
          this.interrupt = waiting.cancel;
          await waiting.promise;
          this.interrupt = null;
        } else {
          await this.sendFromTail(tail, next);
        }
      }
    } catch {
      this.ended ??= 'store-failed';
    } finally {
      clearInterval(heartbeat);
      if (!this.response.destroyed) this.response.end();
    }
    return this.ended ?? 'shutdown';
  }

  /** Ends the connection from the server's side (shutdown): the client reconnects, elsewhere or later. */
  shutDown(): void {
    this.end('shutdown');
    if (!this.response.destroyed) this.response.end();
  }

  private end(why: FeedEnd): void {
    this.ended ??= why;
    this.interrupt?.();
  }

  /**
   * Sends the entry and whatever follows it in the tail already, in one write: events committed together (the store
   * commits concurrent decisions in one transaction) cost one socket write per subscriber, not one each.
   */
  private async sendFromTail(tail: LiveTail, first: TailEntry): Promise<void> {
    let batch = '';
    let count = 0;
    const traced: TailEntry[] = [];
    for (let entry: TailEntry | 'behind' | null = first; entry !== null && entry !== 'behind'; entry = tail.next(entry.position)) {
      this.cursor.position = entry.position;
      if (this.options.accepts(entry)) {
        batch += entry.message;
        count += 1;
        if (entry.traceparent && tracingOn()) traced.push(entry);
      }
      if (batch.length >= MAX_BATCH_CHARACTERS) break;
    }
    if (batch === '') return;
    const spans = traced.map((entry) => deliverySpan(entry.traceparent!, entry.position, entry.type));
    await this.send(batch);
    this.options.delivered?.(count);
    for (const span of spans) span.end();
  }

  /** Sends what the store holds after the cursor up to `until` (which the tail covers from), then moves the cursor there. */
  private async catchUp(until: bigint): Promise<void> {
    const from = this.cursor.position;
    let sent = 0;
    for await (const event of this.store.readAll({ fromPosition: from < 0n ? 'start' : from, filter: this.options.filter })) {
      if (event.position <= from) continue; // the read is inclusive of its start
      if (event.position > until || this.ended) break;
      if (!this.options.accepts(event)) continue;
      const cloudEvent = toCloudEvent(upcast(event));
      const span = cloudEvent.traceparent && tracingOn() ? deliverySpan(cloudEvent.traceparent, event.position, event.type) : null;
      await this.send(sseMessage(cloudEvent));
      this.options.delivered?.(1);
      span?.end();
      if (this.ended) break;
      // The embedded store's reads and a fast socket never make this loop wait: let the writers' requests in.
      if (++sent % CATCH_UP_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (!this.ended && until > this.cursor.position) this.cursor.position = until;
  }

  private async send(message: string): Promise<void> {
    if (this.ended) return;
    if (this.response.write(message)) return;
    const wait = await this.drainedWithin(this.options.drainTimeoutMs);
    if (wait === 'stalled') {
      this.end('stalled');
      // destroy, not end: end would wait for the very buffer the consumer does not read.
      this.response.destroy();
    }
  }

  private heartbeat(): void {
    // A consumer whose buffer is full gets no comment: the message in flight will tell it the connection lives.
    if (!this.response.writableNeedDrain && !this.ended) this.response.write(':\n\n');
  }

  private async drainedWithin(ms: number): Promise<Wait> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), ms)));
    const drained = once(this.response, 'drain', { signal: abort.signal }).then(
      () => 'drained' as const,
      () => 'gone' as const,
    );
    this.interrupt = () => abort.abort();
    try {
      return await Promise.race([drained, stalled]);
    } finally {
      this.interrupt = null;
      clearTimeout(timer);
      abort.abort();
    }
  }
}

/**
 * The span of one event's delivery to one subscriber, in the trace of the decision that recorded it (its
 * `traceparent`): the trace goes on from the decision to every delivery, and on into the subscriber, which reads the
 * same `traceparent` from the CloudEvent.
 */
function deliverySpan(traceparent: string, position: bigint, type: string): Span {
  const parent = propagation.extract(ROOT_CONTEXT, { traceparent });
  return tracer.startSpan('feed.deliver', { kind: SpanKind.PRODUCER, attributes: { 'docket.position': position.toString(), 'docket.event_type': type } }, parent);
}
