import type { JsonObject } from '../common/json.js';
import type { DecisionContext } from './decision.js';

/**
 * The metadata every decision's events carry. `recordedAt` is not here: the store stamps it on the envelope.
 * `schemaVersion` is the current version of the event's type (the decider's), so readers can upcast the
 * older shapes; more keys (hash chain, signatures) join here.
 */
export function eventMetadata(context: DecisionContext, commandId: string, occurredAt: string, schemaVersion: number): JsonObject {
  return {
    schemaVersion,
    actor: { id: context.actor.id, role: context.actor.role },
    reason: context.reason,
    legalBasis: context.legalBasis ?? null,
    commandId,
    correlationId: context.correlationId,
    causationId: context.causationId ?? commandId,
    idempotencyKey: context.idempotency?.key ?? null,
    ...(context.idempotency ? { requestFingerprint: context.idempotency.fingerprint } : {}),
    occurredAt,
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
  };
}
