import type { CatalogEntry } from './projection-catalog.js';
import type { Lag } from './projection-lag.js';
import type { RebuildJob } from './projection-rebuild.js';

/** One projection as `GET /api/admin/projections` shows it (positions as strings of digits). */
export interface ProjectionStatus {
  name: string;
  /**
   * `rebuilding` also while the serving generation is built from nothing (a new projection, or a new version of one):
   * `rebuild` then shows that build's progress, and reads wait for it.
   */
  status: 'live' | 'rebuilding' | 'failed';
  /** Last event applied to the serving generation. */
  position: string | null;
  /** Events the serving generation is behind the store. */
  lag: number;
  /** True when `lag` stopped counting at its cap: the projection is at least that far behind. */
  lagIsLowerBound: boolean;
  version: number;
  /** The generation whose tables serve reads. */
  generation: number;
  /** Events the serving generation has applied since it was created. */
  applied: number;
  rebuild: RebuildStatus | null;
  error: { position: string; message: string } | null;
  /** Set while the runner waits to subscribe again after the store failed or ended the subscription. */
  resubscribing: { attempt: number; lastError: string; retryInMs: number } | null;
  /** The last rebuild this process abandoned because the projection refused an event. */
  lastRebuildError: { position: string; message: string } | null;
  /** Milliseconds from an event's `recordedAt` to its commit here, over the last 16,384 events applied live. */
  applyLatencyMs: { samples: number; p50: number; p99: number; max: number } | null;
}

export interface RebuildStatus {
  generation: number;
  done: number;
  /** Events to replay in all: the serving generation's count plus its lag; a lower bound while the lag is one. */
  total: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
}

/** What the runner knows of one projection, as the admin API and health show it. */
export function toProjectionStatus(state: {
  entry: CatalogEntry;
  job: RebuildJob | null;
  lag: Lag;
  resubscribing: { attempt: number; lastError: string; retryAt: number } | null;
  lastRebuildError: { position: bigint; message: string } | null;
  latency: ProjectionStatus['applyLatencyMs'];
  /** Set while this process builds the serving generation from nothing: when, and from how many events, it began. */
  building?: { startedAt: number; appliedAtStart: number } | null;
}): ProjectionStatus {
  const { entry, job, lag, resubscribing, lastRebuildError, building } = state;
  return {
    name: entry.name,
    status: job || (entry.building && entry.status === 'live') ? 'rebuilding' : entry.status,
    position: entry.position?.toString() ?? null,
    lag: lag.events,
    lagIsLowerBound: lag.lowerBound,
    version: entry.version,
    generation: entry.generation,
    applied: entry.applied,
    rebuild: job ? rebuildStatus(job, entry.applied + lag.events, lag.lowerBound) : building && entry.status === 'live' ? buildStatus(entry, building, lag) : null,
    error: entry.error ? { position: entry.error.position.toString(), message: entry.error.message } : null,
    resubscribing: resubscribing ? { attempt: resubscribing.attempt, lastError: resubscribing.lastError, retryInMs: Math.max(0, resubscribing.retryAt - Date.now()) } : null,
    lastRebuildError: lastRebuildError ? { position: lastRebuildError.position.toString(), message: lastRebuildError.message } : null,
    applyLatencyMs: state.latency,
  };
}

/**
 * `servingEvents`: what the serving generation holds plus its lag, i.e. the log's length as far as it is known. While
 * the lag is a lower bound (it stops counting at its cap) so is the total, and there is no estimate of the time left.
 */
function rebuildStatus(job: RebuildJob, servingEvents: number, lagIsLowerBound: boolean): RebuildStatus {
  const rate = job.rate();
  const total = Math.max(job.applied, servingEvents);
  const eta = rate > 0 && !lagIsLowerBound ? Math.ceil((total - job.applied) / rate) : null;
  return { generation: job.generation, done: job.applied, total, eventsPerSecond: Math.round(rate), etaSeconds: eta };
}

/** The progress of a serving generation built from nothing by the live subscription; the same caveat on a capped lag. */
function buildStatus(entry: CatalogEntry, building: { startedAt: number; appliedAtStart: number }, lag: Lag): RebuildStatus {
  const seconds = (Date.now() - building.startedAt) / 1000;
  const rate = seconds > 0 ? (entry.applied - building.appliedAtStart) / seconds : 0;
  return {
    generation: entry.generation,
    done: entry.applied,
    total: entry.applied + lag.events,
    eventsPerSecond: Math.round(rate),
    etaSeconds: rate > 0 && !lag.lowerBound ? Math.ceil(lag.events / rate) : null,
  };
}
