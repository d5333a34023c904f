import type { ProgramEvent } from '../../src/program/program.events.js';
import type { ProgramPhase, TeamStatus } from '../../src/program/program.state.js';
import type { RoundStanding, StandingsDocument, TeamStanding } from '../../src/projections/standings/standings.document.js';

/**
 * The test oracle of the standings: the whole-document fold the projection used before standings were stored per
 * team (a pure fold that copies the programme's team list at every event). The projection's fold must give the very
 * same document after every event, and time travel the very same document as this fold of the events in bounds.
 */

/** What the fold carries besides the document: the one fact the document does not show. */
export interface StandingsState {
  standings: StandingsDocument;
  /** How many rounds were opened: a wild-card call that closes returns to `between-rounds` after one, else `screening`. */
  roundsOpened: number;
}

/** The facts of one event the fold needs: what happened, and where it sits in the programme's stream and the log. */
export interface OracleInput {
  event: ProgramEvent;
  revision: number;
  position: bigint;
}

/**
 * The standings after one more event of the programme. Pure: it never changes the state it is given. Total: an event
 * that does not fit (a team never seen, anything before the launch) changes nothing but the revision and position.
 */
export function evolveStandings(state: StandingsState | null, input: OracleInput): StandingsState | null {
  const { event } = input;
  if (event.type === 'ProgramLaunched') return stamped(launched(event.data), NOTHING, input);
  if (state === null) return null;
  return stamped(state, changed(state, event), input);
}

/** The standings after a whole sequence of events, in order. */
export function foldStandings(inputs: Iterable<OracleInput>): StandingsState | null {
  let state: StandingsState | null = null;
  for (const input of inputs) state = evolveStandings(state, input);
  return state;
}

function launched(data: Extract<ProgramEvent, { type: 'ProgramLaunched' }>['data']): StandingsState {
  return {
    roundsOpened: 0,
    standings: {
      programId: data.programId,
      title: data.title,
      phase: 'accepting-applications',
      revision: 0,
      position: '0',
      slots: { finalists: { total: data.finalistSlots, used: 0 }, winners: { total: data.winnerSlots, used: 0 } },
      teams: [],
      winners: [],
    },
  };
}

/** What one event changes; a key left out keeps its value. Revision, position and slots are `stamped`'s. */
interface Change {
  phase?: ProgramPhase;
  teams?: TeamStanding[];
  winners?: string[];
  roundsOpened?: number;
}

const NOTHING: Change = {};

function changed(state: StandingsState, event: ProgramEvent): Change {
  const { teams } = state.standings;
  switch (event.type) {
    case 'ProgramLaunched':
      return NOTHING;
    case 'ApplicationSubmitted': {
      const { teamId, consortiumName } = event.data;
      if (teams.some((team) => team.teamId === teamId)) return NOTHING;
      const team: TeamStanding = { teamId, consortiumName, status: 'applicant', rounds: [], eliminated: null, winner: false };
      return { teams: [...teams, team] };
    }
    case 'ApplicationsClosed':
      return { phase: 'screening' };
    case 'FinalistSelected':
      return withTeam(teams, event.data.teamId, (team) => teamWith(team, 'finalist', team.rounds, team.eliminated, team.winner));
    case 'EvaluationRoundOpened':
      return { phase: 'round-open', roundsOpened: Math.max(state.roundsOpened, event.data.round) };
    case 'ScoreRecorded':
    case 'ScoreCorrected': {
      const { round, teamId, criterion, points } = event.data;
      return withTeam(teams, teamId, (team) =>
        withRound(team, round, (entry) => {
          const scores = { ...entry.scores };
          scores[criterion] = points;
          return { round: entry.round, scores, total: sumOf(scores), rank: entry.rank };
        }),
      );
    }
    case 'EvaluationRoundClosed': {
      const { round, results } = event.data;
      const ranks = new Map(results.map((result) => [result.teamId, result]));
      const next = teams.map((team) => {
        const result = ranks.get(team.teamId);
        const entry = team.rounds.find((r) => r.round === round);
        if (!result && !entry) return team;
        return withRound(team, round, (r) => ({ round: r.round, scores: r.scores, total: entry ? r.total : result!.total, rank: result?.rank ?? null }));
      });
      return { phase: 'between-rounds', teams: next };
    }
    case 'EligibilityRuleClarified':
    case 'ComplianceFindingRecorded':
      return NOTHING;
    case 'WildcardOpened':
      return { phase: 'wildcard-open' };
    case 'TeamEliminated': {
      const { teamId, stage, grounds, ruleId } = event.data;
      const eliminated = { stage, grounds, ruleId: ruleId ?? null };
      return withTeam(teams, teamId, (team) => teamWith(team, 'eliminated', team.rounds, eliminated, team.winner));
    }
    case 'TeamWithdrew':
      return withTeam(teams, event.data.teamId, (team) => teamWith(team, 'withdrawn', team.rounds, team.eliminated, team.winner));
    case 'WildcardApplicationSubmitted':
      return withTeam(teams, event.data.teamId, (team) => teamWith(team, 'wildcard-applicant', team.rounds, team.eliminated, team.winner));
    case 'WildcardClosed': {
      const admitted = new Set(event.data.admitted);
      const next = teams.map((team): TeamStanding => {
        if (admitted.has(team.teamId)) return teamWith(team, 'finalist', team.rounds, null, team.winner);
        // The applicants the call turned down are out again, on the grounds that first put them out.
        return team.status === 'wildcard-applicant' ? teamWith(team, 'eliminated', team.rounds, team.eliminated, team.winner) : team;
      });
      return { phase: state.roundsOpened > 0 ? 'between-rounds' : 'screening', teams: next };
    }
    case 'WinnerSelected': {
      const { teamId } = event.data;
      const selected = withTeam(teams, teamId, (team) => teamWith(team, 'winner', team.rounds, team.eliminated, true));
      if (selected === NOTHING || state.standings.winners.includes(teamId)) return selected;
      return { teams: selected.teams!, winners: [...state.standings.winners, teamId] };
    }
    case 'ProgramConcluded':
      return { phase: 'concluded', winners: [...event.data.winners] };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** The state with the change applied, at the event's revision and position, its slots counted again if teams changed. */
function stamped(state: StandingsState, change: Change, input: OracleInput): StandingsState {
  const document = state.standings;
  const teams = change.teams ?? document.teams;
  return {
    roundsOpened: change.roundsOpened ?? state.roundsOpened,
    standings: {
      programId: document.programId,
      title: document.title,
      phase: change.phase ?? document.phase,
      revision: input.revision,
      position: input.position.toString(),
      slots: teams === document.teams ? document.slots : slotsOf(document.slots, teams),
      teams,
      winners: change.winners ?? document.winners,
    },
  };
}

/** The slots with `used` counted from the teams; the same object when the counts did not change. */
function slotsOf(slots: StandingsDocument['slots'], teams: readonly TeamStanding[]): StandingsDocument['slots'] {
  let finalists = 0;
  let winners = 0;
  for (const team of teams) {
    if (team.status === 'finalist' || team.status === 'winner') finalists += 1;
    if (team.status === 'winner') winners += 1;
  }
  if (slots.finalists.used === finalists && slots.winners.used === winners) return slots;
  return { finalists: { total: slots.finalists.total, used: finalists }, winners: { total: slots.winners.total, used: winners } };
}

function teamWith(
  team: TeamStanding,
  status: TeamStatus,
  rounds: RoundStanding[],
  eliminated: TeamStanding['eliminated'],
  winner: boolean,
): TeamStanding {
  return { teamId: team.teamId, consortiumName: team.consortiumName, status, rounds, eliminated, winner };
}

/** The teams with one changed; `NOTHING` when the team is unknown, so callers can tell nothing changed. */
function withTeam(teams: readonly TeamStanding[], teamId: string, change: (team: TeamStanding) => TeamStanding): Change {
  const index = teams.findIndex((team) => team.teamId === teamId);
  if (index < 0) return NOTHING;
  const next = teams.slice();
  next[index] = change(teams[index]!);
  return { teams: next };
}

/** Rounds are kept in round order; a round the team had no entry in starts empty and unranked. */
function withRound(team: TeamStanding, round: number, change: (entry: RoundStanding) => RoundStanding): TeamStanding {
  const index = team.rounds.findIndex((entry) => entry.round === round);
  if (index >= 0) {
    const rounds = team.rounds.slice();
    rounds[index] = change(rounds[index]!);
    return teamWith(team, team.status, rounds, team.eliminated, team.winner);
  }
  const entry = change({ round, scores: {}, total: 0, rank: null });
  return teamWith(team, team.status, [...team.rounds, entry].sort((a, b) => a.round - b.round), team.eliminated, team.winner);
}

/** Points carry at most two decimals: summed as whole hundredths, 0.1 + 0.2 is exactly 0.3. */
function sumOf(scores: Record<string, number>): number {
  let hundredths = 0;
  for (const criterion in scores) hundredths += Math.round(scores[criterion]! * 100);
  return hundredths / 100;
}
