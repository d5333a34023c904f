import { List, Map as ImmutableMap, OrderedSet } from 'immutable';
import type {
  ComplianceVerdict,
  EliminationGrounds,
  EliminationStage,
  ProgramEvent,
  ProgramLaunched,
  RoundResult,
  ScorecardEntry,
} from './program.events.js';

export const PROGRAM_PHASES = ['accepting-applications', 'screening', 'round-open', 'between-rounds', 'wildcard-open', 'concluded'] as const;
export type ProgramPhase = (typeof PROGRAM_PHASES)[number];

export const TEAM_STATUSES = ['applicant', 'finalist', 'eliminated', 'withdrawn', 'wildcard-applicant', 'winner'] as const;
export type TeamStatus = (typeof TEAM_STATUSES)[number];

export interface Elimination {
  readonly stage: EliminationStage;
  readonly grounds: EliminationGrounds;
  readonly ruleId?: string;
  /** With `ranking`: the round whose ranking decided. */
  readonly round?: number;
}

/**
 * What the decisions need to know of a team. What it declared in its application (names, members, model) is in the
 * event and the read models; no rule looks at it, so the state, its cache and its snapshots do not carry it.
 */
export interface Team {
  readonly teamId: string;
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
  readonly scores: ImmutableMap<string, ReadonlyMap<string, number>>;
  /** null while the round is open; the published ranking once it closed. */
  readonly results: readonly RoundResult[] | null;
}

export interface WildcardCall {
  readonly slots: number;
  readonly closesAt: string;
  /** In order of application to the call. */
  readonly applicants: List<string>;
}

export interface NoProgram {
  readonly exists: false;
}

/**
 * The state every decision of a programme is taken against. An event changes it in O(log n) of the programme's size:
 * the collections that grow with the programme are persistent maps and sets (`immutable`), which share all but the
 * changed path with the state before, so the loop's cached state is never copied whole. No rule scans all teams:
 * what the slot rules count is kept as the teams change (`inSlots`).
 *
 * Maps, not records, because team ids, criteria and rule ids are user-chosen slugs (`constructor` is one).
 */
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
  /** Every team that applied, by team id. */
  readonly teams: ImmutableMap<string, Team>;
  /**
   * The teams that hold a finalist slot (status `finalist` or `winner`), in the order they took it: a winner keeps the
   * slot it took as a finalist. Never more than the finalist slots plus what wild-card calls admitted.
   */
  readonly inSlots: OrderedSet<string>;
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

/** Most teams never have a finding: they share one empty map (a map is copied, never changed, when one is added). */
const NO_FINDINGS: ReadonlyMap<string, ComplianceVerdict> = new Map();

export function holdsFinalistSlot(status: TeamStatus): boolean {
  return status === 'finalist' || status === 'winner';
}

export function evolve(state: ProgramState, event: ProgramEvent): ProgramState {
  if (event.type === 'ProgramLaunched') return launched(event.data);
  // Events of a programme that was never launched cannot come from decide; ignoring them keeps the fold total.
  if (!state.exists) return state;
  switch (event.type) {
    case 'ApplicationSubmitted': {
      const team: Team = { teamId: event.data.teamId, status: 'applicant', eliminated: null, findings: NO_FINDINGS };
      return withTeams(state, [team]);
    }
    case 'ApplicationsClosed':
      return { ...state, phase: 'screening' };
    case 'FinalistSelected':
      return withTeam(state, event.data.teamId, (team) => ({ ...team, status: 'finalist' }));
    case 'EvaluationRoundOpened': {
      const { round, title, scorecard } = event.data;
      return { ...state, phase: 'round-open', rounds: [...state.rounds, { round, title, scorecard, scores: ImmutableMap(), results: null }] };
    }
    case 'ScoreRecorded':
    case 'ScoreCorrected': {
      const { round, teamId, criterion, points } = event.data;
      return withRound(state, round, (r) => {
        // A team's scores in a round are one per criterion of the scorecard (at most 20): copied, not shared.
        const teamScores = new Map(r.scores.get(teamId)).set(criterion, points);
        return { ...r, scores: r.scores.set(teamId, teamScores) };
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
      return { ...state, phase: 'wildcard-open', wildcard: { slots, closesAt, applicants: List() } };
    }
    case 'WildcardApplicationSubmitted': {
      const { teamId } = event.data;
      const applied = withTeam(state, teamId, (team) => ({ ...team, status: 'wildcard-applicant' }));
      return state.wildcard ? { ...applied, wildcard: { ...state.wildcard, applicants: state.wildcard.applicants.push(teamId) } } : applied;
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
    teams: ImmutableMap(),
    inSlots: OrderedSet(),
    rounds: [],
    wildcard: null,
    hasEliminations: false,
    winners: [],
  };
}

/** Applicants admitted by the call are finalists again; the others it turned down are out as before. */
function wildcardClosed(state: Program, admitted: readonly string[]): Program {
  const admit = new Set(admitted);
  const changed: Team[] = [];
  for (const teamId of state.wildcard?.applicants ?? []) {
    const team = state.teams.get(teamId);
    if (!team) continue;
    changed.push(admit.has(teamId) ? { ...team, status: 'finalist', eliminated: null } : { ...team, status: 'eliminated' });
  }
  // A call opens only after applications closed and never during a round, so it was screening or between rounds.
  return { ...withTeams(state, changed), wildcard: null, phase: state.rounds.length > 0 ? 'between-rounds' : 'screening' };
}

function withTeam(state: Program, teamId: string, change: (team: Team) => Team): Program {
  const team = state.teams.get(teamId);
  return team ? withTeams(state, [change(team)]) : state;
}

/** The state with these teams put in (new or replacing the team of the same id), and the slots they hold counted. */
function withTeams(state: Program, changed: readonly Team[]): Program {
  if (changed.length === 0) return state;
  let teams = state.teams;
  let inSlots = state.inSlots;
  for (const team of changed) {
    const before = teams.get(team.teamId);
    teams = teams.set(team.teamId, team);
    const held = before !== undefined && holdsFinalistSlot(before.status);
    const holds = holdsFinalistSlot(team.status);
    if (holds && !held) inSlots = inSlots.add(team.teamId);
    if (held && !holds) inSlots = inSlots.delete(team.teamId);
  }
  return { ...state, teams, inSlots };
}

function withRound(state: Program, round: number, change: (round: Round) => Round): Program {
  const current = state.rounds[round - 1];
  if (!current) return state;
  return { ...state, rounds: state.rounds.map((r) => (r === current ? change(current) : r)) };
}
