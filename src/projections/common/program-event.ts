import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { JsonObject, JsonValue } from '../../common/json.js';
import { isProgramEventType, type ProgramEvent } from '../../program/program.events.js';
import { programIdOfStream } from '../../program/program.stream.js';
import type { IsoTimes } from './iso-times.js';

/** A recorded event of a programme's stream, typed. */
export interface ProgramRecord {
  programId: string;
  event: ProgramEvent;
  recorded: RecordedEvent;
}

/**
 * The programme event a recorded event is, or null when it belongs to another stream (the read models are about
 * programmes only). An unknown type in a programme's stream throws: the code is older than the log, and a read model
 * that skipped it would silently be wrong.
 */
export function programRecordOf(recorded: RecordedEvent): ProgramRecord | null {
  const programId = programIdOfStream(recorded.streamId);
  if (programId === null) return null;
  if (!isProgramEventType(recorded.type)) throw new Error(`Unknown event type "${recorded.type}" in stream ${recorded.streamId}`);
  // The type is checked; the data's shape is the decider's, and upcast() made it current.
  const event = { type: recorded.type, data: recorded.data } as ProgramEvent;
  return { programId, event, recorded };
}

/** Every team an event names: its `teamId`, or a list (a round's results, a wild-card's admitted, the winners). */
export function teamsNamedBy(event: ProgramEvent): readonly string[] {
  switch (event.type) {
    case 'ApplicationSubmitted':
    case 'FinalistSelected':
    case 'ScoreRecorded':
    case 'ScoreCorrected':
    case 'ComplianceFindingRecorded':
    case 'TeamEliminated':
    case 'TeamWithdrew':
    case 'WildcardApplicationSubmitted':
    case 'WinnerSelected':
      return [event.data.teamId];
    case 'EvaluationRoundClosed':
      return unique(event.data.results.map((result) => result.teamId));
    case 'WildcardClosed':
      return unique(event.data.admitted);
    case 'ProgramConcluded':
      return unique(event.data.winners);
    case 'ProgramLaunched':
    case 'ApplicationsClosed':
    case 'EvaluationRoundOpened':
    case 'EligibilityRuleClarified':
    case 'WildcardOpened':
      return [];
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function unique(teamIds: readonly string[]): readonly string[] {
  return [...new Set(teamIds)];
}

export interface AuditActor {
  id: string | null;
  role: string | null;
}

/** The metadata an auditor reads, with every key present (null when the event did not carry it). */
export interface AuditMetadata {
  actor: AuditActor;
  reason: string | null;
  legalBasis: string | null;
  commandId: string | null;
  correlationId: string | null;
  causationId: string | null;
  idempotencyKey: string | null;
  occurredAt: string | null;
  recordedAt: string;
}

/** `times` formats `recordedAt`: the writer's own, so that consecutive events share the work (see `IsoTimes`). */
export function auditMetadataOf(recorded: RecordedEvent, times: IsoTimes): AuditMetadata {
  const m = recorded.metadata;
  const actor = isObject(m.actor) ? m.actor : {};
  return {
    actor: { id: text(actor.id), role: text(actor.role) },
    reason: text(m.reason),
    legalBasis: text(m.legalBasis),
    commandId: text(m.commandId),
    correlationId: text(m.correlationId),
    causationId: text(m.causationId),
    idempotencyKey: text(m.idempotencyKey),
    occurredAt: text(m.occurredAt),
    recordedAt: times.format(recorded.recordedAt),
  };
}

/** The effective time of an event: its `occurredAt`, or when it was recorded if it carries none. */
export function occurredAtMillis(recorded: RecordedEvent): number {
  const occurredAt = text(recorded.metadata.occurredAt);
  const millis = occurredAt === null ? Number.NaN : Date.parse(occurredAt);
  return Number.isNaN(millis) ? recorded.recordedAt.getTime() : millis;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}
