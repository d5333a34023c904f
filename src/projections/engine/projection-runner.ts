import type { CommittedBatch } from './live-subscription.js';
import type { Database } from 'better-sqlite3';
import type { EventStore } from '../../event-store/event-store.port.js';
import { ApplyLatency } from './apply-latency.js';
import { LiveSubscription, type LiveSlot } from './live-subscription.js';
import { ProjectionCatalog, tableSet } from './projection-catalog.js';
import { type Lag, LagMeter } from './projection-lag.js';
import { RebuildJob } from './projection-rebuild.js';
import { BuildWaiters, buildingDetail, notReady, PositionWaiters } from './position-waiters.js';
import { ProjectionNotFoundError, RebuildInProgressError } from './read-model-errors.js';
import { readVerdict } from './read-gate.js';
import { type ProjectionStatus, toProjectionStatus } from './projection-status.js';
import type { Projection, ProjectionControl, ProjectionWriter, TableSet } from './projection.js';

export interface RunnerLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface RunnerOptions {
  /** Most events per live transaction; a batch also ends when no event is ready at once. */
  batchSize?: number;
  /** Least time between the starts of two live transactions (default 0: each as soon as it can). */
  batchIntervalMs?: number;
  /** Events per rebuild transaction. */
  chunkSize?: number;
  /** Events per rebuild transaction of a projection whose `rebuildChunk` is `large`; `chunkSize` by default. */
  largeChunkSize?: number;
  lagCap?: number;
  logger?: RunnerLogger;
  /**
   * Told after a projection's state changed: it applied events, halted, or a rebuild swapped in (see `tables`,
   * `position`, `isHalted`). For a host whose readers live elsewhere, e.g. in another thread.
   */
  changed?: (name: string) => void;
  /**
   * A rebuild swapped a new generation in, and `generation`'s tables serve no more: `drop` drops them. By default
   * at once; a host whose readers live in another thread drops them once those readers have moved on.
   */
  retire?: (name: string, generation: number, drop: () => void) => void;
  /** Told of each live batch once committed (the projections' thread traces them). */
  committed?: (batch: CommittedBatch) => void;
}

/** A projection as the runner drives it: the serving generation, what the live subscription keeps of it, and its rebuild. */
interface Slot extends LiveSlot {
  projection: Projection;
  tables: TableSet;
  job: RebuildJob | null;
  lastRebuildError: { position: bigint; message: string } | null;
  /** While `entry.building`: what the build must reach and who waits for it (see `waitUntilServing`). */
  build: Build | null;
}

/** A generation built from nothing, by the live subscription, from the start of the log. */
interface Build {
  /** The log's head when this runner started it; null for an empty log; undefined until the store has answered. */
  target: bigint | null | undefined;
  startedAt: number;
  appliedAtStart: number;
  waiters: BuildWaiters;
  /** Its target is reached and its indexes are being built. */
  finishing: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Feeds every projection from the event store: one live subscription (see `LiveSubscription`: one subscription, one transaction per
 * batch for all projections, resubscription with backoff, a visible halt at a refused event), and rebuilds into a
 * new generation that swap in without downtime.
 */
export class ProjectionRunner implements ProjectionControl {
  private readonly slots = new Map<string, Slot>();
  private readonly catalog: ProjectionCatalog;
  private readonly lags: LagMeter;
  private readonly logger: RunnerLogger;
  private readonly chunkSize: number;
  private readonly largeChunkSize: number;
  private readonly live: LiveSubscription;
  private readonly changed: (name: string) => void;
  private readonly retire: NonNullable<RunnerOptions['retire']>;
  private started = false;
  private stopping = false;
  private startedAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    projections: readonly Projection[],
    options: RunnerOptions = {},
  ) {
    this.catalog = new ProjectionCatalog(db);
    this.lags = new LagMeter(store, { cap: options.lagCap ?? 10_000 });
    this.logger = options.logger ?? { log: (m) => console.log(m), error: (m) => console.error(m) };
    this.chunkSize = options.chunkSize ?? 5000;
    this.largeChunkSize = options.largeChunkSize ?? this.chunkSize;
    this.changed = options.changed ?? (() => undefined);
    this.retire = options.retire ?? ((_name, _generation, drop) => drop());
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
        resubscribing: null,
        job: null,
        lastRebuildError: null,
        build: entry.building ? { target: undefined, startedAt: Date.now(), appliedAtStart: entry.applied, waiters: new BuildWaiters(), finishing: false } : null,
        latency: new ApplyLatency(),
      });
    }
    this.live = new LiveSubscription(db, store, this.catalog, [...this.slots.values()], {
      batchSize: options.batchSize ?? 2000,
      batchIntervalMs: options.batchIntervalMs ?? 0,
      startedAt: () => this.startedAt,
      changed: (slot) => {
        if (slot.halted) this.refuseBuildWaiters(slot as Slot, `the ${slot.entry.name} projection is halted at a refused event`);
        this.checkBuilt(slot as Slot);
        this.changed(slot.entry.name);
      },
      ...(options.committed ? { committed: options.committed } : {}),
      log: (message) => this.logger.log(message),
      error: (message) => this.logger.error(message),
    });
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  /** Starts the live subscription from the lowest checkpoint and resumes the rebuilds a stop or crash cut short. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.startedAt = Date.now();
    this.live.start();
    for (const slot of this.slots.values()) {
      const rebuild = slot.entry.rebuild;
      if (rebuild) this.startJob(slot, rebuild.generation, rebuild);
    }
    void this.setBuildTargets();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const slots = [...this.slots.values()];
    for (const slot of slots) this.refuseBuildWaiters(slot, 'the read models are shutting down');
    await Promise.all([this.live.stop(), ...slots.map((slot) => slot.job?.stop())]);
    for (const slot of slots) slot.waiters.refuseAll('the read models are shutting down');
  }

  // ReadModelAccess

  tables(name: string): TableSet {
    return this.slot(name).tables;
  }

  position(name: string): bigint | null {
    return this.slot(name).entry.position;
  }

  /** The generation whose tables serve reads (see `tables`). */
  generation(name: string): number {
    return this.slot(name).entry.generation;
  }

  /** Stopped at a refused event in this process: reads that wait for a later position are refused at once. */
  isHalted(name: string): boolean {
    return this.slot(name).halted;
  }

  waitForPosition(name: string, position: bigint, timeoutMs = 5000): Promise<void> {
    const slot = this.slot(name);
    const current = slot.entry.position;
    // Halted here, not merely failed in the catalog: at start-up the refused event is retried once before giving up.
    const verdict = readVerdict(name, current !== null && current >= position, { halted: slot.halted });
    if ('serve' in verdict) return Promise.resolve();
    if ('refuse' in verdict) return Promise.reject(notReady(verdict.refuse));
    return slot.waiters.wait(position, timeoutMs, `the ${name} read model has not reached position ${position} within ${timeoutMs} ms`);
  }

  /** Whether the serving generation is still being built from nothing (see `CatalogEntry.building`). */
  isBuilding(name: string): boolean {
    return this.slot(name).entry.building;
  }

  /**
   * Resolves once the projection serves reads: at once, unless its generation is still being built from nothing
   * (a new projection, or a new version of one). Then it waits for the build, and after `timeoutMs` rejects with a
   * 503 `READ_MODEL_NOT_READY` saying how far the build is, rather than let a read answer from the start of the
   * history as if that were all of it.
   */
  waitUntilServing(name: string, timeoutMs = 5000): Promise<void> {
    const slot = this.slot(name);
    const build = slot.build;
    const verdict = readVerdict(name, !slot.entry.building || build === null, { halted: slot.halted });
    if ('serve' in verdict) return Promise.resolve();
    if ('refuse' in verdict) return Promise.reject(notReady(verdict.refuse));
    return build!.waiters.wait(timeoutMs, () => buildingDetail(name, slot.entry.position, build!.target));
  }

  // Operations

  /** Starts a rebuild into a new generation; the serving one keeps answering until the swap. */
  rebuild(name: string): RebuildJob {
    const slot = this.slots.get(name);
    if (!slot) throw new ProjectionNotFoundError(name);
    if (slot.job) throw new RebuildInProgressError(name);
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

  async startRebuild(name: string): Promise<ProjectionStatus> {
    this.rebuild(name);
    return this.status(name);
  }

  async statuses(): Promise<ProjectionStatus[]> {
    return Promise.all([...this.slots.values()].map((slot) => this.status(slot)));
  }

  /**
   * The statuses without asking the store anything: the lag is unknown (0, as a lower bound). For where waiting for
   * the store is not an option, e.g. a thread that is starting.
   */
  statusesNow(): ProjectionStatus[] {
    return [...this.slots.values()].map((slot) => this.statusOf(slot, { events: 0, lowerBound: true }));
  }

  async status(slotOrName: Slot | string): Promise<ProjectionStatus> {
    const slot = typeof slotOrName === 'string' ? this.slot(slotOrName) : slotOrName;
    // As it is now: the lag is counted from this position, and the feed may move the slot on while it is counted.
    const snapshot = { ...slot };
    return this.statusOf(snapshot, await this.lags.lag(snapshot.entry.position));
  }

  private statusOf(slot: Slot, lag: Lag): ProjectionStatus {
    const { build } = slot;
    // A build this process has not started (the CLI's offline runner never does) has no progress to show.
    const building = build && slot.entry.building && build.target !== undefined ? { startedAt: build.startedAt, appliedAtStart: build.appliedAtStart } : null;
    return toProjectionStatus({ ...slot, building, lag, latency: slot.latency.summary() });
  }

  // Builds from nothing

  /** Asks the store for its head once, for every generation being built: the position each build must reach. */
  private async setBuildTargets(): Promise<void> {
    const pending = () => [...this.slots.values()].filter((slot) => slot.entry.building && slot.build?.target === undefined);
    let backoff = 100;
    while (!this.stopping && pending().length > 0) {
      try {
        const head = await this.store.headPosition();
        for (const slot of pending()) {
          slot.build!.target = head;
          slot.build!.startedAt = Date.now();
          slot.build!.appliedAtStart = slot.entry.applied;
          this.logger.log(`building ${slot.entry.name} from the event log, up to position ${head ?? 'none (the log is empty)'}`);
          this.checkBuilt(slot);
        }
      } catch (error) {
        this.logger.error(`could not read the event store's head for the projections being built (${(error as Error).message}); retrying in ${backoff} ms`);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /**
   * Once a build has applied its target: its secondary indexes are built (it was loaded without them, which made the
   * build about a third faster), then the generation serves, and the reads that wait go ahead. Called after a batch
   * committed, so it never throws: should an index or the flag not be written (a busy or full disk), it tries again a
   * second later.
   */
  private checkBuilt(slot: Slot): void {
    const { build } = slot;
    if (!slot.entry.building || !build || build.target === undefined || build.finishing || this.stopping) return;
    if (build.target !== null && (slot.entry.position === null || slot.entry.position < build.target)) return;
    build.finishing = true;
    void this.finishBuild(slot, build);
  }

  private async finishBuild(slot: Slot, build: Build): Promise<void> {
    const name = slot.entry.name;
    const tables = slot.tables;
    try {
      const started = Date.now();
      for (const sql of slot.projection.indexes(tables)) {
        // One at a time, giving the feed a turn between them; `IF NOT EXISTS` makes a second attempt a no-op.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.stopping || slot.build !== build || slot.tables !== tables) return;
        this.db.exec(sql);
      }
      this.catalog.markBuilt(name);
      this.logger.log(`${name}: built the indexes of generation ${slot.entry.generation} in ${Date.now() - started} ms`);
    } catch (error) {
      this.logger.error(`${name} is built but could not be made to serve (${(error as Error).message}); trying again in 1 s`);
      build.finishing = false;
      setTimeout(() => this.checkBuilt(slot), 1000).unref();
      return;
    }
    slot.entry = { ...slot.entry, building: false };
    this.served(slot);
    this.logger.log(`${slot.entry.name} is built (${slot.entry.applied} events) and serves reads`);
    this.changed(slot.entry.name);
  }

  /** The serving generation is complete (built, or swapped in): the reads waiting for it go ahead. */
  private served(slot: Slot): void {
    slot.build?.waiters.served();
    slot.build = null;
  }

  private refuseBuildWaiters(slot: Slot, detail: string): void {
    slot.build?.waiters.refuseAll(detail);
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
        swapped: (entry, tables, writer, retired) => {
          slot.entry = entry;
          slot.tables = tables;
          slot.writer = writer;
          this.served(slot);
          if (slot.entry.position !== null) slot.waiters.reached(slot.entry.position);
          // A halted projection rejoins the feed, which may have moved past its checkpoint: the feed starts again
          // from the lowest one.
          if (slot.halted) {
            slot.halted = false;
            this.live.start();
          }
          this.changed(name);
          this.retire(name, retired, () => this.db.transaction(() => this.catalog.dropGeneration(name, retired))());
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
}
