import type {
  ComplianceVerdict,
  EliminationGrounds,
  EliminationStage,
  ModelDeclaration,
  ProgramEvent,
  ProgramLaunched,
  RoundResult,
  ScorecardEntry,
} from './program.events.js';

export type ProgramPhase =
  | 'accepting-applications'
  | 'screening'
  | 'round-open'
  | 'between-rounds'
  | 'wildcard-open'
  | 'concluded';

export type TeamStatus = 'applicant' | 'finalist' | 'winner' | 'eliminated' | 'withdrawn' | 'wildcard-applicant';

export interface Elimination {
  readonly stage: EliminationStage;
  readonly grounds: EliminationGrounds;
  readonly ruleId?: string;
  /** With `ranking`: the round whose ranking decided. */
  readonly round?: number;
}

export interface Team {
  readonly teamId: string;
  readonly consortiumName: string;
  readonly leadOrganization: string;
  readonly members: readonly string[];
  readonly modelDeclaration?: ModelDeclaration;
  readonly status: TeamStatus;
  /** The elimination that put the team out; null while it is in (also again after a wild-card admission). */
  readonly eliminated: Elimination | null;
  /** The latest verdict per rule id: a later finding supersedes an earlier one under the same rule. */
  readonly findings: ReadonlyMap<string, ComplianceVerdict>;
}

export interface Round {
  readonly round: number;
  readonly title: string;
  readonly scorecard: readonly ScorecardEntry[];
  /** Points as recorded (at most two decimals), by team id, then by criterion. */
  readonly scores: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** null while the round is open; the published ranking once it closed. */
  readonly results: readonly RoundResult[] | null;
}

export interface WildcardCall {
  readonly slots: number;
  readonly closesAt: string;
  readonly applicants: readonly string[];
}

export interface NoProgram {
  readonly exists: false;
}

/** Maps, not records, because team ids, criteria and rule ids are user-chosen slugs (`constructor` is one). */
export interface Program {
  readonly exists: true;
  readonly programId: string;
  readonly title: string;
  readonly ministry: string;
  readonly finalistSlots: number;
  readonly winnerSlots: number;
  readonly phase: ProgramPhase;
  /** Rule text by rule id, in the order the rules were first stated. */
  readonly rules: ReadonlyMap<string, string>;
  /** By team id, in order of application. */
  readonly teams: ReadonlyMap<string, Team>;
  /** Rounds are numbered 1, 2, 3… so round n is at index n - 1. */
  readonly rounds: readonly Round[];
  /** The call that is open now, if any. */
  readonly wildcard: WildcardCall | null;
  readonly hasEliminations: boolean;
  /** In order of selection. */
  readonly winners: readonly string[];
}

export type ProgramState = NoProgram | Program;

export const initialState: ProgramState = { exists: false };

export function evolve(state: ProgramState, event: ProgramEvent): ProgramState {
  if (event.type === 'ProgramLaunched') return launched(event.data);
  // Events of a programme that was never launched cannot come from decide; ignoring them keeps the fold total.
  if (!state.exists) return state;
  switch (event.type) {
    case 'ApplicationSubmitted': {
      const { teamId, modelDeclaration, ...application } = event.data;
      const team: Team = {
        teamId,
        ...application,
        ...(modelDeclaration ? { modelDeclaration } : {}),
        status: 'applicant',
        eliminated: null,
        findings: new Map(),
      };
      return { ...state, teams: new Map(state.teams).set(teamId, team) };
    }
    case 'ApplicationsClosed':
      return { ...state, phase: 'screening' };
    case 'FinalistSelected':
      return withTeam(state, event.data.teamId, (team) => ({ ...team, status: 'finalist' }));
    case 'EvaluationRoundOpened': {
      const { round, title, scorecard } = event.data;
      return { ...state, phase: 'round-open', rounds: [...state.rounds, { round, title, scorecard, scores: new Map(), results: null }] };
    }
    case 'ScoreRecorded':
    case 'ScoreCorrected': {
      const { round, teamId, criterion, points } = event.data;
      return withRound(state, round, (r) => {
        const teamScores = new Map(r.scores.get(teamId)).set(criterion, points);
        return { ...r, scores: new Map(r.scores).set(teamId, teamScores) };
      });
    }
    case 'EvaluationRoundClosed': {
      const { round, results } = event.data;
      return { ...withRound(state, round, (r) => ({ ...r, results })), phase: 'between-rounds' };
    }
    case 'EligibilityRuleClarified':
      return { ...state, rules: new Map(state.rules).set(event.data.ruleId, event.data.text) };
    case 'ComplianceFindingRecorded': {
      const { teamId, ruleId, verdict } = event.data;
      return withTeam(state, teamId, (team) => ({ ...team, findings: new Map(team.findings).set(ruleId, verdict) }));
    }
    case 'TeamEliminated': {
      const { teamId, ...elimination } = event.data;
      const eliminated = withTeam(state, teamId, (team) => ({ ...team, status: 'eliminated', eliminated: elimination }));
      return { ...eliminated, hasEliminations: true };
    }
    case 'TeamWithdrew':
      return withTeam(state, event.data.teamId, (team) => ({ ...team, status: 'withdrawn' }));
    case 'WildcardOpened': {
      const { slots, closesAt } = event.data;
      return { ...state, phase: 'wildcard-open', wildcard: { slots, closesAt, applicants: [] } };
    }
    case 'WildcardApplicationSubmitted': {
      const { teamId } = event.data;
      const applied = withTeam(state, teamId, (team) => ({ ...team, status: 'wildcard-applicant' }));
      return state.wildcard ? { ...applied, wildcard: { ...state.wildcard, applicants: [...state.wildcard.applicants, teamId] } } : applied;
    }
    case 'WildcardClosed':
      return wildcardClosed(state, event.data.admitted);
    case 'WinnerSelected':
      return {
        ...withTeam(state, event.data.teamId, (team) => ({ ...team, status: 'winner' })),
        winners: [...state.winners, event.data.teamId],
      };
    case 'ProgramConcluded':
      return { ...state, phase: 'concluded' };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function launched(data: ProgramLaunched['data']): Program {
  const { rules, ...program } = data;
  return {
    exists: true,
    ...program,
    phase: 'accepting-applications',
    rules: new Map(rules.map((rule) => [rule.ruleId, rule.text])),
    teams: new Map(),
    rounds: [],
    wildcard: null,
    hasEliminations: false,
    winners: [],
  };
}

/** Applicants admitted by the call are finalists again; the others it turned down are out as before. */
function wildcardClosed(state: Program, admitted: readonly string[]): Program {
  const teams = new Map(state.teams);
  for (const teamId of state.wildcard?.applicants ?? []) {
    const team = teams.get(teamId);
    if (!team) continue;
    teams.set(
      teamId,
      admitted.includes(teamId) ? { ...team, status: 'finalist', eliminated: null } : { ...team, status: 'eliminated' },
    );
  }
  // A call opens only after applications closed and never during a round, so it was screening or between rounds.
  return { ...state, teams, wildcard: null, phase: state.rounds.length > 0 ? 'between-rounds' : 'screening' };
}

function withTeam(state: Program, teamId: string, change: (team: Team) => Team): Program {
  const team = state.teams.get(teamId);
  return team ? { ...state, teams: new Map(state.teams).set(teamId, change(team)) } : state;
}

function withRound(state: Program, round: number, change: (round: Round) => Round): Program {
  const current = state.rounds[round - 1];
  if (!current) return state;
  return { ...state, rounds: state.rounds.map((r) => (r === current ? change(current) : r)) };
}
