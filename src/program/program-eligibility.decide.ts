import type { ClarifyEligibilityRule, EliminateTeam, RecordComplianceFinding, WithdrawTeam, ProgramCommandType } from './program.commands.js';
import { type ProgramErrorCode, refuse } from './program.errors.js';
import type { ComplianceFindingRecorded, EligibilityRuleClarified, TeamEliminated, TeamWithdrew } from './program.events.js';
import { currentStage, requireActive, requireFinalist, requireKnownRule, requireRound, requireTeam } from './program.guards.js';
import type { Program, Team } from './program.state.js';

/** Every code each of these decisions can be refused with, besides the checks every decision runs (`REFUSALS`). */
export const ELIGIBILITY_REFUSALS = {
  ClarifyEligibilityRule: [],
  RecordComplianceFinding: ['TEAM_NOT_FOUND', 'UNKNOWN_RULE'],
  EliminateTeam: ['TEAM_NOT_FOUND', 'ROUND_NOT_FOUND', 'TEAM_NOT_ACTIVE', 'NOT_AN_APPLICANT', 'NOT_A_FINALIST', 'ROUND_NOT_CLOSED', 'UNKNOWN_RULE', 'NO_VIOLATION_FINDING'],
  WithdrawTeam: ['TEAM_NOT_FOUND', 'WINNER_CANNOT_WITHDRAW', 'TEAM_NOT_ACTIVE'],
} as const satisfies Partial<Record<ProgramCommandType, readonly ProgramErrorCode[]>>;

export function clarifyEligibilityRule(command: ClarifyEligibilityRule, _state: Program): EligibilityRuleClarified[] {
  const { ruleId, text } = command.data;
  return [{ type: 'EligibilityRuleClarified', data: { ruleId, text } }];
}

/** Findings are facts about a team, so they may be recorded whatever its status, also after it left. */
export function recordComplianceFinding(command: RecordComplianceFinding, state: Program): ComplianceFindingRecorded[] {
  const { teamId, ruleId, verdict, findings } = command.data;
  requireTeam(state, teamId);
  requireKnownRule(state, ruleId);
  return [{ type: 'ComplianceFindingRecorded', data: { teamId, ruleId, verdict, findings } }];
}

export function eliminateTeam(command: EliminateTeam, state: Program): TeamEliminated[] {
  const request = command.data;
  const team = requireTeam(state, request.teamId);
  // A round that never opened is a 404, which API.md puts before any rule.
  const rankedRound = request.grounds === 'ranking' ? requireRound(state, request.round) : null;
  requireActive(team, 'eliminated');
  const stage = currentStage(state);
  switch (request.grounds) {
    case 'not-shortlisted':
      if (team.status !== 'applicant') {
        refuse('NOT_AN_APPLICANT', `Team "${team.teamId}" is ${team.status}; only applicants can be not shortlisted.`);
      }
      return [{ type: 'TeamEliminated', data: { teamId: team.teamId, stage, grounds: 'not-shortlisted' } }];
    case 'ranking':
      // An applicant was never scored, so no ranking can put it out.
      requireFinalist(team, 'eliminated on ranking');
      if (rankedRound && rankedRound.results === null) {
        refuse('ROUND_NOT_CLOSED', `Round ${request.round} is still open; eliminate on its ranking once it has closed.`);
      }
      return [{ type: 'TeamEliminated', data: { teamId: team.teamId, stage, grounds: 'ranking', round: request.round } }];
    case 'rule-violation':
      requireKnownRule(state, request.ruleId);
      requireViolationFinding(team, request.ruleId);
      return [{ type: 'TeamEliminated', data: { teamId: team.teamId, stage, grounds: 'rule-violation', ruleId: request.ruleId } }];
    default: {
      const _exhaustive: never = request;
      return _exhaustive;
    }
  }
}

/** The latest finding under the rule decides: a violation later cleared no longer supports an elimination. */
function requireViolationFinding(team: Team, ruleId: string): void {
  const verdict = team.findings.get(ruleId);
  if (verdict === 'violation') return;
  refuse(
    'NO_VIOLATION_FINDING',
    verdict === 'cleared'
      ? `Team "${team.teamId}" was cleared under rule "${ruleId}" by its latest finding; record a violation finding before eliminating it.`
      : `No violation of rule "${ruleId}" has been found against team "${team.teamId}"; record the compliance finding first.`,
  );
}

export function withdrawTeam(command: WithdrawTeam, state: Program): TeamWithdrew[] {
  const { teamId, statement } = command.data;
  const team = requireTeam(state, teamId);
  if (team.status === 'winner') refuse('WINNER_CANNOT_WITHDRAW', `Team "${teamId}" is a winner; a winner's selection is final.`);
  requireActive(team, 'withdrawn');
  return [{ type: 'TeamWithdrew', data: { teamId, statement } }];
}
