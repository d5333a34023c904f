import { given } from './decider-spec.js';
import {
  accepting,
  applicationsClosed,
  applied,
  command,
  eliminated,
  finalist,
  launched,
  screening,
  winner,
  withFinalists,
  withdrew,
} from './program.fixtures.js';

const application = (teamId: string) =>
  command('SubmitApplication', {
    teamId,
    consortiumName: `${teamId} consortium`,
    leadOrganization: `${teamId} inc`,
    members: [`${teamId} inc`],
  });

describe('rule 2: applications only while accepting them, one per team', () => {
  it('records an application', () => {
    given([launched()]).when(application('alpha')).then([applied('alpha')]);
  });

  it('records the model declaration, leaving out a source nobody gave', () => {
    const declared = command('SubmitApplication', {
      teamId: 'alpha',
      consortiumName: 'Alpha',
      leadOrganization: 'Alpha Inc',
      members: ['Alpha Inc', 'Alpha University'],
      modelDeclaration: {
        components: [
          { name: 'language model', origin: 'in-house', weights: 'from-scratch', source: undefined },
          { name: 'vision encoder', origin: 'open-source', weights: 'pretrained', source: 'some-hub/encoder' },
        ],
      },
    });
    given([launched()])
      .when(declared)
      .then([
        {
          type: 'ApplicationSubmitted',
          data: {
            teamId: 'alpha',
            consortiumName: 'Alpha',
            leadOrganization: 'Alpha Inc',
            members: ['Alpha Inc', 'Alpha University'],
            modelDeclaration: {
              components: [
                { name: 'language model', origin: 'in-house', weights: 'from-scratch' },
                { name: 'vision encoder', origin: 'open-source', weights: 'pretrained', source: 'some-hub/encoder' },
              ],
            },
          },
        },
      ]);
  });

  it('refuses an application after applications closed: APPLICATIONS_CLOSED', () => {
    given(screening).when(application('delta')).thenRefusesWith('APPLICATIONS_CLOSED');
  });

  it('refuses a second application of the same team: DUPLICATE_APPLICATION', () => {
    given(accepting).when(application('beta')).thenRefusesWith('DUPLICATE_APPLICATION');
  });

  it('closes applications, counting every application received', () => {
    given(accepting).when(command('CloseApplications', {})).then([applicationsClosed(3)]);
  });

  it('refuses to close applications twice: APPLICATIONS_CLOSED', () => {
    given(screening).when(command('CloseApplications', {})).thenRefusesWith('APPLICATIONS_CLOSED');
  });
});

describe('rule 3: finalists only after applications close, only applicants, within finalistSlots', () => {
  const select = (teamId: string) => command('SelectFinalist', { teamId });

  it('selects an applicant as finalist', () => {
    given(screening).when(select('alpha')).then([finalist('alpha')]);
  });

  it('refuses a team that never applied: TEAM_NOT_FOUND', () => {
    given(screening).when(select('nobody')).thenRefusesWith('TEAM_NOT_FOUND');
  });

  it('refuses while applications are still open: APPLICATIONS_STILL_OPEN', () => {
    given(accepting).when(select('alpha')).thenRefusesWith('APPLICATIONS_STILL_OPEN');
  });

  it.each([
    ['a finalist', [...screening, finalist('alpha')]],
    ['an eliminated team', [...screening, eliminated('alpha', 'screening', 'not-shortlisted')]],
    ['a withdrawn team', [...screening, withdrew('alpha')]],
  ])('refuses %s: NOT_AN_APPLICANT', (_what, history) => {
    given(history).when(select('alpha')).thenRefusesWith('NOT_AN_APPLICANT');
  });

  it('refuses once finalistSlots teams are finalists: FINALIST_SLOTS_FULL, naming them', () => {
    const refusal = given(withFinalists).when(select('gamma')).thenRefusesWith('FINALIST_SLOTS_FULL');
    expect(refusal.message).toBe('All 2 finalist slots are taken (alpha, beta).');
  });

  it('counts winners in the finalist slots', () => {
    const refusal = given([launched({ finalistSlots: 2, winnerSlots: 2 }), ...withFinalists.slice(1), winner('alpha')])
      .when(select('gamma'))
      .thenRefusesWith('FINALIST_SLOTS_FULL');
    expect(refusal.message).toContain('alpha, beta');
  });

  it('frees a slot when a finalist withdraws or is eliminated', () => {
    given([...withFinalists, withdrew('beta')]).when(select('gamma')).then([finalist('gamma')]);
    given([...withFinalists, eliminated('beta', 'screening', 'rule-violation', 'x')])
      .when(select('gamma'))
      .then([finalist('gamma')]);
  });

  it("checks the team's own status before the slot limit", () => {
    given([...withFinalists, withdrew('gamma')]).when(select('gamma')).thenRefusesWith('NOT_AN_APPLICANT');
  });
});
