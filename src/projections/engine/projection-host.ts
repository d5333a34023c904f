import type { Worker } from 'node:worker_threads';
import type { AppConfig } from '../../config/app-config.js';
import { CodedError } from '../../common/coded-error.js';
import { recordBatchSpan } from './batch-span.js';
import { tracingOn } from '../../common/tracing.js';
import { startWorker } from '../../threads/start-worker.js';
import { BuildWaiters, buildingDetail, notReady, PositionWaiters } from './position-waiters.js';
import { ProjectionNotFoundError } from './read-model-errors.js';
import { type ReadHindrances, readVerdict } from './read-gate.js';
import { tableSet } from './projection-catalog.js';
import type { ProjectionStatus } from './projection-status.js';
import { type ProjectionState, SharedPositions, type ToHost, type ToThread } from './projection-thread.protocol.js';
import type { ProjectionControl, TableSet } from './projection.js';

export interface HostLogger {
  log(message: string): void;
  error(message: string): void;
}

/** When a dead thread is started again: after `firstMs`, doubling up to `maxMs` while it keeps dying within `stableAfterMs` of each start. */
export interface RestartTimings {
  firstMs: number;
  maxMs: number;
  stableAfterMs: number;
}

const RESTART: RestartTimings = { firstMs: 1000, maxMs: 30_000, stableAfterMs: 60_000 };
const STOP_GRACE_MS = 10_000;
const CALL_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(value: ProjectionStatus[] | undefined): void;
  reject(error: Error): void;
}

/**
 * Runs the projections in a thread of their own and serves the HTTP thread's side of them. A decision's commit no
 * longer shares the event loop with projecting it: the HTTP thread answers requests while the projections' thread
 * applies events, each on its own core, with its own connections to the event store and the read models (SQLite's
 * WAL lets the HTTP thread read while the other writes).
 *
 * Positions and serving generations are shared memory (see `SharedPositions`); halts and retired generations come as
 * messages: a generation a rebuild swapped out is dropped only after this side has taken that message, so no read of
 * this side is still on it (a read is one synchronous query; an export looks the generation up again for each page).
 * Should the thread die, the HTTP thread keeps serving the read models as they stand, refuses the reads that wait,
 * and starts the thread again (after 1 s, doubling to 30 s while it keeps dying within a minute of each start).
 */
export class ProjectionHost implements ProjectionControl {
  private readonly index = new Map<string, number>();
  private readonly positions: SharedPositions;
  private readonly waiters: PositionWaiters[];
  private readonly buildWaiters: BuildWaiters[];
  private readonly states = new Map<string, ProjectionState>();
  private readonly pending = new Map<number, Pending>();
  private worker: Worker | null = null;
  private nextCall = 0;
  private started = false;
  private stopping = false;
  private restartDelay: number;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Brings the restart delay back to its first value once a restarted thread has kept running for a while. */
  private stableTimer: NodeJS.Timeout | null = null;
  private stopped: Promise<void> | null = null;
  private downSince: string | null = null;
  private lastStatuses: ProjectionStatus[] | null = null;
  /** Why the projections were stopped for good in this process (the read models' lease was lost), or null. */
  private suspended: string | null = null;
  /** Settles once the thread has stopped after a suspension; the same for every later call. */
  private suspension: Promise<void> | null = null;

  private constructor(
    private readonly config: AppConfig,
    readonly names: readonly string[],
    private readonly logger: HostLogger,
    private readonly restart: RestartTimings,
  ) {
    this.restartDelay = restart.firstMs;
    names.forEach((name, i) => this.index.set(name, i));
    this.positions = SharedPositions.create(names.length);
    this.waiters = names.map(() => new PositionWaiters());
    this.buildWaiters = names.map(() => new BuildWaiters());
  }

  /** Starts the thread and waits until it has reconciled the catalog: from then on every table set is known. */
  static async open(config: AppConfig, names: readonly string[], logger: HostLogger, restart: RestartTimings = RESTART): Promise<ProjectionHost> {
    const host = new ProjectionHost(config, names, logger, restart);
    await host.spawn();
    return host;
  }

  /** Starts the live subscription and the unfinished rebuilds in the thread. */
  start(): void {
    this.started = true;
    this.send({ kind: 'start' });
  }

  /** Stops the thread once it has finished its batch; every call gets the same promise. */
  stop(): Promise<void> {
    this.stopped ??= this.stopThread();
    return this.stopped;
  }

  private async stopThread(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.stableTimer) clearTimeout(this.stableTimer);
    const worker = this.worker;
    if (worker) {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // Held open until the thread is done, whatever else still runs.
      worker.ref();
      this.send({ kind: 'stop' });
      const timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    for (let i = 0; i < this.names.length; i++) this.refuseWaiting(i, 'the read models are shutting down');
  }

  /**
   * Stops the projections' thread for good: another process writes the read models now. Reads keep answering from
   * the read models as they stand; reads that wait, and health, say why. Resolves once the thread has stopped.
   */
  suspend(reason: string): Promise<void> {
    if (this.suspension) return this.suspension;
    this.suspended = reason;
    this.downSince = reason;
    for (const [i, name] of this.names.entries()) this.refuseWaiting(i, `the ${name} projection is stopped: ${reason}`);
    this.suspension = this.stop();
    return this.suspension;
  }

  // ReadModelAccess

  tables(name: string): TableSet {
    const generation = this.positions.generation(this.slot(name));
    if (generation === null) throw new Error(`the projections' thread has not named the generation of ${name}`);
    return tableSet(name, generation);
  }

  position(name: string): bigint | null {
    return this.positions.applied(this.slot(name));
  }

  waitUntilServing(name: string, timeoutMs = 5000): Promise<void> {
    const state = this.state(name);
    const verdict = readVerdict(name, !state.building, this.hindrances(state));
    if ('serve' in verdict) return Promise.resolve();
    if ('refuse' in verdict) return Promise.reject(notReady(verdict.refuse));
    const i = this.slot(name);
    return this.buildWaiters[i]!.wait(timeoutMs, () => buildingDetail(name, this.positions.applied(i)));
  }

  waitForPosition(name: string, position: bigint, timeoutMs = 5000): Promise<void> {
    const i = this.slot(name);
    const applied = this.positions.applied(i);
    const verdict = readVerdict(name, applied !== null && applied >= position, this.hindrances(this.state(name)));
    if ('serve' in verdict) return Promise.resolve();
    if ('refuse' in verdict) return Promise.reject(notReady(verdict.refuse));
    const waiting = this.waiters[i]!.wait(position, timeoutMs, `the ${name} read model has not reached position ${position} within ${timeoutMs} ms`);
    // Publishes what it waits for, and looks again: the thread may have committed it meanwhile.
    this.wake(i);
    return waiting.finally(() => this.publishWanted(i));
  }

  private hindrances(state: ProjectionState): ReadHindrances {
    return { halted: state.halted, stopped: this.suspended, restarting: this.downSince };
  }

  // Operations

  /**
   * The thread's statuses. While it restarts, is stopped, or does not answer: the last statuses it gave, each
   * `failed` with the reason, at the position it reached (health then says `degraded`, not 503).
   */
  async statuses(): Promise<ProjectionStatus[]> {
    if (this.worker && this.suspended === null) {
      try {
        this.lastStatuses = (await this.call({ method: 'statuses' })) as ProjectionStatus[];
        return this.lastStatuses;
      } catch (error) {
        if (!this.lastStatuses) throw error;
        return this.unavailable((error as Error).message);
      }
    }
    const reason = this.suspended !== null ? `the projections are stopped: ${this.suspended}` : `the projections are restarting (${this.downSince ?? 'stopped'})`;
    if (!this.lastStatuses) throw notReady(reason);
    return this.unavailable(reason);
  }

  private unavailable(message: string): ProjectionStatus[] {
    return this.lastStatuses!.map((status, i) => {
      const position = this.positions.applied(i)?.toString() ?? null;
      return { ...status, status: 'failed', position, rebuild: null, resubscribing: null, error: { position: position ?? '0', message } };
    });
  }

  async startRebuild(name: string): Promise<ProjectionStatus> {
    if (!this.index.has(name)) throw new ProjectionNotFoundError(name);
    return ((await this.call({ method: 'rebuild', name })) as ProjectionStatus[])[0]!;
  }

  // The thread

  private spawn(): Promise<void> {
    const worker = startWorker(import.meta.url, 'projection.worker', {
      workerData: { config: this.config, names: this.names, positions: this.positions.buffer, traceBatches: tracingOn() },
      // Its own name in a heap snapshot or a CPU profile.
      name: 'projections',
    });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: ToHost) => {
        if (message.kind === 'ready') {
          ready = true;
          // From here on the thread alone never holds the process open (an application whose start-up failed after
          // this must still end); the HTTP server does while it runs, and `stop` refs it until the thread is done.
          worker.unref();
          this.onReady(message.projections, message.statuses);
          resolve();
        } else this.receive(message);
      });
      worker.on('error', (error) => {
        if (!ready) reject(error);
        this.logger.error(`the projections' thread failed: ${error.stack ?? error.message}`);
      });
      worker.on('exit', (code) => {
        if (!ready) reject(new Error(`the projections' thread exited with code ${code} before it was ready`));
        // Once the host is open, a thread that dies (ready or still starting again) is started again.
        if (ready || this.states.size > 0) this.onExit(code);
      });
    });
  }

  private onReady(projections: ProjectionState[], statuses: ProjectionStatus[]): void {
    for (const state of projections) this.states.set(state.name, state);
    // Kept for the time the thread may be down: health still lists every projection then.
    this.lastStatuses = statuses;
    if (this.downSince !== null) {
      this.logger.log(`the projections' thread is running again`);
      this.downSince = null;
      if (this.started && !this.stopping) this.send({ kind: 'start' });
    }
    for (let i = 0; i < this.names.length; i++) this.publishWanted(i);
  }

  private receive(message: ToHost): void {
    switch (message.kind) {
      case 'advanced':
        for (let i = 0; i < this.names.length; i++) this.wake(i);
        return;
      case 'state': {
        const { state } = message;
        this.states.set(state.name, state);
        const i = this.slot(state.name);
        if (state.halted) this.refuseWaiting(i, `the ${state.name} projection is halted at a refused event`);
        else this.wake(i);
        if (!state.building) this.buildWaiters[i]!.served();
        return;
      }
      case 'retired':
        // The thread stored the new generation before it sent this: every read from here on is on the new one.
        return this.send({ kind: 'released', name: message.name, generation: message.generation });
      case 'log':
        return message.level === 'error' ? this.logger.error(message.message) : this.logger.log(message.message);
      case 'batch':
        return recordBatchSpan(message);
      case 'reply': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (!pending) return;
        if (message.refusal) pending.reject(new CodedError(message.refusal.code, message.refusal.kind, message.refusal.message, message.refusal.retryAfterSeconds));
        else if (message.error !== undefined) pending.reject(new Error(message.error));
        else pending.resolve(message.value);
        return;
      }
      case 'ready':
        return;
    }
  }

  private onExit(code: number): void {
    this.worker = null;
    if (this.stableTimer) clearTimeout(this.stableTimer);
    for (const pending of this.pending.values()) pending.reject(notReady(`the projections' thread stopped`));
    this.pending.clear();
    if (this.stopping) return;
    this.downSince = `its thread exited with code ${code} at ${new Date().toISOString()}`;
    for (const [i, name] of this.names.entries()) this.refuseWaiting(i, `the ${name} projection is restarting`);
    this.logger.error(`the projections' thread exited with code ${code}; starting it again in ${this.restartDelay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      // A start that fails ends in an exit too, which schedules the next attempt. The delay goes back to its first
      // value only once the thread has kept running: one that dies soon after each start waits longer each time.
      this.spawn().then(
        () => {
          this.stableTimer = setTimeout(() => {
            this.restartDelay = this.restart.firstMs;
            this.logger.log(`the projections' thread has kept running for ${this.restart.stableAfterMs} ms: a next restart waits ${this.restart.firstMs} ms again`);
          }, this.restart.stableAfterMs);
          this.stableTimer.unref();
        },
        (error: Error) => this.logger.error(`the projections' thread could not start: ${error.message}`),
      );
    }, this.restartDelay);
    this.restartDelay = Math.min(this.restartDelay * 2, this.restart.maxMs);
  }

  private call(request: { method: 'statuses' } | { method: 'rebuild'; name: string }): Promise<ProjectionStatus[] | undefined> {
    if (this.suspended !== null) return Promise.reject(notReady(`the projections are stopped: ${this.suspended}`));
    if (!this.worker) return Promise.reject(notReady(`the projections are restarting (${this.downSince ?? 'stopped'})`));
    const id = this.nextCall++;
    return new Promise((resolve, reject) => {
      // A thread stuck in one long transaction answers late; health and the admin API must not hang on it.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(notReady(`the projections' thread did not answer within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.send({ kind: 'call', id, ...request } as ToThread);
    });
  }

  private send(message: ToThread): void {
    this.worker?.postMessage(message);
  }

  /**
   * Resolves the waiters of projection `i` that its applied position has reached, and publishes what the rest wait
   * for. The thread may commit past that between the look and the publication (and then sees nothing to tell), so
   * look again until the publication stands.
   */
  /** Refuses every read waiting on projection `i`, for a position or for its build, with a 503 saying why. */
  private refuseWaiting(i: number, detail: string): void {
    this.waiters[i]!.refuseAll(detail);
    this.buildWaiters[i]!.refuseAll(detail);
  }

  private wake(i: number): void {
    for (;;) {
      const applied = this.positions.applied(i);
      if (applied !== null) this.waiters[i]!.reached(applied);
      this.publishWanted(i);
      const lowest = this.waiters[i]!.lowest();
      const now = this.positions.applied(i);
      if (lowest === null || now === null || now < lowest) return;
    }
  }

  private publishWanted(i: number): void {
    this.positions.setWanted(i, this.waiters[i]!.lowest());
  }

  private state(name: string): ProjectionState {
    const state = this.states.get(name);
    if (!state) throw new Error(`no projection is named ${name}`);
    return state;
  }

  private slot(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`no projection is named ${name}`);
    return i;
  }
}
