import type { JsonObject } from '../common/json.js';
import { currentSchemaVersion } from '../program/program.upcasters.js';
import type { DecisionContext } from './decide-on-program.command.js';

/**
 * The metadata every decision's events carry. `recordedAt` is not here: the store stamps it on the envelope.
 * `schemaVersion` is the current version of the event's type (see program.upcasters.ts), so readers can upcast the
 * older shapes; more keys (hash chain, signatures) join here.
 */
export function eventMetadata(context: DecisionContext, commandId: string, occurredAt: string, type: string): JsonObject {
  return {
    schemaVersion: currentSchemaVersion(type),
    actor: { id: context.actor.id, role: context.actor.role },
    reason: context.reason,
    legalBasis: context.legalBasis ?? null,
    commandId,
    correlationId: context.correlationId,
    causationId: context.causationId ?? commandId,
    idempotencyKey: context.idempotency?.key ?? null,
    ...(context.idempotency ? { requestFingerprint: context.idempotency.fingerprint } : {}),
    occurredAt,
  };
}
