import type { ProgramCommand } from '../../src/program/program.commands.js';
import { checkProgramAcceptsCommands } from '../../src/program/program.decide.js';
import { ProgramRuleError } from '../../src/program/program.errors.js';
import { given, stateAfter } from './decider-spec.js';
import {
  INDEPENDENCE,
  INDEPENDENCE_TEXT,
  PROGRAM_ID,
  command,
  concluded,
  launched,
  roundOneClosed,
  winner,
} from './program.fixtures.js';

/** One command of every type but the launch. */
const everyOtherCommand: ProgramCommand[] = [
  command('SubmitApplication', { teamId: 'delta', consortiumName: 'Delta', leadOrganization: 'Delta Inc', members: ['Delta Inc'] }),
  command('CloseApplications', {}),
  command('SelectFinalist', { teamId: 'gamma' }),
  command('OpenEvaluationRound', { round: 2, title: 'Round 2', scorecard: [{ criterion: 'expert', maxPoints: 100 }] }),
  command('RecordScore', { round: 1, teamId: 'alpha', criterion: 'expert', points: 1 }),
  command('CorrectScore', { round: 1, teamId: 'alpha', criterion: 'expert', points: 1 }),
  command('CloseEvaluationRound', { round: 1 }),
  command('ClarifyEligibilityRule', { ruleId: INDEPENDENCE, text: 'Weights initialised by the team.' }),
  command('RecordComplianceFinding', { teamId: 'alpha', ruleId: INDEPENDENCE, verdict: 'cleared', findings: 'All in-house.' }),
  command('EliminateTeam', { teamId: 'beta', grounds: 'ranking', round: 1 }),
  command('WithdrawTeam', { teamId: 'beta', statement: 'We withdraw.' }),
  command('OpenWildcard', { slots: 1, closesAt: '2026-02-12T18:00:00+09:00' }),
  command('SubmitWildcardApplication', { teamId: 'beta' }),
  command('CloseWildcard', { admit: [] }),
  command('SelectWinner', { teamId: 'alpha' }),
];

const launch = command('LaunchProgram', {
  title: 'Sovereign AI foundation model',
  ministry: 'Ministry of Science and ICT',
  finalistSlots: 2,
  winnerSlots: 1,
  rules: [{ ruleId: INDEPENDENCE, text: INDEPENDENCE_TEXT }],
});

describe('rule 1: a programme is launched once, and nothing happens to one that was not, nor after it concluded', () => {
  it('launches a programme with its slots and rules', () => {
    given([]).when(launch).then([launched()]);
  });

  it('launches a programme that states no rules yet with an empty list of rules', () => {
    const withoutRules = command('LaunchProgram', { title: 'T', ministry: 'M', finalistSlots: 5, winnerSlots: 2 });
    given([])
      .when(withoutRules)
      .then([
        {
          type: 'ProgramLaunched',
          data: { programId: PROGRAM_ID, title: 'T', ministry: 'M', finalistSlots: 5, winnerSlots: 2, rules: [] },
        },
      ]);
  });

  it('refuses a second launch of the same programme: PROGRAM_ALREADY_EXISTS (a conflict)', () => {
    given([launched()]).when(launch).thenRefusesWith('PROGRAM_ALREADY_EXISTS');
  });

  it('refuses to relaunch a concluded programme as PROGRAM_ALREADY_EXISTS, not PROGRAM_CONCLUDED', () => {
    given([...roundOneClosed, winner('alpha'), concluded(['alpha'])])
      .when(launch)
      .thenRefusesWith('PROGRAM_ALREADY_EXISTS');
  });

  it.each(everyOtherCommand.map((c) => [c.type, c] as const))('refuses %s on a programme never launched: PROGRAM_NOT_FOUND', (_type, c) => {
    given([]).when(c).thenRefusesWith('PROGRAM_NOT_FOUND');
  });

  it.each(everyOtherCommand.map((c) => [c.type, c] as const))('refuses %s after the programme concluded: PROGRAM_CONCLUDED', (_type, c) => {
    given([...roundOneClosed, winner('alpha'), concluded(['alpha'])])
      .when(c)
      .thenRefusesWith('PROGRAM_CONCLUDED');
  });

  it('names the winners when it refuses a decision on a concluded programme', () => {
    const refusal = given([...roundOneClosed, winner('alpha'), concluded(['alpha'])])
      .when(command('WithdrawTeam', { teamId: 'beta', statement: 'x' }))
      .thenRefusesWith('PROGRAM_CONCLUDED');
    expect(refusal.message).toContain('alpha');
  });
});

describe('checkProgramAcceptsCommands: the checks that answer before If-Match', () => {
  it('lets through a command the rules will refuse later, so a stale revision is reported before a rule', () => {
    const unknownTeam = command('SelectFinalist', { teamId: 'nobody' });
    expect(() => checkProgramAcceptsCommands(unknownTeam, stateAfter(roundOneClosed))).not.toThrow();
  });

  it.each([
    ['PROGRAM_NOT_FOUND', command('CloseApplications', {}), []],
    ['PROGRAM_ALREADY_EXISTS', launch, [launched()]],
    ['PROGRAM_CONCLUDED', command('CloseApplications', {}), [...roundOneClosed, winner('alpha'), concluded(['alpha'])]],
  ] as const)('throws %s', (code, c, history) => {
    const refusal = (() => {
      try {
        checkProgramAcceptsCommands(c, stateAfter(history));
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ProgramRuleError);
    expect((refusal as ProgramRuleError).code).toBe(code);
  });

  it('accepts a launch of a programme that does not exist', () => {
    expect(() => checkProgramAcceptsCommands(launch, stateAfter([]))).not.toThrow();
  });
});
