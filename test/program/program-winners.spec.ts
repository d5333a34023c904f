import { given } from './decider-spec.js';
import {
  afterElimination,
  command,
  concluded,
  launched,
  roundOneClosed,
  roundOneOpen,
  roundOpened,
  wildcardOpen,
  winner,
  withdrew,
  withWinner,
} from './program.fixtures.js';

const select = (teamId: string) => command('SelectWinner', { teamId });
const twoWinnerSlots = [launched({ winnerSlots: 2 }), ...roundOneClosed.slice(1)];

describe('rule 10: winners from finalists, with no round open; the last winner concludes the programme', () => {
  it('selects a winner while slots remain', () => {
    given(twoWinnerSlots).when(select('alpha')).then([winner('alpha')]);
  });

  it('concludes the programme with the winnerSlots-th winner, naming all winners in order', () => {
    given(withWinner).when(select('beta')).then([winner('beta'), concluded(['alpha', 'beta'])]);
  });

  it('concludes at once when there is one winner slot', () => {
    given(roundOneClosed).when(select('alpha')).then([winner('alpha'), concluded(['alpha'])]);
  });

  it('refuses a team that never applied: TEAM_NOT_FOUND', () => {
    given(roundOneClosed).when(select('nobody')).thenRefusesWith('TEAM_NOT_FOUND');
  });

  it('refuses while a round is open: ROUND_ALREADY_OPEN', () => {
    given(roundOneOpen).when(select('alpha')).thenRefusesWith('ROUND_ALREADY_OPEN');
    given([...roundOneClosed, roundOpened(2)]).when(select('alpha')).thenRefusesWith('ROUND_ALREADY_OPEN');
  });

  it('refuses while a wild-card call is open, which could still bring a team back: WILDCARD_ALREADY_OPEN', () => {
    given(wildcardOpen).when(select('alpha')).thenRefusesWith('WILDCARD_ALREADY_OPEN');
  });

  it('refuses an applicant: NOT_A_FINALIST', () => {
    given(roundOneClosed).when(select('gamma')).thenRefusesWith('NOT_A_FINALIST');
  });

  it.each([
    ['eliminated', afterElimination, 'beta'],
    ['withdrawn', [...twoWinnerSlots, withdrew('beta')], 'beta'],
    ['already a winner', withWinner, 'alpha'],
  ] as const)('refuses a team that is %s: TEAM_NOT_ACTIVE', (_what, history, teamId) => {
    given(history).when(select(teamId)).thenRefusesWith('TEAM_NOT_ACTIVE');
  });
});
