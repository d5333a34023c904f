import { refuse } from './program.errors.js';
import type { Program, Round, Team, TeamStatus } from './program.state.js';
import type { EliminationStage } from './program.events.js';

/** Checks shared by several decisions. Each either returns what it found or refuses with the code API.md gives. */

export function isActive(status: TeamStatus): boolean {
  return status === 'applicant' || status === 'finalist';
}

/** The teams whose status is `finalist`, in the order they took their slot: found among the slots, not all teams. */
export function finalistIds(state: Program): string[] {
  const finalists: string[] = [];
  for (const teamId of state.inSlots) if (state.teams.get(teamId)?.status === 'finalist') finalists.push(teamId);
  return finalists;
}

/**
 * A list of names for a refusal's message: all of them up to `max`, else the first `max` and how many more. A
 * programme of thousands of teams must not answer a refusal with thousands of names.
 */
export function listed(names: Iterable<string>, max = 20): string {
  const shown: string[] = [];
  let count = 0;
  for (const name of names) {
    if (count++ < max) shown.push(name);
  }
  return count > max ? `${shown.join(', ')} and ${count - max} more` : shown.join(', ');
}

export function latestRound(state: Program): Round | undefined {
  return state.rounds[state.rounds.length - 1];
}

export function currentStage(state: Program): EliminationStage {
  return latestRound(state)?.round ?? 'screening';
}

export function requireTeam(state: Program, teamId: string): Team {
  return state.teams.get(teamId) ?? refuse('TEAM_NOT_FOUND', `Team "${teamId}" never applied to programme "${state.programId}".`);
}

export function requireRound(state: Program, round: number): Round {
  const opened = state.rounds.length === 0 ? 'no round has opened yet' : `rounds opened: ${state.rounds.map((r) => r.round).join(', ')}`;
  return state.rounds[round - 1] ?? refuse('ROUND_NOT_FOUND', `Round ${round} was never opened in programme "${state.programId}" (${opened}).`);
}

export function requireOpen(round: Round): void {
  if (round.results !== null) refuse('NO_OPEN_ROUND', `Round ${round.round} is closed; scores and corrections are taken only while a round is open.`);
}

export function requireActive(team: Team, doing: string): void {
  if (!isActive(team.status)) {
    refuse('TEAM_NOT_ACTIVE', `Team "${team.teamId}" is ${team.status}; only applicants and finalists can be ${doing}.`);
  }
}

export function requireFinalist(team: Team, doing: string): void {
  requireActive(team, doing);
  if (team.status !== 'finalist') refuse('NOT_A_FINALIST', `Team "${team.teamId}" is an applicant, not a finalist; only finalists can be ${doing}.`);
}

export function requireKnownRule(state: Program, ruleId: string): void {
  if (!state.rules.has(ruleId)) {
    const known = state.rules.size === 0 ? 'it has none yet' : `known rules: ${listed(state.rules.keys())}`;
    refuse('UNKNOWN_RULE', `Programme "${state.programId}" has no rule "${ruleId}" (${known}); state the rule first.`);
  }
}

export function refuseWhileRoundOpen(state: Program, doing: string): void {
  if (state.phase === 'round-open') {
    refuse('ROUND_ALREADY_OPEN', `Round ${latestRound(state)?.round} is open; close it before ${doing}.`);
  }
}

export function refuseWhileWildcardOpen(state: Program, doing: string): void {
  if (state.phase === 'wildcard-open') refuse('WILDCARD_ALREADY_OPEN', `A wild-card call is open; close it before ${doing}.`);
}
