import type { ProgramEvent } from '../../src/program/program.events.js';
import { given } from './decider-spec.js';
import {
  SCORECARD,
  accepting,
  afterElimination,
  applicationsClosed,
  applied,
  command,
  eliminated,
  finalist,
  launched,
  roundClosed,
  roundOneClosed,
  roundOneOpen,
  roundOneScored,
  roundOpened,
  scored,
  screening,
  wildcardOpen,
  withFinalists,
  withdrew,
} from './program.fixtures.js';

const open = (round: number) => command('OpenEvaluationRound', { round, title: `Round ${round}`, scorecard: SCORECARD });
const score = (round: number, teamId: string, criterion: string, points: number) =>
  command('RecordScore', { round, teamId, criterion, points });
const correct = (round: number, teamId: string, criterion: string, points: number) =>
  command('CorrectScore', { round, teamId, criterion, points });
const close = (round: number) => command('CloseEvaluationRound', { round });

describe('rule 4: one round at a time, never during a wild-card call, numbered 1, 2, 3…, with finalists', () => {
  it('opens round 1 once there are finalists', () => {
    given(withFinalists).when(open(1)).then([roundOpened(1)]);
  });

  it('opens round 2 after round 1 closed', () => {
    given(roundOneClosed).when(open(2)).then([roundOpened(2)]);
  });

  it('refuses a round while another is open: ROUND_ALREADY_OPEN', () => {
    given(roundOneOpen).when(open(2)).thenRefusesWith('ROUND_ALREADY_OPEN');
  });

  it('refuses a round while a wild-card call is open: WILDCARD_ALREADY_OPEN', () => {
    given(wildcardOpen).when(open(2)).thenRefusesWith('WILDCARD_ALREADY_OPEN');
  });

  it.each([
    ['skips a number', withFinalists, 2],
    ['starts anywhere but 1', withFinalists, 0],
    ['repeats a closed round', roundOneClosed, 1],
    ['skips after a closed round', roundOneClosed, 3],
  ] as const)('refuses a round that %s: ROUND_NUMBER_INVALID', (_what, history, round) => {
    given(history).when(open(round)).thenRefusesWith('ROUND_NUMBER_INVALID');
  });

  it('refuses a round without finalists: NO_FINALISTS', () => {
    given(screening).when(open(1)).thenRefusesWith('NO_FINALISTS');
    given([...withFinalists, withdrew('alpha'), withdrew('beta')]).when(open(1)).thenRefusesWith('NO_FINALISTS');
  });

  it('refuses a round while applications are open, as there can be no finalists yet: NO_FINALISTS', () => {
    given(accepting).when(open(1)).thenRefusesWith('NO_FINALISTS');
  });
});

describe('rule 5: scores only in an open round, for finalists, on the scorecard, within range, once', () => {
  it('records a score', () => {
    given(roundOneOpen).when(score(1, 'alpha', 'benchmark', 33.6)).then([scored(1, 'alpha', 'benchmark', 33.6)]);
  });

  it('takes the bounds 0 and maxPoints', () => {
    given(roundOneOpen).when(score(1, 'alpha', 'benchmark', 0)).then([scored(1, 'alpha', 'benchmark', 0)]);
    given(roundOneOpen).when(score(1, 'alpha', 'benchmark', 40)).then([scored(1, 'alpha', 'benchmark', 40)]);
  });

  it('refuses a round never opened: ROUND_NOT_FOUND', () => {
    given(roundOneOpen).when(score(2, 'alpha', 'benchmark', 1)).thenRefusesWith('ROUND_NOT_FOUND');
    given(withFinalists).when(score(1, 'alpha', 'benchmark', 1)).thenRefusesWith('ROUND_NOT_FOUND');
  });

  it('refuses a team that never applied: TEAM_NOT_FOUND', () => {
    given(roundOneOpen).when(score(1, 'nobody', 'benchmark', 1)).thenRefusesWith('TEAM_NOT_FOUND');
  });

  it('refuses a round that exists but closed: NO_OPEN_ROUND', () => {
    given(roundOneClosed).when(score(1, 'alpha', 'benchmark', 1)).thenRefusesWith('NO_OPEN_ROUND');
  });

  it.each([
    ['withdrawn', [...roundOneOpen, withdrew('alpha')]],
    ['eliminated', [...roundOneOpen, eliminated('alpha', 1, 'rule-violation', 'independent-development')]],
  ])('refuses a team that is %s: TEAM_NOT_ACTIVE', (_what, history) => {
    given(history).when(score(1, 'alpha', 'benchmark', 1)).thenRefusesWith('TEAM_NOT_ACTIVE');
  });

  it('refuses an applicant: NOT_A_FINALIST', () => {
    given(roundOneOpen).when(score(1, 'gamma', 'benchmark', 1)).thenRefusesWith('NOT_A_FINALIST');
  });

  it("refuses a criterion not on the round's scorecard: UNKNOWN_CRITERION", () => {
    const refusal = given(roundOneOpen).when(score(1, 'alpha', 'style', 1)).thenRefusesWith('UNKNOWN_CRITERION');
    expect(refusal.message).toContain('benchmark, expert');
  });

  it.each([-0.01, 40.01, Number.NaN])('refuses %s points for a criterion of 40: POINTS_OUT_OF_RANGE', (points) => {
    given(roundOneOpen).when(score(1, 'alpha', 'benchmark', points)).thenRefusesWith('POINTS_OUT_OF_RANGE');
  });

  it('refuses a second score for the same team and criterion: SCORE_ALREADY_RECORDED', () => {
    given(roundOneScored).when(score(1, 'alpha', 'benchmark', 30)).thenRefusesWith('SCORE_ALREADY_RECORDED');
  });

  it('corrects a recorded score, keeping the previous points', () => {
    given(roundOneScored)
      .when(correct(1, 'alpha', 'benchmark', 34.2))
      .then([{ type: 'ScoreCorrected', data: { round: 1, teamId: 'alpha', criterion: 'benchmark', previousPoints: 33.6, points: 34.2 } }]);
  });

  it('corrects from the latest correction', () => {
    const corrected: ProgramEvent = {
      type: 'ScoreCorrected',
      data: { round: 1, teamId: 'alpha', criterion: 'benchmark', previousPoints: 33.6, points: 34.2 },
    };
    given([...roundOneScored, corrected])
      .when(correct(1, 'alpha', 'benchmark', 35))
      .then([{ type: 'ScoreCorrected', data: { round: 1, teamId: 'alpha', criterion: 'benchmark', previousPoints: 34.2, points: 35 } }]);
  });

  it('refuses a correction with nothing to correct: NO_SCORE_TO_CORRECT', () => {
    given(roundOneOpen).when(correct(1, 'alpha', 'benchmark', 30)).thenRefusesWith('NO_SCORE_TO_CORRECT');
  });

  it('refuses a correction in a closed round: NO_OPEN_ROUND', () => {
    given(roundOneClosed).when(correct(1, 'alpha', 'benchmark', 30)).thenRefusesWith('NO_OPEN_ROUND');
  });

  it('refuses a correction out of range: POINTS_OUT_OF_RANGE', () => {
    given(roundOneScored).when(correct(1, 'alpha', 'expert', 60.5)).thenRefusesWith('POINTS_OUT_OF_RANGE');
  });
});

describe('rule 6: a round closes when every finalist has every score, and publishes the ranking', () => {
  it('closes with totals to two decimals, summed in hundredths, highest first', () => {
    given(roundOneScored)
      .when(close(1))
      .then([
        roundClosed(1, [
          { teamId: 'alpha', total: 83.7, rank: 1 },
          { teamId: 'beta', total: 71.25, rank: 2 },
        ]),
      ]);
  });

  it('sums 0.1 + 0.2 to exactly 0.3', () => {
    given([
      ...roundOneOpen,
      scored(1, 'alpha', 'benchmark', 0.1),
      scored(1, 'alpha', 'expert', 0.2),
      scored(1, 'beta', 'benchmark', 0),
      scored(1, 'beta', 'expert', 0),
    ])
      .when(close(1))
      .then([
        roundClosed(1, [
          { teamId: 'alpha', total: 0.3, rank: 1 },
          { teamId: 'beta', total: 0, rank: 2 },
        ]),
      ]);
  });

  it('gives equal totals the same rank and skips the next (1, 2, 2, 4), listing ties by team id', () => {
    const teams = ['delta', 'gamma', 'beta', 'alpha'];
    const history: ProgramEvent[] = [
      launched({ finalistSlots: 4 }),
      ...teams.map(applied),
      applicationsClosed(4),
      ...teams.map(finalist),
      roundOpened(1, [{ criterion: 'expert', maxPoints: 100 }]),
      scored(1, 'delta', 'expert', 70.5),
      scored(1, 'gamma', 'expert', 80),
      scored(1, 'beta', 'expert', 70.5),
      scored(1, 'alpha', 'expert', 60),
    ];
    given(history)
      .when(close(1))
      .then([
        roundClosed(1, [
          { teamId: 'gamma', total: 80, rank: 1 },
          { teamId: 'beta', total: 70.5, rank: 2 },
          { teamId: 'delta', total: 70.5, rank: 2 },
          { teamId: 'alpha', total: 60, rank: 4 },
        ]),
      ]);
  });

  it('refuses while a finalist lacks a score: SCORES_MISSING, naming what is missing', () => {
    const refusal = given(roundOneScored.slice(0, -1)).when(close(1)).thenRefusesWith('SCORES_MISSING');
    expect(refusal.message).toContain('beta (expert)');
  });

  it('ranks only the teams that are finalists when the round closes', () => {
    given([...roundOneScored.slice(0, -2), withdrew('beta')])
      .when(close(1))
      .then([roundClosed(1, [{ teamId: 'alpha', total: 83.7, rank: 1 }])]);
  });

  it('refuses a round never opened: ROUND_NOT_FOUND', () => {
    given(roundOneScored).when(close(2)).thenRefusesWith('ROUND_NOT_FOUND');
  });

  it('refuses a round already closed: NO_OPEN_ROUND', () => {
    given(afterElimination).when(close(1)).thenRefusesWith('NO_OPEN_ROUND');
  });
});
