import { Counter, Gauge } from 'prom-client';
import type { FeedHub } from '../feed/feed-hub.js';
import type { DocketMetrics } from '../observability/metrics.js';
import type { ProjectionControl } from '../projections/engine/projection.js';
import type { ReadModelLease } from '../projections/engine/read-model-lease.js';

/**
 * The metrics that are a state rather than a count kept on the request path: each projection's position, lag, status,
 * apply latency and rebuild progress; the feed's connections and events delivered; the read models' lease. Read from
 * their owners when Prometheus scrapes, so the hot paths do not pay for them.
 */
export function registerStateCollectors(metrics: DocketMetrics, projections: ProjectionControl, feed: FeedHub, lease: ReadModelLease): void {
  const registers = [metrics.registry];
  // One read of the projections' statuses per scrape, shared by the gauges below.
  let statuses: ReturnType<ProjectionControl['statuses']> | null = null;
  const current = () => (statuses ??= projections.statuses().finally(() => setImmediate(() => (statuses = null))));

  new Gauge({
    name: 'docket_projection_position',
    help: 'Global position of the last event each projection applied to its serving read model.',
    labelNames: ['projection'] as const,
    registers,
    async collect() {
      this.reset();
      for (const status of await current()) if (status.position !== null) this.set({ projection: status.name }, Number(status.position));
    },
  });
  new Gauge({
    name: 'docket_projection_lag_events',
    help: 'Events each projection is behind the store (a lower bound when docket_projection_lag_capped is 1).',
    labelNames: ['projection'] as const,
    registers,
    async collect() {
      this.reset();
      for (const status of await current()) this.set({ projection: status.name }, status.lag);
    },
  });
  new Gauge({
    name: 'docket_projection_lag_capped',
    help: '1 when the lag stopped counting at its cap: the projection is at least that far behind.',
    labelNames: ['projection'] as const,
    registers,
    async collect() {
      this.reset();
      for (const status of await current()) this.set({ projection: status.name }, status.lagIsLowerBound ? 1 : 0);
    },
  });
  new Gauge({
    name: 'docket_projection_status',
    help: 'Each projection\'s status: 1 for the one it is in (live, rebuilding, failed), 0 for the others. A halted one has docket_projection_halted 1.',
    labelNames: ['projection', 'status'] as const,
    registers,
    async collect() {
      this.reset();
      for (const status of await current()) for (const state of ['live', 'rebuilding', 'failed']) this.set({ projection: status.name, status: state }, status.status === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'docket_projection_halted',
    help: '1 when a projection stopped at an event it refused (see GET /api/admin/projections).',
    labelNames: ['projection'] as const,
    registers,
    async collect() {
      this.reset();
      for (const status of await current()) this.set({ projection: status.name }, status.error ? 1 : 0);
    },
  });
  new Gauge({
    name: 'docket_projection_apply_latency_seconds',
    help: "Time from an event's recording to its commit in each projection, over its last 16,384 live events (p50, p99, max).",
    labelNames: ['projection', 'quantile'] as const,
    registers,
    async collect() {
      this.reset();
      for (const status of await current()) {
        const latency = status.applyLatencyMs;
        if (!latency) continue;
        this.set({ projection: status.name, quantile: '0.5' }, latency.p50 / 1000);
        this.set({ projection: status.name, quantile: '0.99' }, latency.p99 / 1000);
        this.set({ projection: status.name, quantile: '1' }, latency.max / 1000);
      }
    },
  });
  new Gauge({
    name: 'docket_projection_rebuild_events',
    help: 'A running rebuild (or first build) of a projection: events done and in all.',
    labelNames: ['projection', 'kind'] as const,
    registers,
    async collect() {
      this.reset();
      for (const status of await current()) {
        if (!status.rebuild) continue;
        this.set({ projection: status.name, kind: 'done' }, status.rebuild.done);
        this.set({ projection: status.name, kind: 'total' }, status.rebuild.total);
      }
    },
  });
  new Gauge({
    name: 'docket_feed_connections',
    help: "The feed's open connections, and of them those caught up and waiting for the next event.",
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.set({ state: 'open' }, feed.openConnections);
      this.set({ state: 'waiting' }, feed.waitingConnections);
    },
  });
  const ended = new Map<string, number>();
  new Counter({
    name: 'docket_feed_connections_ended_total',
    help: "The feed's connections that ended, by reason: client-gone, stalled (stopped reading), shutdown, store-failed.",
    labelNames: ['reason'] as const,
    registers,
    collect() {
      for (const [reason, count] of Object.entries(feed.ends)) {
        this.inc({ reason }, count - (ended.get(reason) ?? 0));
        ended.set(reason, count);
      }
    },
  });
  let delivered = 0;
  new Counter({
    name: 'docket_feed_events_delivered_total',
    help: "Events written to the feed's subscribers (an event sent to ten subscribers counts ten).",
    registers,
    collect() {
      this.inc(feed.delivered - delivered);
      delivered = feed.delivered;
    },
  });
  new Gauge({
    name: 'docket_read_models_lease_held',
    help: "1 while this process holds the read models' lease (it alone writes them); 0 once it found it lost.",
    registers,
    collect() {
      this.set(lease.isHeld ? 1 : 0);
    },
  });
}
