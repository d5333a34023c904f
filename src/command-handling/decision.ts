/** Who took a decision: the authenticated subject and the role under which the route allowed it. */
export interface DecisionActor {
  id: string;
  role: string;
}

/** Everything about a decision that is not the decision itself: it becomes the events' metadata. */
export interface DecisionContext {
  actor: DecisionActor;
  reason: string;
  legalBasis?: string;
  /** RFC 3339 with an offset; the decision's effective time (`occurredAt`). Default: now. */
  effectiveAt?: string;
  /** From `X-Correlation-Id` when the client sent one, else a fresh id. */
  correlationId: string;
  /** The event or message that caused this decision, when there is one. */
  causationId?: string;
  /** From `If-Match: "<revision>"`: the decision is taken only if the programme is still at that revision. */
  ifMatchRevision?: number;
  /** From `Idempotency-Key`, with the request's fingerprint (method, path and body). */
  idempotency?: { key: string; fingerprint: string };
  /** The W3C trace context of the decision when it is traced: kept in its events' metadata for the feed's subscribers. */
  traceparent?: string;
}

/** What a decision answers: 201 when it was taken now, 200 when an idempotent retry replays the first answer. */
export interface DecisionOutcome {
  replayed: boolean;
  /** The stream's revision and the global position of the last event the decision recorded. */
  revision: number;
  position: string;
  events: Array<{ type: string; revision: number; position: string }>;
}
