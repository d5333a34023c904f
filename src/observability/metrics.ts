import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds: from a sub-millisecond decision on a cached state to a decision that waited out store outages. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Docket's Prometheus metrics, in a registry of the application's own (two applications in one process, as in the
 * tests, do not share counters). The request path fills the counters here; what is a state rather than a count
 * (projections, feed connections, the read models' lease) is read when scraped (see `health/metrics.collectors.ts`).
 */
export class DocketMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'docket_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpSeconds = new Histogram({
    name: 'docket_http_request_duration_seconds',
    help: 'Time from the request to its answer, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly problems = new Counter({
    name: 'docket_http_problems_total',
    help: 'problem+json answers, by status and code (every refusal: validation, authentication, rules, conflicts).',
    labelNames: ['status', 'code'] as const,
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'docket_decisions_total',
    help: 'Decisions asked for, by command and outcome: recorded (201), replayed (200, an idempotent retry), refused (4xx/5xx).',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly refusals = new Counter({
    name: 'docket_decision_refusals_total',
    help: 'Decisions refused, by command and problem code (FINALIST_SLOTS_FULL, REVISION_MISMATCH, VALIDATION_FAILED, ...).',
    labelNames: ['command', 'code'] as const,
    registers: [this.registry],
  });
  readonly decisionSeconds = new Histogram({
    name: 'docket_decision_duration_seconds',
    help: 'Time from the decision request to its answer, by command and outcome.',
    labelNames: ['command', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly conflicts = new Counter({
    name: 'docket_revision_conflicts_total',
    help: "Appends refused for their expected revision: another writer (process) appended to the programme first.",
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'docket_decision_retries_total',
    help: 'Decisions taken again after a conflict (on the state re-read) or an append retried after the store was unavailable, by cause.',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });
  readonly appendSeconds = new Histogram({
    name: 'docket_event_store_append_duration_seconds',
    help: 'Appends to the event store, by outcome (ok, conflict, unavailable, error).',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly appendErrors = new Counter({
    name: 'docket_event_store_append_errors_total',
    help: 'Appends that failed, by kind: conflict (expected revision), unavailable (store out of reach), error (anything else).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    // Node's own: CPU, memory, heap spaces, event-loop lag, GC, handles, open files.
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }
}
