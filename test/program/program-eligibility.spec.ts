import { given } from './decider-spec.js';
import {
  INDEPENDENCE,
  accepting,
  command,
  eliminated,
  found,
  roundOneClosed,
  roundOneOpen,
  roundOpened,
  ruleClarified,
  screening,
  wildcardApplied,
  wildcardOpen,
  withFinalists,
  withWinner,
  withdrew,
} from './program.fixtures.js';

const notShortlisted = (teamId: string) => command('EliminateTeam', { teamId, grounds: 'not-shortlisted' });
const onRanking = (teamId: string, round: number) => command('EliminateTeam', { teamId, grounds: 'ranking', round });
const forViolation = (teamId: string, ruleId = INDEPENDENCE) => command('EliminateTeam', { teamId, grounds: 'rule-violation', ruleId });
const finding = (teamId: string, verdict: 'violation' | 'cleared', ruleId = INDEPENDENCE) =>
  command('RecordComplianceFinding', { teamId, ruleId, verdict, findings: `Findings of the ${verdict} of ${ruleId} by ${teamId}.` });

describe('rule 7: elimination of active teams, on grounds that hold', () => {
  it("eliminates an applicant as not shortlisted at the 'screening' stage", () => {
    given(screening).when(notShortlisted('gamma')).then([eliminated('gamma', 'screening', 'not-shortlisted')]);
  });

  it('refuses a team that never applied: TEAM_NOT_FOUND', () => {
    given(screening).when(notShortlisted('nobody')).thenRefusesWith('TEAM_NOT_FOUND');
  });

  it.each([
    ['eliminated', [...screening, eliminated('gamma', 'screening', 'not-shortlisted')]],
    ['withdrawn', [...screening, withdrew('gamma')]],
  ])('refuses a team that is %s: TEAM_NOT_ACTIVE', (_what, history) => {
    given(history).when(notShortlisted('gamma')).thenRefusesWith('TEAM_NOT_ACTIVE');
  });

  it('refuses a winner: TEAM_NOT_ACTIVE', () => {
    given(withWinner).when(forViolation('alpha')).thenRefusesWith('TEAM_NOT_ACTIVE');
  });

  it('refuses a finalist as not shortlisted: NOT_AN_APPLICANT', () => {
    given(withFinalists).when(notShortlisted('alpha')).thenRefusesWith('NOT_AN_APPLICANT');
  });

  it('eliminates a finalist on the ranking of a closed round, at the stage of the latest round opened', () => {
    given(roundOneClosed).when(onRanking('beta', 1)).then([eliminated('beta', 1, 'ranking')]);
    given([...roundOneClosed, roundOpened(2)]).when(onRanking('beta', 1)).then([eliminated('beta', 2, 'ranking', 1)]);
  });

  it('refuses a ranking of a round still open: ROUND_NOT_CLOSED', () => {
    given(roundOneOpen).when(onRanking('beta', 1)).thenRefusesWith('ROUND_NOT_CLOSED');
  });

  it('refuses a ranking of a round never opened: ROUND_NOT_FOUND', () => {
    given(roundOneClosed).when(onRanking('beta', 2)).thenRefusesWith('ROUND_NOT_FOUND');
  });

  it('refuses to eliminate an applicant on a ranking it was never part of: NOT_A_FINALIST', () => {
    given(roundOneClosed).when(onRanking('gamma', 1)).thenRefusesWith('NOT_A_FINALIST');
  });

  it('eliminates for a rule violation found against the team, naming the rule', () => {
    given([...roundOneClosed, found('alpha', 'violation')])
      .when(forViolation('alpha'))
      .then([eliminated('alpha', 1, 'rule-violation', INDEPENDENCE)]);
  });

  it("eliminates for a violation at the 'screening' stage before any round opened", () => {
    given([...screening, found('gamma', 'violation')])
      .when(forViolation('gamma'))
      .then([eliminated('gamma', 'screening', 'rule-violation', INDEPENDENCE)]);
  });

  it('refuses a rule the programme does not have: UNKNOWN_RULE', () => {
    given([...roundOneClosed, found('alpha', 'violation')]).when(forViolation('alpha', 'no-such-rule')).thenRefusesWith('UNKNOWN_RULE');
  });

  it('refuses without a violation finding: NO_VIOLATION_FINDING', () => {
    given(roundOneClosed).when(forViolation('alpha')).thenRefusesWith('NO_VIOLATION_FINDING');
  });

  it('refuses when the violation was found against another team: NO_VIOLATION_FINDING', () => {
    given([...roundOneClosed, found('beta', 'violation')]).when(forViolation('alpha')).thenRefusesWith('NO_VIOLATION_FINDING');
  });

  it('refuses when the violation was found under another rule: NO_VIOLATION_FINDING', () => {
    const history = [...roundOneClosed, ruleClarified('open-weights', 'Weights are published.'), found('alpha', 'violation', 'open-weights')];
    given(history).when(forViolation('alpha')).thenRefusesWith('NO_VIOLATION_FINDING');
  });

  it('refuses when a later finding cleared the team under that rule: NO_VIOLATION_FINDING', () => {
    const refusal = given([...roundOneClosed, found('alpha', 'violation'), found('alpha', 'cleared')])
      .when(forViolation('alpha'))
      .thenRefusesWith('NO_VIOLATION_FINDING');
    expect(refusal.message).toContain('cleared');
  });

  it('eliminates when a violation was found again after the team was cleared', () => {
    given([...roundOneClosed, found('alpha', 'cleared'), found('alpha', 'violation')])
      .when(forViolation('alpha'))
      .then([eliminated('alpha', 1, 'rule-violation', INDEPENDENCE)]);
  });

  it("checks the team's status before the grounds", () => {
    given([...roundOneClosed, withdrew('alpha')]).when(forViolation('alpha', 'no-such-rule')).thenRefusesWith('TEAM_NOT_ACTIVE');
  });
});

describe('rule 8: withdrawal of active teams; a winner is final', () => {
  const withdraw = (teamId: string) => command('WithdrawTeam', { teamId, statement: 'We withdraw.' });

  it('withdraws an applicant or a finalist', () => {
    given(accepting).when(withdraw('gamma')).then([withdrew('gamma')]);
    given(roundOneOpen).when(withdraw('alpha')).then([withdrew('alpha')]);
  });

  it('refuses a team that never applied: TEAM_NOT_FOUND', () => {
    given(accepting).when(withdraw('nobody')).thenRefusesWith('TEAM_NOT_FOUND');
  });

  it('refuses a winner: WINNER_CANNOT_WITHDRAW', () => {
    given(withWinner).when(withdraw('alpha')).thenRefusesWith('WINNER_CANNOT_WITHDRAW');
  });

  it.each([
    ['withdrawn', [...accepting, withdrew('gamma')]],
    ['eliminated', [...screening, eliminated('gamma', 'screening', 'not-shortlisted')]],
  ])('refuses a team that is %s: TEAM_NOT_ACTIVE', (_what, history) => {
    given(history).when(withdraw('gamma')).thenRefusesWith('TEAM_NOT_ACTIVE');
  });

  it('refuses a wild-card applicant: TEAM_NOT_ACTIVE', () => {
    given([...wildcardOpen, wildcardApplied('beta')]).when(withdraw('beta')).thenRefusesWith('TEAM_NOT_ACTIVE');
  });
});

describe('rule 11: rules are stated, clarified, and named by findings and eliminations', () => {
  it('adds a rule', () => {
    given(accepting)
      .when(command('ClarifyEligibilityRule', { ruleId: 'open-weights', text: 'Weights are published.' }))
      .then([ruleClarified('open-weights', 'Weights are published.')]);
  });

  it('replaces the text of a rule the programme has', () => {
    const text = 'Initialising the weights and conducting original training is the minimum condition.';
    given(roundOneClosed).when(command('ClarifyEligibilityRule', { ruleId: INDEPENDENCE, text })).then([ruleClarified(INDEPENDENCE, text)]);
  });

  it('records a finding under a rule the programme has, whatever the status of the team', () => {
    given(roundOneClosed).when(finding('alpha', 'violation')).then([found('alpha', 'violation')]);
    given([...accepting, withdrew('gamma')]).when(finding('gamma', 'cleared')).then([found('gamma', 'cleared')]);
  });

  it('records a finding under a rule added by a clarification', () => {
    given([...roundOneClosed, ruleClarified('open-weights', 'Weights are published.')])
      .when(finding('alpha', 'violation', 'open-weights'))
      .then([found('alpha', 'violation', 'open-weights')]);
  });

  it('refuses a finding under a rule the programme does not have: UNKNOWN_RULE', () => {
    given(roundOneClosed).when(finding('alpha', 'violation', 'no-such-rule')).thenRefusesWith('UNKNOWN_RULE');
  });

  it('refuses a finding about a team that never applied: TEAM_NOT_FOUND', () => {
    given(roundOneClosed).when(finding('nobody', 'violation')).thenRefusesWith('TEAM_NOT_FOUND');
  });
});
