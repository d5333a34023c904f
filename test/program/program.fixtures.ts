import type { ProgramCommand, ProgramCommandType } from '../../src/program/program.commands.js';
import type {
  ComplianceVerdict,
  EliminationGrounds,
  EliminationStage,
  ProgramEvent,
  RoundResult,
  ScorecardEntry,
} from '../../src/program/program.events.js';

export const PROGRAM_ID = 'sovereign-ai';
export const INDEPENDENCE = 'independent-development';
export const INDEPENDENCE_TEXT = 'The model is developed by the team itself, without a foreign foundation model.';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type DataOf<T extends ProgramCommandType> = DistributiveOmit<Extract<ProgramCommand, { type: T }>['data'], 'programId'>;

/** Builds commands of one programme, checked against the command union. */
export function commandsOf(programId: string) {
  return <T extends ProgramCommandType>(type: T, data: DataOf<T>): ProgramCommand =>
    ({ type, data: { programId, ...data } }) as ProgramCommand;
}

export const command = commandsOf(PROGRAM_ID);

export function launched(slots: { finalistSlots?: number; winnerSlots?: number } = {}): ProgramEvent {
  return {
    type: 'ProgramLaunched',
    data: {
      programId: PROGRAM_ID,
      title: 'Sovereign AI foundation model',
      ministry: 'Ministry of Science and ICT',
      finalistSlots: slots.finalistSlots ?? 2,
      winnerSlots: slots.winnerSlots ?? 1,
      rules: [{ ruleId: INDEPENDENCE, text: INDEPENDENCE_TEXT }],
    },
  };
}

export function applied(teamId: string): ProgramEvent {
  return {
    type: 'ApplicationSubmitted',
    data: { teamId, consortiumName: `${teamId} consortium`, leadOrganization: `${teamId} inc`, members: [`${teamId} inc`] },
  };
}

export const applicationsClosed = (applicantCount: number): ProgramEvent => ({ type: 'ApplicationsClosed', data: { applicantCount } });
export const finalist = (teamId: string): ProgramEvent => ({ type: 'FinalistSelected', data: { teamId } });

export const SCORECARD: ScorecardEntry[] = [
  { criterion: 'benchmark', maxPoints: 40 },
  { criterion: 'expert', maxPoints: 60 },
];

export const roundOpened = (round: number, scorecard = SCORECARD): ProgramEvent => ({
  type: 'EvaluationRoundOpened',
  data: { round, title: `Round ${round}`, scorecard },
});

export const scored = (round: number, teamId: string, criterion: string, points: number): ProgramEvent => ({
  type: 'ScoreRecorded',
  data: { round, teamId, criterion, points },
});

export const roundClosed = (round: number, results: RoundResult[]): ProgramEvent => ({
  type: 'EvaluationRoundClosed',
  data: { round, results },
});

export const ruleClarified = (ruleId: string, text: string): ProgramEvent => ({ type: 'EligibilityRuleClarified', data: { ruleId, text } });

export const found = (teamId: string, verdict: ComplianceVerdict, ruleId = INDEPENDENCE): ProgramEvent => ({
  type: 'ComplianceFindingRecorded',
  data: { teamId, ruleId, verdict, findings: `Findings of the ${verdict} of ${ruleId} by ${teamId}.` },
});

/** `detail` is the rule of a `rule-violation`, or the round of a `ranking` (by default the stage). */
export function eliminated(teamId: string, stage: EliminationStage, grounds: EliminationGrounds, detail?: string | number): ProgramEvent {
  if (grounds === 'ranking') return { type: 'TeamEliminated', data: { teamId, stage, grounds, round: typeof detail === 'number' ? detail : Number(stage) } };
  return { type: 'TeamEliminated', data: { teamId, stage, grounds, ...(typeof detail === 'string' ? { ruleId: detail } : {}) } };
}

export const withdrew = (teamId: string): ProgramEvent => ({ type: 'TeamWithdrew', data: { teamId, statement: 'We withdraw.' } });
export const wildcardOpened = (slots = 1): ProgramEvent => ({
  type: 'WildcardOpened',
  data: { slots, closesAt: '2026-02-12T18:00:00+09:00' },
});
export const wildcardApplied = (teamId: string): ProgramEvent => ({ type: 'WildcardApplicationSubmitted', data: { teamId } });
export const wildcardClosed = (admitted: string[]): ProgramEvent => ({ type: 'WildcardClosed', data: { admitted } });
export const winner = (teamId: string): ProgramEvent => ({ type: 'WinnerSelected', data: { teamId } });
export const concluded = (winners: string[]): ProgramEvent => ({ type: 'ProgramConcluded', data: { winners } });

/** Histories that the specs start from, each a step further than the last. Teams: alpha, beta, gamma. */
export const accepting = [launched(), applied('alpha'), applied('beta'), applied('gamma')];
export const screening = [...accepting, applicationsClosed(3)];
export const withFinalists = [...screening, finalist('alpha'), finalist('beta')];
export const roundOneOpen = [...withFinalists, roundOpened(1)];
export const roundOneScored = [
  ...roundOneOpen,
  scored(1, 'alpha', 'benchmark', 33.6),
  scored(1, 'alpha', 'expert', 50.1),
  scored(1, 'beta', 'benchmark', 30),
  scored(1, 'beta', 'expert', 41.25),
];
export const roundOneClosed = [
  ...roundOneScored,
  roundClosed(1, [
    { teamId: 'alpha', total: 83.7, rank: 1 },
    { teamId: 'beta', total: 71.25, rank: 2 },
  ]),
];
/** Round 1 closed, beta eliminated on its ranking: a wild-card call can open. */
export const afterElimination = [...roundOneClosed, eliminated('beta', 1, 'ranking')];
export const wildcardOpen = [...afterElimination, wildcardOpened(1)];
/** Round 1 closed and alpha chosen as the first of two winners. */
export const withWinner = [launched({ winnerSlots: 2 }), ...roundOneClosed.slice(1), winner('alpha')];
