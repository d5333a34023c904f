import { given } from './decider-spec.js';
import {
  afterElimination,
  command,
  eliminated,
  roundOneClosed,
  roundOneOpen,
  screening,
  wildcardApplied,
  wildcardClosed,
  wildcardOpen,
  wildcardOpened,
  withdrew,
} from './program.fixtures.js';

const openCall = (slots = 1) => command('OpenWildcard', { slots, closesAt: '2026-02-12T18:00:00+09:00' });
const apply = (teamId: string) => command('SubmitWildcardApplication', { teamId });
const closeCall = (admit: string[]) => command('CloseWildcard', { admit });

describe('rule 9: the wild-card call', () => {
  it('opens a call after an elimination, recording its slots and announced deadline', () => {
    given(afterElimination).when(openCall(1)).then([wildcardOpened(1)]);
  });

  it('opens a call during screening after a team was not shortlisted', () => {
    given([...screening, eliminated('gamma', 'screening', 'not-shortlisted')]).when(openCall(2)).then([wildcardOpened(2)]);
  });

  it('refuses a second call while one is open: WILDCARD_ALREADY_OPEN', () => {
    given(wildcardOpen).when(openCall()).thenRefusesWith('WILDCARD_ALREADY_OPEN');
  });

  it('refuses a call while a round is open: ROUND_ALREADY_OPEN', () => {
    given([...roundOneOpen, eliminated('alpha', 1, 'rule-violation', 'independent-development')])
      .when(openCall())
      .thenRefusesWith('ROUND_ALREADY_OPEN');
  });

  it('refuses a call before any team was eliminated: NO_ELIMINATIONS', () => {
    given(roundOneClosed).when(openCall()).thenRefusesWith('NO_ELIMINATIONS');
  });

  it('does not count a withdrawal as an elimination: NO_ELIMINATIONS', () => {
    given([...roundOneClosed, withdrew('beta')]).when(openCall()).thenRefusesWith('NO_ELIMINATIONS');
  });

  it('refuses a call while applications are still open: APPLICATIONS_STILL_OPEN', () => {
    given([...screening.slice(0, -1), eliminated('gamma', 'screening', 'rule-violation', 'independent-development')])
      .when(openCall())
      .thenRefusesWith('APPLICATIONS_STILL_OPEN');
  });

  it('takes an application from an eliminated team', () => {
    given(wildcardOpen).when(apply('beta')).then([wildcardApplied('beta')]);
  });

  it('refuses an application when no call is open: WILDCARD_NOT_OPEN', () => {
    given(afterElimination).when(apply('beta')).thenRefusesWith('WILDCARD_NOT_OPEN');
    given([...wildcardOpen, wildcardClosed([])]).when(apply('beta')).thenRefusesWith('WILDCARD_NOT_OPEN');
  });

  it('refuses an application of a team that never applied to the programme: TEAM_NOT_FOUND', () => {
    given(wildcardOpen).when(apply('nobody')).thenRefusesWith('TEAM_NOT_FOUND');
  });

  it.each([
    ['a finalist', wildcardOpen, 'alpha'],
    ['an applicant', wildcardOpen, 'gamma'],
    ['a withdrawn team', [...wildcardOpen, withdrew('gamma')], 'gamma'],
    ['a team that already applied', [...wildcardOpen, wildcardApplied('beta')], 'beta'],
  ] as const)('refuses an application from %s: NOT_ELIGIBLE_FOR_WILDCARD', (_what, history, teamId) => {
    given(history).when(apply(teamId)).thenRefusesWith('NOT_ELIGIBLE_FOR_WILDCARD');
  });

  it('closes admitting an applicant', () => {
    given([...wildcardOpen, wildcardApplied('beta')]).when(closeCall(['beta'])).then([wildcardClosed(['beta'])]);
  });

  it('closes admitting nobody, also when nobody applied', () => {
    given(wildcardOpen).when(closeCall([])).then([wildcardClosed([])]);
    given([...wildcardOpen, wildcardApplied('beta')]).when(closeCall([])).then([wildcardClosed([])]);
  });

  it('admits a team named twice once', () => {
    given([...wildcardOpen, wildcardApplied('beta')]).when(closeCall(['beta', 'beta'])).then([wildcardClosed(['beta'])]);
  });

  it('refuses to close when no call is open: WILDCARD_NOT_OPEN', () => {
    given(afterElimination).when(closeCall([])).thenRefusesWith('WILDCARD_NOT_OPEN');
  });

  it('refuses to admit a team that never applied to the programme: TEAM_NOT_FOUND', () => {
    given(wildcardOpen).when(closeCall(['nobody'])).thenRefusesWith('TEAM_NOT_FOUND');
  });

  it('refuses to admit a team that did not apply to the call: NOT_A_WILDCARD_APPLICANT', () => {
    given(wildcardOpen).when(closeCall(['beta'])).thenRefusesWith('NOT_A_WILDCARD_APPLICANT');
    given([...wildcardOpen, wildcardApplied('beta')]).when(closeCall(['alpha'])).thenRefusesWith('NOT_A_WILDCARD_APPLICANT');
  });

  it('refuses more admissions than the call has slots: WILDCARD_SLOTS_EXCEEDED', () => {
    const twoApplicants = [...afterElimination, eliminated('alpha', 1, 'ranking'), wildcardOpened(1), wildcardApplied('alpha'), wildcardApplied('beta')];
    given(twoApplicants).when(closeCall(['alpha', 'beta'])).thenRefusesWith('WILDCARD_SLOTS_EXCEEDED');
  });

  it('checks that each team applied before the slot limit', () => {
    given([...wildcardOpen, wildcardApplied('beta')]).when(closeCall(['beta', 'gamma'])).thenRefusesWith('NOT_A_WILDCARD_APPLICANT');
  });
});
