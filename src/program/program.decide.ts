import { closeApplications, selectFinalist, submitApplication } from './program-applications.decide.js';
import { clarifyEligibilityRule, eliminateTeam, recordComplianceFinding, withdrawTeam } from './program-eligibility.decide.js';
import { closeEvaluationRound, correctScore, openEvaluationRound, recordScore } from './program-rounds.decide.js';
import { closeWildcard, openWildcard, submitWildcardApplication } from './program-wildcard.decide.js';
import { selectWinner } from './program-winners.decide.js';
import type { LaunchProgram, ProgramCommand } from './program.commands.js';
import { refuse } from './program.errors.js';
import { listed } from './program.guards.js';
import type { ProgramEvent, ProgramLaunched } from './program.events.js';
import type { ProgramState } from './program.state.js';

/**
 * The checks API.md runs before `If-Match`: the programme exists (or, for a launch, does not) and has not concluded.
 * The command loop calls this first so that a stale revision never hides a 404; `decide` calls it again itself.
 */
export function checkProgramAcceptsCommands(command: ProgramCommand, state: ProgramState): void {
  const { programId } = command.data;
  if (command.type === 'LaunchProgram') {
    if (state.exists) refuse('PROGRAM_ALREADY_EXISTS', `Programme "${programId}" was launched already; choose another programId.`);
    return;
  }
  if (!state.exists) refuse('PROGRAM_NOT_FOUND', `Programme "${programId}" has not been launched.`);
  if (state.phase === 'concluded') {
    refuse('PROGRAM_CONCLUDED', `Programme "${programId}" concluded with winners ${listed(state.winners)}; it takes no further decisions.`);
  }
}

/** Throws `ProgramRuleError` when the programme refuses the command, else returns the events that record it. */
export function decide(command: ProgramCommand, state: ProgramState): ProgramEvent[] {
  checkProgramAcceptsCommands(command, state);
  if (command.type === 'LaunchProgram') return launchProgram(command);
  if (!state.exists) return refuse('PROGRAM_NOT_FOUND', `Programme "${command.data.programId}" has not been launched.`);
  switch (command.type) {
    case 'SubmitApplication':
      return submitApplication(command, state);
    case 'CloseApplications':
      return closeApplications(command, state);
    case 'SelectFinalist':
      return selectFinalist(command, state);
    case 'OpenEvaluationRound':
      return openEvaluationRound(command, state);
    case 'RecordScore':
      return recordScore(command, state);
    case 'CorrectScore':
      return correctScore(command, state);
    case 'CloseEvaluationRound':
      return closeEvaluationRound(command, state);
    case 'ClarifyEligibilityRule':
      return clarifyEligibilityRule(command, state);
    case 'RecordComplianceFinding':
      return recordComplianceFinding(command, state);
    case 'EliminateTeam':
      return eliminateTeam(command, state);
    case 'WithdrawTeam':
      return withdrawTeam(command, state);
    case 'OpenWildcard':
      return openWildcard(command, state);
    case 'SubmitWildcardApplication':
      return submitWildcardApplication(command, state);
    case 'CloseWildcard':
      return closeWildcard(command, state);
    case 'SelectWinner':
      return selectWinner(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function launchProgram(command: LaunchProgram): ProgramLaunched[] {
  const { programId, title, ministry, finalistSlots, winnerSlots, rules = [] } = command.data;
  return [
    {
      type: 'ProgramLaunched',
      data: { programId, title, ministry, finalistSlots, winnerSlots, rules: rules.map(({ ruleId, text }) => ({ ruleId, text })) },
    },
  ];
}
