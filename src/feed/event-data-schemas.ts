import { COMPLIANCE_VERDICTS, COMPONENT_ORIGINS, ELIMINATION_GROUNDS, PROGRAM_EVENT_TYPES, type ProgramEventType, WEIGHT_INITIALISATIONS } from '../program/program.events.js';
import { currentSchemaVersion } from '../program/program.upcasters.js';

/**
 * The published contract of each event type's `data`, as JSON Schema (draft 2020-12), per schema version. These are
 * what subscribers code against, so they say exactly what the deciders write (src/program/*.decide.ts) and nothing
 * looser: an unknown field is refused, so a change to an event cannot slip out without a new version here.
 */
export type JsonSchema = { [key: string]: unknown };

const slug = (minLength: number): JsonSchema => ({ type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength, maxLength: 64 });
const teamId = slug(2);
const text: JsonSchema = { type: 'string', minLength: 1, maxLength: 2000 };
const round: JsonSchema = { type: 'integer', minimum: 1, maximum: 100 };
const slots: JsonSchema = { type: 'integer', minimum: 1, maximum: 1000 };
const points: JsonSchema = { type: 'number', minimum: 0, description: 'At most two decimals.' };
const teamIds: JsonSchema = { type: 'array', items: teamId };

function object(properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties), extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false, ...extra };
}

const teamEliminatedV1Properties = {
  teamId,
  stage: {
    description: '"screening" before the first round opened, else the number of the latest round opened.',
    oneOf: [{ const: 'screening' }, round],
  },
  grounds: { enum: [...ELIMINATION_GROUNDS] },
  ruleId: { ...slug(2), description: 'With `rule-violation` grounds only: the rule broken.' },
};
const ruleIdExactlyWithRuleViolation: JsonSchema = {
  if: { properties: { grounds: { const: 'rule-violation' } } },
  then: { required: ['ruleId'] },
  else: { not: { required: ['ruleId'] } },
};

/** `DATA_SCHEMAS[type][version]`: every version ever published of every type stays here, for old consumers. */
export const DATA_SCHEMAS = {
  ProgramLaunched: {
    1: object({
      programId: slug(3),
      title: text,
      ministry: text,
      finalistSlots: slots,
      winnerSlots: slots,
      rules: { type: 'array', items: object({ ruleId: slug(2), text }) },
    }),
  },
  ApplicationSubmitted: {
    1: object(
      {
        teamId,
        consortiumName: text,
        leadOrganization: text,
        members: { type: 'array', items: text, minItems: 1, maxItems: 50 },
        modelDeclaration: object({
          components: {
            type: 'array',
            minItems: 1,
            items: object(
              { name: text, origin: { enum: [...COMPONENT_ORIGINS] }, weights: { enum: [...WEIGHT_INITIALISATIONS] }, source: text },
              ['name', 'origin', 'weights'],
            ),
          },
        }),
      },
      ['teamId', 'consortiumName', 'leadOrganization', 'members'],
    ),
  },
  ApplicationsClosed: { 1: object({ applicantCount: { type: 'integer', minimum: 0 } }) },
  FinalistSelected: { 1: object({ teamId }) },
  EvaluationRoundOpened: {
    1: object({
      round,
      title: text,
      scorecard: { type: 'array', minItems: 1, maxItems: 20, items: object({ criterion: slug(2), maxPoints: { type: 'integer', minimum: 1, maximum: 1000 } }) },
    }),
  },
  ScoreRecorded: { 1: object({ round, teamId, criterion: slug(2), points }) },
  ScoreCorrected: { 1: object({ round, teamId, criterion: slug(2), previousPoints: points, points }) },
  EvaluationRoundClosed: {
    1: object({
      round,
      results: {
        type: 'array',
        description: 'The ranking as published: totals to two decimals, equal totals share a rank (1, 2, 2, 4).',
        items: object({ teamId, total: points, rank: { type: 'integer', minimum: 1 } }),
      },
    }),
  },
  EligibilityRuleClarified: { 1: object({ ruleId: slug(2), text }) },
  ComplianceFindingRecorded: { 1: object({ teamId, ruleId: slug(2), verdict: { enum: [...COMPLIANCE_VERDICTS] }, findings: text }) },
  TeamEliminated: {
    1: object(teamEliminatedV1Properties, ['teamId', 'stage', 'grounds'], ruleIdExactlyWithRuleViolation),
    2: object(
      {
        ...teamEliminatedV1Properties,
        round: {
          ...round,
          description:
            'With `ranking` grounds only: the closed round whose ranking decided (`stage` is the latest round opened, which ' +
            'may be a later one). Recorded since version 2. An event recorded as version 1 is upcast: at stage 1 the round ' +
            'can only have been 1 and is filled in; at a later stage it is not known and stays absent.',
        },
      },
      ['teamId', 'stage', 'grounds'],
      {
        allOf: [
          ruleIdExactlyWithRuleViolation,
          { if: { properties: { grounds: { const: 'ranking' } } }, then: {}, else: { not: { required: ['round'] } } },
        ],
      },
    ),
  },
  TeamWithdrew: { 1: object({ teamId, statement: text }) },
  WildcardOpened: { 1: object({ slots, closesAt: { type: 'string', format: 'date-time' } }) },
  WildcardApplicationSubmitted: { 1: object({ teamId }) },
  WildcardClosed: { 1: object({ admitted: teamIds }) },
  WinnerSelected: { 1: object({ teamId }) },
  ProgramConcluded: { 1: object({ winners: teamIds }) },
} as const satisfies Record<ProgramEventType, Record<number, JsonSchema>>;


/** The URI naming the schema of one version of a type: the CloudEvent's `dataschema`, and that schema's `$id`. */
export function dataSchemaUri(type: string, version: number): string {
  return `urn:docket:event-schema:${type}:${version}`;
}

/** Fails at start-up (and in the tests) if a type's current version has no published schema. */
export function checkSchemasCoverCurrentVersions(): void {
  for (const type of PROGRAM_EVENT_TYPES) {
    const versions = DATA_SCHEMAS[type] as Record<number, JsonSchema>;
    if (!versions[currentSchemaVersion(type)]) throw new Error(`${type} is at schema version ${currentSchemaVersion(type)}, which has no published schema`);
  }
}
