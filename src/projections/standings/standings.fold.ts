import type { ProgramEvent } from '../../program/program.events.js';
import type { ProgramPhase, TeamStatus } from '../../program/program.state.js';
import type { RoundStanding, StandingsDocument, StandingsState, TeamStanding } from './standings.document.js';

/** The facts of one event the fold needs: what happened, and where it sits in the programme's stream and the log. */
export interface StandingsInput {
  event: ProgramEvent;
  revision: number;
  position: bigint;
}

/**
 * The standings after one more event of the programme: the one fold behind both the live projection and time
 * travel, so the two cannot disagree. Pure: no I/O, and it never changes the state it is given. Total: an event
 * that does not fit (a team never seen, anything before the launch) changes nothing but the revision and position,
 * because time travel on the effective axis may leave out events that the decisions were taken after.
 */
export function evolveStandings(state: StandingsState | null, input: StandingsInput): StandingsState | null {
  const { event } = input;
  if (event.type === 'ProgramLaunched') return stamped(launched(event.data), input);
  if (state === null) return null;
  return stamped(changed(state, event), input);
}

/** The standings after a whole sequence of events, in order. */
export function foldStandings(inputs: Iterable<StandingsInput>): StandingsState | null {
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

function changed(state: StandingsState, event: ProgramEvent): StandingsState {
  switch (event.type) {
    case 'ProgramLaunched':
      return state;
    case 'ApplicationSubmitted': {
      const { teamId, consortiumName } = event.data;
      if (state.standings.teams.some((team) => team.teamId === teamId)) return state;
      const team: TeamStanding = { teamId, consortiumName, status: 'applicant', rounds: [], eliminated: null, winner: false };
      return withDocument(state, { teams: [...state.standings.teams, team] });
    }
    case 'ApplicationsClosed':
      return withPhase(state, 'screening');
    case 'FinalistSelected':
      return withStatus(state, event.data.teamId, 'finalist');
    case 'EvaluationRoundOpened':
      return { ...withPhase(state, 'round-open'), roundsOpened: Math.max(state.roundsOpened, event.data.round) };
    case 'ScoreRecorded':
    case 'ScoreCorrected': {
      const { round, teamId, criterion, points } = event.data;
      return withTeam(state, teamId, (team) =>
        withRound(team, round, (entry) => {
          const scores = { ...entry.scores, [criterion]: points };
          return { ...entry, scores, total: sumOf(scores) };
        }),
      );
    }
    case 'EvaluationRoundClosed': {
      const ranks = new Map(event.data.results.map((result) => [result.teamId, result]));
      const teams = state.standings.teams.map((team) => {
        const result = ranks.get(team.teamId);
        const entry = team.rounds.find((r) => r.round === event.data.round);
        if (!result && !entry) return team;
        return withRound(team, event.data.round, (r) => ({ ...r, total: entry ? r.total : result!.total, rank: result?.rank ?? null }));
      });
      return withDocument(state, { teams, phase: 'between-rounds' });
    }
    case 'EligibilityRuleClarified':
    case 'ComplianceFindingRecorded':
      return state;
    case 'WildcardOpened':
      return withPhase(state, 'wildcard-open');
    case 'TeamEliminated': {
      const { teamId, stage, grounds, ruleId } = event.data;
      return withTeam(state, teamId, (team) => ({ ...team, status: 'eliminated', eliminated: { stage, grounds, ruleId: ruleId ?? null } }));
    }
    case 'TeamWithdrew':
      return withStatus(state, event.data.teamId, 'withdrawn');
    case 'WildcardApplicationSubmitted':
      return withStatus(state, event.data.teamId, 'wildcard-applicant');
    case 'WildcardClosed': {
      const admitted = new Set(event.data.admitted);
      const teams = state.standings.teams.map((team): TeamStanding => {
        if (admitted.has(team.teamId)) return { ...team, status: 'finalist', eliminated: null };
        // The applicants the call turned down are out again, on the grounds that first put them out.
        return team.status === 'wildcard-applicant' ? { ...team, status: 'eliminated' } : team;
      });
      return withDocument(state, { teams, phase: state.roundsOpened > 0 ? 'between-rounds' : 'screening' });
    }
    case 'WinnerSelected': {
      const { teamId } = event.data;
      const selected = withTeam(state, teamId, (team) => ({ ...team, status: 'winner', winner: true }));
      if (selected === state || state.standings.winners.includes(teamId)) return selected;
      return withDocument(selected, { winners: [...state.standings.winners, teamId] });
    }
    case 'ProgramConcluded':
      return withDocument(state, { phase: 'concluded', winners: [...event.data.winners] });
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function stamped(state: StandingsState, input: StandingsInput): StandingsState {
  const used = { finalists: 0, winners: 0 };
  for (const team of state.standings.teams) {
    if (team.status === 'finalist' || team.status === 'winner') used.finalists += 1;
    if (team.status === 'winner') used.winners += 1;
  }
  const { finalists, winners } = state.standings.slots;
  const slots =
    finalists.used === used.finalists && winners.used === used.winners
      ? state.standings.slots
      : { finalists: { ...finalists, used: used.finalists }, winners: { ...winners, used: used.winners } };
  return withDocument(state, { revision: input.revision, position: input.position.toString(), slots });
}

function withDocument(state: StandingsState, change: Partial<StandingsDocument>): StandingsState {
  return { ...state, standings: { ...state.standings, ...change } };
}

function withPhase(state: StandingsState, phase: ProgramPhase): StandingsState {
  return withDocument(state, { phase });
}

function withStatus(state: StandingsState, teamId: string, status: TeamStatus): StandingsState {
  return withTeam(state, teamId, (team) => ({ ...team, status }));
}

/** The same state object when the team is unknown, so callers can tell nothing changed. */
function withTeam(state: StandingsState, teamId: string, change: (team: TeamStanding) => TeamStanding): StandingsState {
  const index = state.standings.teams.findIndex((team) => team.teamId === teamId);
  if (index < 0) return state;
  const teams = [...state.standings.teams];
  teams[index] = change(teams[index]!);
  return withDocument(state, { teams });
}

/** Rounds are kept in round order; a round the team had no entry in starts empty and unranked. */
function withRound(team: TeamStanding, round: number, change: (entry: RoundStanding) => RoundStanding): TeamStanding {
  const index = team.rounds.findIndex((entry) => entry.round === round);
  if (index >= 0) {
    const rounds = [...team.rounds];
    rounds[index] = change(rounds[index]!);
    return { ...team, rounds };
  }
  const entry = change({ round, scores: {}, total: 0, rank: null });
  return { ...team, rounds: [...team.rounds, entry].sort((a, b) => a.round - b.round) };
}

/** Points carry at most two decimals: summed as whole hundredths, 0.1 + 0.2 is exactly 0.3. */
function sumOf(scores: Record<string, number>): number {
  let hundredths = 0;
  for (const points of Object.values(scores)) hundredths += Math.round(points * 100);
  return hundredths / 100;
}
