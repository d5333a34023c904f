import type { Database } from 'better-sqlite3';
import type { EventStore, RecordedEvent, Subscription } from '../event-store/event-store.port.js';
import { ProblemError } from '../http/problem.js';
import { ApplyLatency } from './apply-latency.js';
import { applyBatch, messageOf } from './projection-batch.js';
import { type CatalogEntry, ProjectionCatalog, tableSet } from './projection-catalog.js';
import { LagMeter } from './projection-lag.js';
import { RebuildJob } from './projection-rebuild.js';
import { notReady, PositionWaiters } from './position-waiters.js';
import { consumeInBatches } from './subscription-batches.js';
import { type ProjectionStatus, toProjectionStatus } from './projection-status.js';
import type { Projection, ProjectionWriter, ReadModelAccess, TableSet } from './projection.js';

export interface RunnerLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface RunnerOptions {
  /** Most events per live transaction; a batch also ends when no event is ready at once. */
  batchSize?: number;
  /** Events per rebuild transaction. */
  chunkSize?: number;
  /** Events per rebuild transaction of a projection whose `rebuildChunk` is `large`; `chunkSize` by default. */
  largeChunkSize?: number;
  lagCap?: number;
  logger?: RunnerLogger;
}

/** A projection as the runner drives it: the serving generation and the loops that feed it. */
interface Slot {
  projection: Projection;
  entry: CatalogEntry;
  tables: TableSet;
  writer: ProjectionWriter;
  waiters: PositionWaiters;
  /** Stopped at a refused event in this process; only a rebuild (or a restart) starts it again. */
  halted: boolean;
  subscription: Subscription | null;
  loop: Promise<void> | null;
  /** Identifies the current live loop, so a loop that outlives a halt and restart ends instead of running twice. */
  loopToken: object;
  resubscribing: { attempt: number; lastError: string; retryAt: number } | null;
  job: RebuildJob | null;
  lastRebuildError: { position: bigint; message: string } | null;
  latency: ApplyLatency;
}

const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5000;

/**
 * Feeds every projection from the event store: one subscription per projection from its checkpoint, events applied
 * in batches whose read-model changes and checkpoint commit in one transaction, resubscription with backoff, a
 * visible halt at a refused event, and rebuilds into a new generation that swap in without downtime.
 */
export class ProjectionRunner implements ReadModelAccess {
  private readonly slots = new Map<string, Slot>();
  private readonly catalog: ProjectionCatalog;
  private readonly lags: LagMeter;
  private readonly logger: RunnerLogger;
  private readonly batchSize: number;
  private readonly chunkSize: number;
  private readonly largeChunkSize: number;
  private started = false;
  private startedAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private readonly sleeps = new Set<() => void>();

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    projections: readonly Projection[],
    options: RunnerOptions = {},
  ) {
    this.catalog = new ProjectionCatalog(db);
    this.lags = new LagMeter(store, { cap: options.lagCap ?? 10_000 });
    this.logger = options.logger ?? { log: (m) => console.log(m), error: (m) => console.error(m) };
    this.batchSize = options.batchSize ?? 2000;
    this.chunkSize = options.chunkSize ?? 5000;
    this.largeChunkSize = options.largeChunkSize ?? this.chunkSize;
    // Reconciled at once, so the query side can name its tables before the first event is projected.
    for (const projection of projections) {
      if (this.slots.has(projection.name)) throw new Error(`two projections are named ${projection.name}`);
      const entry = this.catalog.reconcile(projection);
      const tables = tableSet(projection.name, entry.generation);
      this.slots.set(projection.name, {
        projection,
        entry,
        tables,
        writer: projection.openWriter(db, tables),
        waiters: new PositionWaiters(),
        halted: false,
        subscription: null,
        loop: null,
        loopToken: {},
        resubscribing: null,
        job: null,
        lastRebuildError: null,
        latency: new ApplyLatency(),
      });
    }
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  /** Subscribes every projection from its checkpoint and resumes the rebuilds a stop or crash cut short. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.startedAt = Date.now();
    for (const slot of this.slots.values()) {
      this.startLive(slot);
      const rebuild = slot.entry.rebuild;
      if (rebuild) this.startJob(slot, rebuild.generation, rebuild);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.sleeps) wake();
    const slots = [...this.slots.values()];
    await Promise.all(slots.map((slot) => slot.subscription?.close()));
    await Promise.all(slots.flatMap((slot) => [slot.loop, slot.job?.stop()]));
    for (const slot of slots) slot.waiters.refuseAll('the read models are shutting down');
  }

  // ReadModelAccess

  tables(name: string): TableSet {
    return this.slot(name).tables;
  }

  position(name: string): bigint | null {
    return this.slot(name).entry.position;
  }

  waitForPosition(name: string, position: bigint, timeoutMs = 5000): Promise<void> {
    const slot = this.slot(name);
    const current = slot.entry.position;
    if (current !== null && current >= position) return Promise.resolve();
    // Halted here, not merely failed in the catalog: at start-up the refused event is retried once before giving up.
    if (slot.halted) return Promise.reject(notReady(`the ${name} projection is halted at a refused event`));
    return slot.waiters.wait(position, timeoutMs, `the ${name} read model has not reached position ${position} within ${timeoutMs} ms`);
  }

  // Operations

  /** Starts a rebuild into a new generation; the serving one keeps answering until the swap. */
  rebuild(name: string): RebuildJob {
    const slot = this.slots.get(name);
    if (!slot) throw new ProblemError(404, 'PROJECTION_NOT_FOUND', `There is no projection named ${name}.`);
    if (slot.job) throw new ProblemError(409, 'REBUILD_IN_PROGRESS', `A rebuild of ${name} is running already.`);
    const generation = Math.max(slot.entry.generation, slot.entry.rebuild?.generation ?? 0) + 1;
    const rebuild = { generation, position: null, applied: 0, startedAt: Date.now() };
    const unfinished = slot.entry.rebuild;
    this.db.transaction(() => {
      // A rebuild left by a stopped process that this one has not resumed (the CLI does not start the live loops).
      if (unfinished) this.catalog.dropGeneration(name, unfinished.generation);
      // Bare tables: the job builds the indexes once the bulk load has reached the end of the log.
      slot.projection.createTables(this.db, tableSet(name, generation));
      this.catalog.put({ ...slot.entry, rebuild });
    })();
    slot.entry = { ...slot.entry, rebuild };
    slot.lastRebuildError = null;
    return this.startJob(slot, generation, rebuild);
  }

  async statuses(): Promise<ProjectionStatus[]> {
    return Promise.all([...this.slots.values()].map((slot) => this.status(slot)));
  }

  async status(slotOrName: Slot | string): Promise<ProjectionStatus> {
    const slot = typeof slotOrName === 'string' ? this.slot(slotOrName) : slotOrName;
    return toProjectionStatus({ ...slot, lag: await this.lags.lag(slot.entry.name, slot.entry.position), latency: slot.latency.summary() });
  }

  // The live loop

  private startLive(slot: Slot): void {
    if (this.stopped) return;
    slot.halted = false;
    const token = {};
    slot.loopToken = token;
    const loop = this.live(slot, token).finally(() => {
      if (slot.loop === loop) slot.loop = null;
    });
    slot.loop = loop;
  }

  private async live(slot: Slot, token: object): Promise<void> {
    let backoff = BACKOFF_FIRST_MS;
    const current = () => !this.stopped && !slot.halted && slot.loopToken === token;
    while (current()) {
      let lastError = 'the subscription ended';
      let subscription: Subscription | null = null;
      try {
        subscription = this.store.subscribe({ fromPosition: slot.entry.position ?? 'start' });
        slot.subscription = subscription;
        await consumeInBatches(subscription, this.batchSize, (events) => {
          if (!this.commit(slot, events)) return false;
          backoff = BACKOFF_FIRST_MS;
          slot.resubscribing = null;
          return true;
        });
      } catch (error) {
        lastError = messageOf(error);
      } finally {
        if (slot.subscription === subscription) slot.subscription = null;
        await subscription?.close().catch(() => undefined);
      }
      if (!current()) return;
      const attempt = (slot.resubscribing?.attempt ?? 0) + 1;
      slot.resubscribing = { attempt, lastError, retryAt: Date.now() + backoff };
      this.logger.error(`projection ${slot.entry.name}: ${lastError}; subscribing again from ${slot.entry.position ?? 'the start'} in ${backoff} ms`);
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    }
  }

  /** One batch in one transaction; false when the projection halted at a refused event. */
  private commit(slot: Slot, batch: RecordedEvent[]): boolean {
    const name = slot.entry.name;
    const checkpoint = slot.entry.position;
    // A rebuild that swapped in may be ahead of what the subscription delivers: an applied event is never applied twice.
    const events = checkpoint === null ? batch : batch.filter((event) => event.position > checkpoint);
    if (events.length === 0 || slot.halted) return !slot.halted;
    const failure = slot.entry.error;
    const outcome = applyBatch(this.db, slot.writer, events, (position, count) => {
      this.catalog.advanceTo(name, position, count);
      if (failure && position >= failure.position) this.catalog.markFailed(name, null);
    });
    if (outcome.last !== null) {
      slot.entry = { ...slot.entry, position: outcome.last, applied: slot.entry.applied + outcome.applied };
      if (failure && outcome.last >= failure.position) slot.entry = { ...slot.entry, status: 'live', error: null };
      if (slot.entry.position !== null) slot.waiters.reached(slot.entry.position);
      // Only events recorded while this runner was up: catching up on old history is not live lag.
      const now = Date.now();
      for (let i = 0; i < outcome.applied; i++) {
        const recordedAt = events[i]!.recordedAt.getTime();
        if (recordedAt >= this.startedAt) slot.latency.record(recordedAt, now);
      }
    }
    if (!outcome.poison) return true;
    const { event, message } = outcome.poison;
    const error = { position: event.position, message };
    this.catalog.markFailed(name, error);
    slot.entry = { ...slot.entry, status: 'failed', error };
    slot.halted = true;
    this.logger.error(`projection ${name} halted at position ${event.position} (type ${event.type}, stream ${event.streamId}, event ${event.eventId}): ${message}`);
    slot.waiters.refuseAll(`the ${name} projection is halted at a refused event`);
    void slot.subscription?.close();
    return false;
  }

  // Rebuilds

  private startJob(slot: Slot, generation: number, progress: { position: bigint | null; applied: number }): RebuildJob {
    const name = slot.entry.name;
    const job = new RebuildJob(
      this.db,
      this.catalog,
      this.store,
      slot.projection,
      generation,
      progress,
      {
        serving: () => slot.entry,
        swapped: (entry, tables, writer) => {
          slot.entry = entry;
          slot.tables = tables;
          slot.writer = writer;
          if (slot.entry.position !== null) slot.waiters.reached(slot.entry.position);
          if (slot.halted || !slot.loop) this.startLive(slot);
        },
        log: (message) => this.logger.log(message),
        error: (message) => this.logger.error(message),
      },
      { chunkSize: slot.projection.rebuildChunk === 'large' ? this.largeChunkSize : this.chunkSize },
    );
    slot.job = job;
    void job.done.finally(() => {
      slot.job = null;
      if (job.outcome === 'failed') {
        slot.entry = { ...slot.entry, rebuild: null };
        slot.lastRebuildError = job.failure ? { position: job.failure.event.position, message: job.failure.message } : null;
      }
    });
    this.logger.log(`rebuilding ${name} into generation ${generation}${progress.position !== null ? ` from position ${progress.position}` : ''}`);
    return job;
  }

  // Helpers

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`no projection is named ${name}`);
    return slot;
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
