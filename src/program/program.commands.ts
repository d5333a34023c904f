import type { ComplianceVerdict, EligibilityRule, ModelDeclaration, ScorecardEntry } from './program.events.js';

/**
 * One command per decision of API.md. Bodies are already validated (slugs, lengths, ranges) by the HTTP layer;
 * reason, legalBasis and effectiveAt are metadata that the command loop puts on the events, not the domain's concern.
 */
export type ProgramCommand =
  | LaunchProgram
  | SubmitApplication
  | CloseApplications
  | SelectFinalist
  | OpenEvaluationRound
  | RecordScore
  | CorrectScore
  | CloseEvaluationRound
  | ClarifyEligibilityRule
  | RecordComplianceFinding
  | EliminateTeam
  | WithdrawTeam
  | OpenWildcard
  | SubmitWildcardApplication
  | CloseWildcard
  | SelectWinner;

export type ProgramCommandType = ProgramCommand['type'];

type Command<Type extends string, Data extends object> = { type: Type; data: { programId: string } & Data };

export type LaunchProgram = Command<
  'LaunchProgram',
  { title: string; ministry: string; finalistSlots: number; winnerSlots: number; rules?: EligibilityRule[] }
>;

export type SubmitApplication = Command<
  'SubmitApplication',
  {
    teamId: string;
    consortiumName: string;
    leadOrganization: string;
    members: string[];
    modelDeclaration?: ModelDeclaration;
  }
>;

export type CloseApplications = Command<'CloseApplications', Record<never, never>>;

export type SelectFinalist = Command<'SelectFinalist', { teamId: string }>;

export type OpenEvaluationRound = Command<'OpenEvaluationRound', { round: number; title: string; scorecard: ScorecardEntry[] }>;

export type RecordScore = Command<'RecordScore', { round: number; teamId: string; criterion: string; points: number }>;

export type CorrectScore = Command<'CorrectScore', { round: number; teamId: string; criterion: string; points: number }>;

export type CloseEvaluationRound = Command<'CloseEvaluationRound', { round: number }>;

export type ClarifyEligibilityRule = Command<'ClarifyEligibilityRule', { ruleId: string; text: string }>;

export type RecordComplianceFinding = Command<
  'RecordComplianceFinding',
  { teamId: string; ruleId: string; verdict: ComplianceVerdict; findings: string }
>;

/** Each ground carries what it needs, so a ranking without its round cannot be expressed. */
export type EliminationRequest =
  | { grounds: 'not-shortlisted' }
  | { grounds: 'ranking'; round: number }
  | { grounds: 'rule-violation'; ruleId: string };

export type EliminateTeam = Command<'EliminateTeam', { teamId: string } & EliminationRequest>;

export type WithdrawTeam = Command<'WithdrawTeam', { teamId: string; statement: string }>;

export type OpenWildcard = Command<'OpenWildcard', { slots: number; closesAt: string }>;

export type SubmitWildcardApplication = Command<'SubmitWildcardApplication', { teamId: string }>;

export type CloseWildcard = Command<'CloseWildcard', { admit: string[] }>;

export type SelectWinner = Command<'SelectWinner', { teamId: string }>;
