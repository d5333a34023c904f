import type { EliminationGrounds, EliminationStage } from '../../program/program.events.js';
import type { ProgramPhase, TeamStatus } from '../../program/program.state.js';

/** The standings of one programme exactly as API.md serves them. */
export interface StandingsDocument {
  programId: string;
  title: string;
  phase: ProgramPhase;
  /** Revision and position (digits) of the programme's last event these standings reflect. */
  revision: number;
  position: string;
  slots: { finalists: SlotUsage; winners: SlotUsage };
  /** In order of application. */
  teams: TeamStanding[];
  /** In order of selection. */
  winners: string[];
}

export interface SlotUsage {
  total: number;
  used: number;
}

export interface TeamStanding {
  teamId: string;
  consortiumName: string;
  status: TeamStatus;
  /** The rounds the team has scores or a published result in, by round number. */
  rounds: RoundStanding[];
  /** The elimination that put the team out; null while it is in (also again after a wild-card admission). */
  eliminated: EliminationStanding | null;
  winner: boolean;
}

export interface RoundStanding {
  round: number;
  /** Points by criterion. */
  scores: Record<string, number>;
  /** Sum of the scores, exact to two decimals. */
  total: number;
  /** null until the round closed; then the published rank (1, 2, 2, 4), or null for a team it did not rank. */
  rank: number | null;
}

export interface EliminationStanding {
  stage: EliminationStage;
  grounds: EliminationGrounds;
  /** The rule broken, with `rule-violation`; null on the other grounds. */
  ruleId: string | null;
}
