import type { ProgramEvent } from '../../program/program.events.js';
import type { ProgramPhase, TeamStatus } from '../../program/program.state.js';
import type { EliminationStanding, RoundStanding, StandingsDocument, TeamStanding } from './standings.document.js';

/** The facts of one event the fold needs: what happened, and where it sits in the programme's stream and the log. */
export interface StandingsInput {
  event: ProgramEvent;
  revision: number;
  position: bigint;
  /** When it was recorded and when it took effect (ms): what time travel needs to know of the events folded so far. */
  recordedAt: number;
  occurredAt: number;
}

/** A team's standing and its place in the order of application (0 for the first team that applied). */
export interface TeamSlot {
  readonly seq: number;
  team: TeamStanding;
}

/** The facts of a programme besides its teams: one row of the read model, and part of every snapshot. */
export interface StandingsHeader {
  programId: string;
  title: string;
  phase: ProgramPhase;
  revision: number;
  position: string;
  finalistSlots: number;
  winnerSlots: number;
  /** In order of selection. */
  winners: string[];
  /** How many rounds were opened: a wild-card call that closes returns to `between-rounds` after one, else `screening`. */
  roundsOpened: number;
  /** The latest `recordedAt` and `occurredAt` (ms) among the events folded so far: see `isLate`. */
  maxRecordedAt: number;
  maxOccurredAt: number;
}

/** What a snapshot of the standings holds: the header and every team in order of application. */
export interface StandingsSnapshot extends StandingsHeader {
  teams: TeamStanding[];
}

const NONE: readonly TeamSlot[] = [];

/**
 * The standings after one more event, for a fold that needs no list of the teams changed (time travel): a launch
 * starts them anew (decide launches a programme once, and the fold has always been total), and nothing is folded
 * before a launch.
 */
export function standingsAfter(standings: ProgramStandings | null, input: StandingsInput): ProgramStandings | null {
  if (input.event.type === 'ProgramLaunched') return ProgramStandings.launchedBy(input);
  standings?.apply(input);
  return standings;
}

/**
 * One programme's standings, folded event by event: the one fold behind the live projection (one per cached
 * programme) and time travel (one per request, from a snapshot), so the two cannot disagree.
 *
 * It folds in place, in O(1) per event whatever the programme's size: a team is found by id in a map kept in order of
 * application, the slot counts and the wild-card applicants are kept as teams change, and `apply` returns the teams
 * it changed, so the projection writes those rows and nothing else. A team's standing is never changed in place but
 * replaced, so a standing handed out stays as it was. Total: an event that does not fit (a team never seen) changes
 * nothing but the revision and position, because time travel on the effective axis may leave out events that the
 * decisions were taken after.
 *
 * Objects are built as literals with their keys in the order API.md shows them: that order is the JSON text served.
 */
export class ProgramStandings {
  private readonly slots = new Map<string, TeamSlot>();
  private readonly wildcardApplicants = new Set<string>();
  private finalistsUsed = 0;
  private winnersUsed = 0;

  private constructor(readonly header: StandingsHeader, teams: Iterable<TeamStanding>) {
    for (const team of teams) this.put(this.slots.get(team.teamId) ?? this.newSlot(team.teamId), team);
  }

  /** The standings of a programme just launched, or null for any other event (nothing to fold before a launch). */
  static launchedBy(input: StandingsInput): ProgramStandings | null {
    const { event } = input;
    if (event.type !== 'ProgramLaunched') return null;
    const standings = new ProgramStandings(
      {
        programId: event.data.programId,
        title: event.data.title,
        phase: 'accepting-applications',
        revision: input.revision,
        position: input.position.toString(),
        finalistSlots: event.data.finalistSlots,
        winnerSlots: event.data.winnerSlots,
        winners: [],
        roundsOpened: 0,
        maxRecordedAt: input.recordedAt,
        maxOccurredAt: input.occurredAt,
      },
      [],
    );
    return standings;
  }

  /** The standings as saved: a header and the teams in order of application (a snapshot, or the read model's rows). */
  static restored(header: StandingsHeader, teams: Iterable<TeamStanding>): ProgramStandings {
    return new ProgramStandings({ ...header, winners: [...header.winners] }, teams);
  }

  /**
   * Whether an event comes, on either time axis, before an event folded already: recorded earlier than the latest
   * recorded so far, or in effect earlier than the latest in effect so far. Time travel folds on from a snapshot only
   * while every event up to it is inside its bounds; past that point, only late events can be, and the projection
   * keeps them apart (see `StandingsTimeTravel`).
   */
  isLate(input: StandingsInput): boolean {
    return input.occurredAt < this.header.maxOccurredAt || input.recordedAt < this.header.maxRecordedAt;
  }

  /** Folds one more event of the programme; returns the teams whose standing it changed. */
  apply(input: StandingsInput): readonly TeamSlot[] {
    const { header } = this;
    header.revision = input.revision;
    header.position = input.position.toString();
    if (input.recordedAt > header.maxRecordedAt) header.maxRecordedAt = input.recordedAt;
    if (input.occurredAt > header.maxOccurredAt) header.maxOccurredAt = input.occurredAt;
    const { event } = input;
    switch (event.type) {
      case 'ProgramLaunched':
      case 'EligibilityRuleClarified':
      case 'ComplianceFindingRecorded':
        return NONE;
      case 'ApplicationSubmitted': {
        const { teamId, consortiumName } = event.data;
        if (this.slots.has(teamId)) return NONE;
        const slot = this.newSlot(teamId);
        this.put(slot, { teamId, consortiumName, status: 'applicant', rounds: [], eliminated: null, winner: false });
        return [slot];
      }
      case 'ApplicationsClosed':
        header.phase = 'screening';
        return NONE;
      case 'FinalistSelected':
        return this.change(event.data.teamId, (team) => teamWith(team, 'finalist', team.rounds, team.eliminated, team.winner));
      case 'EvaluationRoundOpened':
        header.phase = 'round-open';
        header.roundsOpened = Math.max(header.roundsOpened, event.data.round);
        return NONE;
      case 'ScoreRecorded':
      case 'ScoreCorrected': {
        const { round, teamId, criterion, points } = event.data;
        return this.change(teamId, (team) =>
          withRound(team, round, (entry) => {
            const scores = { ...entry.scores };
            scores[criterion] = points;
            return { round: entry.round, scores, total: sumOf(scores), rank: entry.rank };
          }),
        );
      }
      case 'EvaluationRoundClosed': {
        header.phase = 'between-rounds';
        // A round closes once, and only its ranking gives ranks: the teams it does not rank keep what they had.
        const { round, results } = event.data;
        const changed: TeamSlot[] = [];
        for (const result of results) {
          changed.push(
            ...this.change(result.teamId, (team) => {
              const scored = team.rounds.some((r) => r.round === round);
              return withRound(team, round, (r) => ({ round: r.round, scores: r.scores, total: scored ? r.total : result.total, rank: result.rank }));
            }),
          );
        }
        return changed;
      }
      case 'WildcardOpened':
        header.phase = 'wildcard-open';
        return NONE;
      case 'TeamEliminated': {
        const { teamId, stage, grounds, ruleId } = event.data;
        const eliminated: EliminationStanding = { stage, grounds, ruleId: ruleId ?? null };
        return this.change(teamId, (team) => teamWith(team, 'eliminated', team.rounds, eliminated, team.winner));
      }
      case 'TeamWithdrew':
        return this.change(event.data.teamId, (team) => teamWith(team, 'withdrawn', team.rounds, team.eliminated, team.winner));
      case 'WildcardApplicationSubmitted':
        return this.change(event.data.teamId, (team) => teamWith(team, 'wildcard-applicant', team.rounds, team.eliminated, team.winner));
      case 'WildcardClosed': {
        header.phase = header.roundsOpened > 0 ? 'between-rounds' : 'screening';
        const admitted = new Set(event.data.admitted);
        const changed: TeamSlot[] = [];
        for (const teamId of admitted) {
          changed.push(...this.change(teamId, (team) => teamWith(team, 'finalist', team.rounds, null, team.winner)));
        }
        // The applicants the call turned down are out again, on the grounds that first put them out.
        for (const teamId of [...this.wildcardApplicants]) {
          changed.push(...this.change(teamId, (team) => teamWith(team, 'eliminated', team.rounds, team.eliminated, team.winner)));
        }
        return changed;
      }
      case 'WinnerSelected': {
        const { teamId } = event.data;
        const changed = this.change(teamId, (team) => teamWith(team, 'winner', team.rounds, team.eliminated, true));
        if (changed.length > 0 && !header.winners.includes(teamId)) header.winners = [...header.winners, teamId];
        return changed;
      }
      case 'ProgramConcluded':
        header.phase = 'concluded';
        header.winners = [...event.data.winners];
        return NONE;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  }

  get teamCount(): number {
    return this.slots.size;
  }

  /** The team's slot, or undefined for a team the programme does not have. */
  slot(teamId: string): TeamSlot | undefined {
    return this.slots.get(teamId);
  }

  /** Every team, in order of application. */
  teams(): IterableIterator<TeamSlot> {
    return this.slots.values();
  }

  /** The slots as API.md shows them: `used` counts the teams now finalist or winner, and the winners. */
  slotUsage(): StandingsDocument['slots'] {
    const { header } = this;
    return { finalists: { total: header.finalistSlots, used: this.finalistsUsed }, winners: { total: header.winnerSlots, used: this.winnersUsed } };
  }

  /** The whole document API.md serves, teams in order of application (`teams` to show only some of them). */
  document(teams: readonly TeamStanding[] = [...this.slots.values()].map((slot) => slot.team)): StandingsDocument {
    const { header } = this;
    return {
      programId: header.programId,
      title: header.title,
      phase: header.phase,
      revision: header.revision,
      position: header.position,
      slots: this.slotUsage(),
      teams: [...teams],
      winners: [...header.winners],
    };
  }

  snapshot(): StandingsSnapshot {
    return { ...this.header, winners: [...this.header.winners], teams: [...this.slots.values()].map((slot) => slot.team) };
  }

  private newSlot(teamId: string): TeamSlot {
    const slot = { seq: this.slots.size, team: undefined as unknown as TeamStanding };
    this.slots.set(teamId, slot);
    return slot;
  }

  /** The team changed by `change`, as the one slot changed; none when the programme does not have the team. */
  private change(teamId: string, change: (team: TeamStanding) => TeamStanding): readonly TeamSlot[] {
    const slot = this.slots.get(teamId);
    if (!slot) return NONE;
    this.put(slot, change(slot.team));
    return [slot];
  }

  /** Puts the team's standing in its slot, and counts what its change of status changed. */
  private put(slot: TeamSlot, team: TeamStanding): void {
    const before = slot.team as TeamStanding | undefined;
    slot.team = team;
    if (before?.status === team.status) return;
    if (before) this.count(before.status, -1);
    this.count(team.status, 1);
    if (team.status === 'wildcard-applicant') this.wildcardApplicants.add(team.teamId);
    else if (before?.status === 'wildcard-applicant') this.wildcardApplicants.delete(team.teamId);
  }

  private count(status: TeamStatus, by: number): void {
    if (status === 'finalist' || status === 'winner') this.finalistsUsed += by;
    if (status === 'winner') this.winnersUsed += by;
  }
}

function teamWith(team: TeamStanding, status: TeamStatus, rounds: RoundStanding[], eliminated: EliminationStanding | null, winner: boolean): TeamStanding {
  return { teamId: team.teamId, consortiumName: team.consortiumName, status, rounds, eliminated, winner };
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
