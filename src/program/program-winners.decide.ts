import type { SelectWinner } from './program.commands.js';
import type { ProgramConcluded, WinnerSelected } from './program.events.js';
import { refuseWhileRoundOpen, refuseWhileWildcardOpen, requireFinalist, requireTeam } from './program.guards.js';
import type { Program } from './program.state.js';

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
