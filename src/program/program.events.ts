import type { JsonObject } from '../common/json.js';

/**
 * The facts of one programme, exactly as DOMAIN.md names them. Data is plain JSON (no Date, no undefined: an
 * optional field is left out) because it is appended to the store and served to subscribers as it is.
 */
export type ProgramEvent =
  | ProgramLaunched
  | ApplicationSubmitted
  | ApplicationsClosed
  | FinalistSelected
  | EvaluationRoundOpened
  | ScoreRecorded
  | ScoreCorrected
  | EvaluationRoundClosed
  | EligibilityRuleClarified
  | ComplianceFindingRecorded
  | TeamEliminated
  | TeamWithdrew
  | WildcardOpened
  | WildcardApplicationSubmitted
  | WildcardClosed
  | WinnerSelected
  | ProgramConcluded;

export type ProgramEventType = ProgramEvent['type'];

/** A `Record`, so that a new event type that is missing here fails to compile. */
const EVENT_TYPES: Record<ProgramEventType, true> = {
  ProgramLaunched: true,
  ApplicationSubmitted: true,
  ApplicationsClosed: true,
  FinalistSelected: true,
  EvaluationRoundOpened: true,
  ScoreRecorded: true,
  ScoreCorrected: true,
  EvaluationRoundClosed: true,
  EligibilityRuleClarified: true,
  ComplianceFindingRecorded: true,
  TeamEliminated: true,
  TeamWithdrew: true,
  WildcardOpened: true,
  WildcardApplicationSubmitted: true,
  WildcardClosed: true,
  WinnerSelected: true,
  ProgramConcluded: true,
};

/** Every event type of a programme, in the order of DOMAIN.md's table. */
export const PROGRAM_EVENT_TYPES = Object.keys(EVENT_TYPES) as ProgramEventType[];

export function isProgramEventType(type: string): type is ProgramEventType {
  return Object.hasOwn(EVENT_TYPES, type);
}

type Event<Type extends string, Data extends JsonObject> = { type: Type; data: Data };

export type EligibilityRule = { ruleId: string; text: string };

export const COMPONENT_ORIGINS = ['in-house', 'open-source', 'third-party'] as const;
export type ComponentOrigin = (typeof COMPONENT_ORIGINS)[number];
export const WEIGHT_INITIALISATIONS = ['from-scratch', 'pretrained'] as const;
export type WeightInitialisation = (typeof WEIGHT_INITIALISATIONS)[number];
export type ModelComponent = { name: string; origin: ComponentOrigin; weights: WeightInitialisation; source?: string };
export type ModelDeclaration = { components: ModelComponent[] };

export type ScorecardEntry = { criterion: string; maxPoints: number };

/** `total` has at most two decimals; equal totals share a rank (1, 2, 2, 4). */
export type RoundResult = { teamId: string; total: number; rank: number };

export const COMPLIANCE_VERDICTS = ['violation', 'cleared'] as const;
export type ComplianceVerdict = (typeof COMPLIANCE_VERDICTS)[number];

export const ELIMINATION_GROUNDS = ['not-shortlisted', 'ranking', 'rule-violation'] as const;
export type EliminationGrounds = (typeof ELIMINATION_GROUNDS)[number];

/** `screening` before the first round opened, else the number of the latest round opened. */
export type EliminationStage = 'screening' | number;

export type ProgramLaunched = Event<
  'ProgramLaunched',
  { programId: string; title: string; ministry: string; finalistSlots: number; winnerSlots: number; rules: EligibilityRule[] }
>;

export type ApplicationSubmitted = Event<
  'ApplicationSubmitted',
  {
    teamId: string;
    consortiumName: string;
    leadOrganization: string;
    members: string[];
    modelDeclaration?: ModelDeclaration;
  }
>;

export type ApplicationsClosed = Event<'ApplicationsClosed', { applicantCount: number }>;

export type FinalistSelected = Event<'FinalistSelected', { teamId: string }>;

export type EvaluationRoundOpened = Event<'EvaluationRoundOpened', { round: number; title: string; scorecard: ScorecardEntry[] }>;

export type ScoreRecorded = Event<'ScoreRecorded', { round: number; teamId: string; criterion: string; points: number }>;

export type ScoreCorrected = Event<
  'ScoreCorrected',
  { round: number; teamId: string; criterion: string; previousPoints: number; points: number }
>;

export type EvaluationRoundClosed = Event<'EvaluationRoundClosed', { round: number; results: RoundResult[] }>;

export type EligibilityRuleClarified = Event<'EligibilityRuleClarified', { ruleId: string; text: string }>;

export type ComplianceFindingRecorded = Event<
  'ComplianceFindingRecorded',
  { teamId: string; ruleId: string; verdict: ComplianceVerdict; findings: string }
>;

/** `ruleId` is present exactly when the grounds are `rule-violation`. */
export type TeamEliminated = Event<
  'TeamEliminated',
  // `round` (with `ranking` only) is the closed round whose ranking decided: `stage` is the latest round opened,
  // which is another one when a team is put out on an earlier ranking while the next round runs.
  { teamId: string; stage: EliminationStage; grounds: EliminationGrounds; ruleId?: string; round?: number }
>;

export type TeamWithdrew = Event<'TeamWithdrew', { teamId: string; statement: string }>;

/** `closesAt` is the announced deadline (RFC 3339), kept for the record: the call ends with its close decision. */
export type WildcardOpened = Event<'WildcardOpened', { slots: number; closesAt: string }>;

export type WildcardApplicationSubmitted = Event<'WildcardApplicationSubmitted', { teamId: string }>;

export type WildcardClosed = Event<'WildcardClosed', { admitted: string[] }>;

export type WinnerSelected = Event<'WinnerSelected', { teamId: string }>;

export type ProgramConcluded = Event<'ProgramConcluded', { winners: string[] }>;
