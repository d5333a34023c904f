import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { EVENT_STORE, type EventFilter, type EventStore } from '../event-store/event-store.port.js';
import { PROGRAM_STREAM_PREFIX, programStreamId } from '../program/program.stream.js';
import { FeedConnection, type FeedEnd } from './feed-connection.js';
import { FeedSettings } from './feed-settings.js';
import { LiveTail } from './live-tail.js';

export interface FeedRequest {
  /** Exclusive; null for the whole history. */
  after: bigint | null;
  types: readonly string[] | null;
  programId: string | null;
}

/**
 * The open connections of the feed and the live tail they share. Keeps the connections so that a shutdown can end
 * them (an open event stream would otherwise hold the HTTP server open forever).
 */
@Injectable()
export class FeedHub implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Feed');
  private readonly open = new Set<FeedConnection>();
  private liveTail: Promise<LiveTail> | null = null;
  private startedTail: LiveTail | null = null;
  /** How connections ended, since start: what an operator (and the back-pressure test) looks at. */
  readonly ends: Record<FeedEnd, number> = { 'client-gone': 0, stalled: 0, shutdown: 0, 'store-failed': 0 };
  /** Events written to subscribers' connections since start (an event sent to ten subscribers counts ten). */
  delivered = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly settings: FeedSettings,
  ) {}

  get openConnections(): number {
    return this.open.size;
  }

  /** Open connections that are caught up with the log and waiting for their next event. */
  get waitingConnections(): number {
    return this.startedTail?.waiting ?? 0;
  }

  /** Streams to `response` until the connection ends; the response's headers must have been sent. */
  async serve(response: ServerResponse, request: FeedRequest): Promise<FeedEnd> {
    const stream = request.programId === null ? null : programStreamId(request.programId);
    const types = request.types === null ? null : new Set(request.types);
    const filter: EventFilter = { streamPrefixes: [stream ?? PROGRAM_STREAM_PREFIX], ...(request.types ? { eventTypes: request.types } : {}) };
    const connection = new FeedConnection(response, this.store, {
      heartbeatMs: this.settings.heartbeatMs,
      drainTimeoutMs: this.settings.drainTimeoutMs,
      retryMs: this.settings.retryMs,
      after: request.after ?? -1n,
      filter,
      accepts: (event) => (stream === null || event.streamId === stream) && (types === null || types.has(event.type)),
      tail: () => this.tail(),
      delivered: (count) => (this.delivered += count),
    });
    this.open.add(connection);
    try {
      const end = await connection.run();
      this.ends[end] += 1;
      if (end === 'stalled') this.logger.warn('A feed consumer stopped reading and was disconnected; it can resume with Last-Event-ID');
      if (end === 'store-failed') this.logger.warn('A feed connection ended because the event store failed; the consumer can resume');
      return end;
    } finally {
      this.open.delete(connection);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const connection of this.open) connection.shutDown();
    const tail = this.liveTail;
    this.liveTail = null;
    await tail?.then((started) => started.close(), () => undefined);
  }

  /** The live tail, started on first use; after a store failure the next connection starts a new one. */
  private tail(): Promise<LiveTail> {
    if (!this.liveTail) {
      const starting = LiveTail.start(this.store, this.settings, (error) => {
        if (this.liveTail !== starting) return; // closed at shutdown
        this.logger.warn(`The feed's live tail ended, its connections with it (they resume); the next starts a new one: ${String(error)}`);
        this.liveTail = null;
        this.startedTail = null;
      });
      starting.then(
        (tail) => (this.startedTail = tail),
        () => {
          if (this.liveTail === starting) this.liveTail = null;
        },
      );
      this.liveTail = starting;
    }
    return this.liveTail;
  }
}
