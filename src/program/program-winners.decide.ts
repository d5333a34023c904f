import type { ProgramErrorCode } from './program.errors.js';
import type { SelectWinner, ProgramCommandType } from './program.commands.js';
import type { ProgramConcluded, WinnerSelected } from './program.events.js';
import { refuseWhileRoundOpen, refuseWhileWildcardOpen, requireFinalist, requireTeam } from './program.guards.js';
import type { Program } from './program.state.js';

/** Every code this decision can be refused with, besides the checks every decision runs (`REFUSALS`). */
export const WINNER_REFUSALS = {
  SelectWinner: ['TEAM_NOT_FOUND', 'ROUND_ALREADY_OPEN', 'WILDCARD_ALREADY_OPEN', 'TEAM_NOT_ACTIVE', 'NOT_A_FINALIST'],
} as const satisfies Partial<Record<ProgramCommandType, readonly ProgramErrorCode[]>>;

/**
 * A winner is not chosen while a wild-card call is open: the call may still bring a team back into contention, and
 * the winner that concludes the programme would leave the call open forever.
 */
export function selectWinner(command: SelectWinner, state: Program): Array<WinnerSelected | ProgramConcluded> {
  const team = requireTeam(state, command.data.teamId);
  refuseWhileRoundOpen(state, 'selecting a winner');
  refuseWhileWildcardOpen(state, 'selecting a winner');
  requireFinalist(team, 'selected as winners');
  const winners = [...state.winners, team.teamId];
  const selected: WinnerSelected = { type: 'WinnerSelected', data: { teamId: team.teamId } };
  return winners.length >= state.winnerSlots ? [selected, { type: 'ProgramConcluded', data: { winners } }] : [selected];
}
