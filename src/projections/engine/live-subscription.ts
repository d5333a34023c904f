import type { Database } from 'better-sqlite3';
import type { EventStore, RecordedEvent, Subscription } from '../../event-store/event-store.port.js';
import type { ApplyLatency } from './apply-latency.js';
import { applyBatch, type BatchOutcome, messageOf } from './projection-batch.js';
import type { CatalogEntry, ProjectionCatalog } from './projection-catalog.js';
import type { PositionWaiters } from './position-waiters.js';
import type { ProjectionWriter } from './projection.js';
import { consumeInBatches } from './subscription-batches.js';

/** What the live subscription reads and changes of one projection; the runner owns the rest. */
export interface LiveSlot {
  entry: CatalogEntry;
  writer: ProjectionWriter;
  waiters: PositionWaiters;
  /** Stopped at a refused event in this process; only a rebuild (or a restart) starts it again. */
  halted: boolean;
  resubscribing: { attempt: number; lastError: string; retryAt: number } | null;
  latency: ApplyLatency;
}

export interface LiveSubscriptionOptions {
  batchSize: number;
  /** Least time between the starts of two live batches (see `consumeInBatches`); 0 commits each as soon as it can. */
  batchIntervalMs: number;
  /** Events recorded before this instant are history being caught up on, not live latency. */
  startedAt: () => number;
  /** After a batch committed or a projection halted: its state here follows what is on disk. */
  changed: (slot: LiveSlot) => void;
  /** After each live batch's commit: when it began and ended (epoch ms), its events and the projections it fed. */
  committed?: (batch: CommittedBatch) => void;
  log: (message: string) => void;
  error: (message: string) => void;
}

export interface CommittedBatch {
  startedAt: number;
  endedAt: number;
  events: readonly RecordedEvent[];
  projections: string[];
}

const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5000;

/**
 * Feeds every live projection from ONE subscription, opened at the lowest checkpoint among them. Each batch is one
 * transaction holding every projection's changes and checkpoint; each projection's part runs in a savepoint of its
 * own, so one that refuses an event halts alone (its events before the refused one still commit) while the others
 * commit the whole batch. A projection ahead of the batch (a rebuild just swapped in) skips what it has applied.
 * One subscription rather than one per projection: each commit in the store wakes one reader, not one per projection,
 * and a batch costs one query, one parse of its events and one commit, however many projections it feeds.
 */
export class LiveSubscription {
  private subscription: Subscription | null = null;
  /** Identifies the loop that feeds now: a loop replaced by `start` stops applying at once and ends. */
  private token: object = {};
  private readonly loops = new Set<Promise<void>>();
  private readonly sleeps = new Set<() => void>();
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly catalog: ProjectionCatalog,
    private readonly slots: readonly LiveSlot[],
    private readonly options: LiveSubscriptionOptions,
  ) {}

  /**
   * Subscribes from the lowest checkpoint of the projections that are not halted. Called at start-up, and again when
   * a halted projection comes back (a rebuild swapped it in), since the feed may have moved past its checkpoint:
   * the loop feeding now is replaced, and the new one subscribes from the new lowest checkpoint.
   */
  start(): void {
    if (this.stopped) return;
    const token = {};
    this.token = token;
    void this.subscription?.close();
    this.wakeSleepers();
    const loop: Promise<void> = this.run(token).finally(() => this.loops.delete(loop));
    this.loops.add(loop);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleepers();
    await this.subscription?.close();
    await Promise.all([...this.loops]);
  }

  private async run(token: object): Promise<void> {
    let backoff = BACKOFF_FIRST_MS;
    const current = () => !this.stopped && this.token === token && this.live().length > 0;
    while (current()) {
      let lastError = 'the subscription ended';
      let subscription: Subscription | null = null;
      try {
        subscription = this.store.subscribe({ fromPosition: lowest(this.live()) ?? 'start' });
        this.subscription = subscription;
        await consumeInBatches(subscription, this.options.batchSize, (events) => {
          if (this.token !== token) return false;
          const more = this.commit(events);
          backoff = BACKOFF_FIRST_MS;
          for (const slot of this.live()) slot.resubscribing = null;
          return more;
        }, this.options.batchIntervalMs);
      } catch (error) {
        lastError = messageOf(error);
      } finally {
        if (this.subscription === subscription) this.subscription = null;
        await subscription?.close().catch(() => undefined);
      }
      if (!current()) return;
      const live = this.live();
      const retryAt = Date.now() + backoff;
      for (const slot of live) slot.resubscribing = { attempt: (slot.resubscribing?.attempt ?? 0) + 1, lastError, retryAt };
      const names = live.map((slot) => slot.entry.name).join(', ');
      this.options.error(`projections ${names}: ${lastError}; subscribing again from ${lowest(live) ?? 'the start'} in ${backoff} ms`);
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    }
  }

  /** One batch, one transaction, every projection; false once no projection is left to feed. */
  private commit(batch: readonly RecordedEvent[]): boolean {
    const work: Array<{ slot: LiveSlot; events: readonly RecordedEvent[] }> = [];
    for (const slot of this.live()) {
      const checkpoint = slot.entry.position;
      // A rebuild that swapped in may be ahead of the batch: an applied event is never applied twice.
      const events = checkpoint === null ? batch : batch.filter((event) => event.position > checkpoint);
      if (events.length > 0) work.push({ slot, events });
    }
    if (work.length === 0) return true;
    const startedAt = Date.now();
    let outcomes: BatchOutcome[];
    try {
      // Nested in this transaction, each `applyBatch` transaction is a savepoint: a refusal rolls back its own part.
      outcomes = this.db.transaction(() => work.map(({ slot, events }) => this.apply(slot, events)))();
    } catch (error) {
      // The batch's commit itself failed: none of it is in, so no writer may keep what it flushed.
      for (const { slot } of work) slot.writer.discard();
      throw error;
    }
    const now = Date.now();
    work.forEach(({ slot, events }, i) => this.settle(slot, events, outcomes[i]!, now));
    this.options.committed?.({ startedAt, endedAt: now, events: batch, projections: work.map(({ slot }) => slot.entry.name) });
    return this.live().length > 0;
  }

  /** Inside the batch's transaction: one projection's events and checkpoint, or its halt, persisted. */
  private apply(slot: LiveSlot, events: readonly RecordedEvent[]): BatchOutcome {
    const name = slot.entry.name;
    const failure = slot.entry.error;
    const outcome = applyBatch(this.db, slot.writer, events, (position, count) => {
      this.catalog.advanceTo(name, position, count);
      if (failure && position >= failure.position) this.catalog.markFailed(name, null);
    });
    if (outcome.poison) this.catalog.markFailed(name, { position: outcome.poison.event.position, message: outcome.poison.message });
    return outcome;
  }

  /** After the commit: the in-memory state follows what is now on disk. */
  private settle(slot: LiveSlot, events: readonly RecordedEvent[], outcome: BatchOutcome, now: number): void {
    const name = slot.entry.name;
    const failure = slot.entry.error;
    if (outcome.last !== null) {
      slot.entry = { ...slot.entry, position: outcome.last, applied: slot.entry.applied + outcome.applied };
      if (failure && outcome.last >= failure.position) slot.entry = { ...slot.entry, status: 'live', error: null };
      slot.waiters.reached(outcome.last);
      // Only events recorded while this runner was up: catching up on old history is not live lag.
      const startedAt = this.options.startedAt();
      for (let i = 0; i < outcome.applied; i++) {
        const recordedAt = events[i]!.recordedAt.getTime();
        if (recordedAt >= startedAt) slot.latency.record(recordedAt, now);
      }
    }
    if (!outcome.poison) {
      if (outcome.last !== null) this.options.changed(slot);
      return;
    }
    const { event, message } = outcome.poison;
    slot.entry = { ...slot.entry, status: 'failed', error: { position: event.position, message } };
    slot.halted = true;
    this.options.error(`projection ${name} halted at position ${event.position} (type ${event.type}, stream ${event.streamId}, event ${event.eventId}): ${message}`);
    slot.waiters.refuseAll(`the ${name} projection is halted at a refused event`);
    this.options.changed(slot);
  }

  private live(): LiveSlot[] {
    return this.slots.filter((slot) => !slot.halted);
  }

  private wakeSleepers(): void {
    for (const wake of this.sleeps) wake();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeps.add(wake);
    });
  }
}

/** The checkpoint to subscribe from: null (the start) when any projection has applied nothing yet. */
function lowest(slots: readonly LiveSlot[]): bigint | null {
  let min: bigint | null = null;
  for (const slot of slots) {
    const position = slot.entry.position;
    if (position === null) return null;
    if (min === null || position < min) min = position;
  }
  return min;
}
