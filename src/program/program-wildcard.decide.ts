import type { CloseWildcard, OpenWildcard, SubmitWildcardApplication, ProgramCommandType } from './program.commands.js';
import { type ProgramErrorCode, refuse } from './program.errors.js';
import type { WildcardApplicationSubmitted, WildcardClosed, WildcardOpened } from './program.events.js';
import { listed, refuseWhileRoundOpen, refuseWhileWildcardOpen, requireTeam } from './program.guards.js';
import type { Program, WildcardCall } from './program.state.js';

/** Every code each of these decisions can be refused with, besides the checks every decision runs (`REFUSALS`). */
export const WILDCARD_REFUSALS = {
  OpenWildcard: ['WILDCARD_ALREADY_OPEN', 'ROUND_ALREADY_OPEN', 'APPLICATIONS_STILL_OPEN', 'NO_ELIMINATIONS'],
  SubmitWildcardApplication: ['TEAM_NOT_FOUND', 'WILDCARD_NOT_OPEN', 'NOT_ELIGIBLE_FOR_WILDCARD'],
  CloseWildcard: ['TEAM_NOT_FOUND', 'WILDCARD_NOT_OPEN', 'NOT_A_WILDCARD_APPLICANT', 'WILDCARD_SLOTS_EXCEEDED'],
} as const satisfies Partial<Record<ProgramCommandType, readonly ProgramErrorCode[]>>;

export function openWildcard(command: OpenWildcard, state: Program): WildcardOpened[] {
  const { slots, closesAt } = command.data;
  refuseWhileWildcardOpen(state, 'opening another');
  refuseWhileRoundOpen(state, 'opening a wild-card call');
  // A repechage while teams can still apply directly would be meaningless, and the phase could not hold both.
  if (state.phase === 'accepting-applications') {
    refuse('APPLICATIONS_STILL_OPEN', `Applications to programme "${state.programId}" are still open; close them before opening a wild-card call.`);
  }
  if (!state.hasEliminations) {
    refuse('NO_ELIMINATIONS', `No team of programme "${state.programId}" has been eliminated, so nobody could apply to a wild-card call.`);
  }
  return [{ type: 'WildcardOpened', data: { slots, closesAt } }];
}

export function submitWildcardApplication(command: SubmitWildcardApplication, state: Program): WildcardApplicationSubmitted[] {
  const team = requireTeam(state, command.data.teamId);
  requireOpenCall(state);
  if (team.status !== 'eliminated') {
    const why = team.status === 'wildcard-applicant' ? 'has already applied to this call' : `is ${team.status}`;
    refuse('NOT_ELIGIBLE_FOR_WILDCARD', `Team "${team.teamId}" ${why}; only eliminated teams can apply to a wild-card call.`);
  }
  return [{ type: 'WildcardApplicationSubmitted', data: { teamId: team.teamId } }];
}

/** The same team named twice in `admit` is admitted once and takes one slot. */
export function closeWildcard(command: CloseWildcard, state: Program): WildcardClosed[] {
  const admitted = [...new Set(command.data.admit)];
  const teams = admitted.map((teamId) => requireTeam(state, teamId));
  const call = requireOpenCall(state);
  for (const team of teams) {
    if (team.status !== 'wildcard-applicant') {
      const applicants = call.applicants.size === 0 ? 'nobody applied' : `its applicants: ${listed(call.applicants)}`;
      refuse('NOT_A_WILDCARD_APPLICANT', `Team "${team.teamId}" did not apply to this wild-card call (${applicants}).`);
    }
  }
  if (admitted.length > call.slots) {
    refuse('WILDCARD_SLOTS_EXCEEDED', `The wild-card call has ${call.slots} slot(s); ${admitted.length} teams cannot be admitted.`);
  }
  return [{ type: 'WildcardClosed', data: { admitted } }];
}

function requireOpenCall(state: Program): WildcardCall {
  return state.wildcard ?? refuse('WILDCARD_NOT_OPEN', `Programme "${state.programId}" has no open wild-card call.`);
}
