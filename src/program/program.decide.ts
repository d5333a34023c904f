import { APPLICATION_REFUSALS, closeApplications, selectFinalist, submitApplication } from './program-applications.decide.js';
import { clarifyEligibilityRule, ELIGIBILITY_REFUSALS, eliminateTeam, recordComplianceFinding, withdrawTeam } from './program-eligibility.decide.js';
import { closeEvaluationRound, correctScore, openEvaluationRound, recordScore, ROUND_REFUSALS } from './program-rounds.decide.js';
import { closeWildcard, openWildcard, submitWildcardApplication, WILDCARD_REFUSALS } from './program-wildcard.decide.js';
import { selectWinner, WINNER_REFUSALS } from './program-winners.decide.js';
import type { LaunchProgram, ProgramCommand, ProgramCommandType } from './program.commands.js';
import { type ProgramErrorCode, refuse } from './program.errors.js';
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

/** What every decision on a launched programme can be refused with first (see `checkProgramAcceptsCommands`). */
const ON_A_PROGRAMME = ['PROGRAM_NOT_FOUND', 'PROGRAM_CONCLUDED'] as const;

/**
 * Every code each command can be refused with: the route table and the OpenAPI description are made from it, and a
 * property test holds every decide function to it. A `Record`, so that a new command without its list fails to
 * compile.
 */
export const REFUSALS: Readonly<Record<ProgramCommandType, readonly ProgramErrorCode[]>> = {
  LaunchProgram: ['PROGRAM_ALREADY_EXISTS'],
  ...onAProgramme({ ...APPLICATION_REFUSALS, ...ROUND_REFUSALS, ...ELIGIBILITY_REFUSALS, ...WILDCARD_REFUSALS, ...WINNER_REFUSALS }),
};

type OnAProgramme = Exclude<ProgramCommandType, 'LaunchProgram'>;

function onAProgramme(own: Record<OnAProgramme, readonly ProgramErrorCode[]>): Record<OnAProgramme, readonly ProgramErrorCode[]> {
  const entries = Object.entries(own) as Array<[OnAProgramme, readonly ProgramErrorCode[]]>;
  return Object.fromEntries(entries.map(([type, codes]) => [type, [...ON_A_PROGRAMME, ...codes]])) as unknown as Record<OnAProgramme, readonly ProgramErrorCode[]>;
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
