import type { CloseEvaluationRound, CorrectScore, OpenEvaluationRound, RecordScore, ProgramCommandType } from './program.commands.js';
import { type ProgramErrorCode, refuse } from './program.errors.js';
import type { EvaluationRoundClosed, EvaluationRoundOpened, ScoreCorrected, ScoreRecorded } from './program.events.js';
import {
  refuseWhileRoundOpen,
  refuseWhileWildcardOpen,
  requireFinalist,
  requireOpen,
  requireRound,
  requireTeam,
  finalistIds,
  listed,
} from './program.guards.js';
import { rank, totalHundredths } from './program.ranking.js';
import type { Program, Round } from './program.state.js';

/** Every code each of these decisions can be refused with, besides the checks every decision runs (`REFUSALS`). */
export const ROUND_REFUSALS = {
  OpenEvaluationRound: ['ROUND_ALREADY_OPEN', 'WILDCARD_ALREADY_OPEN', 'ROUND_NUMBER_INVALID', 'NO_FINALISTS'],
  RecordScore: ['ROUND_NOT_FOUND', 'TEAM_NOT_FOUND', 'NO_OPEN_ROUND', 'TEAM_NOT_ACTIVE', 'NOT_A_FINALIST', 'UNKNOWN_CRITERION', 'POINTS_OUT_OF_RANGE', 'SCORE_ALREADY_RECORDED'],
  CorrectScore: ['ROUND_NOT_FOUND', 'TEAM_NOT_FOUND', 'NO_OPEN_ROUND', 'TEAM_NOT_ACTIVE', 'NOT_A_FINALIST', 'UNKNOWN_CRITERION', 'POINTS_OUT_OF_RANGE', 'NO_SCORE_TO_CORRECT'],
  CloseEvaluationRound: ['ROUND_NOT_FOUND', 'NO_OPEN_ROUND', 'SCORES_MISSING'],
} as const satisfies Partial<Record<ProgramCommandType, readonly ProgramErrorCode[]>>;

export function openEvaluationRound(command: OpenEvaluationRound, state: Program): EvaluationRoundOpened[] {
  const { round, title, scorecard } = command.data;
  refuseWhileRoundOpen(state, 'opening another');
  refuseWhileWildcardOpen(state, 'opening a round');
  const next = state.rounds.length + 1;
  if (round !== next) refuse('ROUND_NUMBER_INVALID', `Rounds are numbered 1, 2, 3…; the next round is ${next}, not ${round}.`);
  if (finalistIds(state).length === 0) {
    refuse('NO_FINALISTS', `Programme "${state.programId}" has no finalists; select finalists before opening a round.`);
  }
  return [
    {
      type: 'EvaluationRoundOpened',
      data: { round, title, scorecard: scorecard.map(({ criterion, maxPoints }) => ({ criterion, maxPoints })) },
    },
  ];
}

type ScoreTarget = { round: Round; teamId: string; criterion: string; previousPoints: number | undefined };

/** What recording and correcting a score both require, in API.md's order: round, team, open, finalist, criterion, range. */
function scoreTarget(command: RecordScore | CorrectScore, state: Program): ScoreTarget {
  const { teamId, criterion, points } = command.data;
  const round = requireRound(state, command.data.round);
  const team = requireTeam(state, teamId);
  requireOpen(round);
  requireFinalist(team, 'scored');
  const entry = round.scorecard.find((c) => c.criterion === criterion);
  if (!entry) {
    const criteria = listed(round.scorecard.map((c) => c.criterion));
    refuse('UNKNOWN_CRITERION', `Round ${round.round} has no criterion "${criterion}"; its scorecard is: ${criteria}.`);
  }
  if (!(points >= 0 && points <= entry.maxPoints)) {
    refuse('POINTS_OUT_OF_RANGE', `"${criterion}" takes 0 to ${entry.maxPoints} points, not ${points}.`);
  }
  return { round, teamId, criterion, previousPoints: round.scores.get(teamId)?.get(criterion) };
}

export function recordScore(command: RecordScore, state: Program): ScoreRecorded[] {
  const { round, teamId, criterion, previousPoints } = scoreTarget(command, state);
  if (previousPoints !== undefined) {
    refuse(
      'SCORE_ALREADY_RECORDED',
      `Team "${teamId}" already has ${previousPoints} points for "${criterion}" in round ${round.round}; submit a correction to change it.`,
    );
  }
  return [{ type: 'ScoreRecorded', data: { round: round.round, teamId, criterion, points: command.data.points } }];
}

export function correctScore(command: CorrectScore, state: Program): ScoreCorrected[] {
  const { round, teamId, criterion, previousPoints } = scoreTarget(command, state);
  if (previousPoints === undefined) {
    refuse('NO_SCORE_TO_CORRECT', `Team "${teamId}" has no score for "${criterion}" in round ${round.round}; record it instead of correcting it.`);
  }
  return [
    { type: 'ScoreCorrected', data: { round: round.round, teamId, criterion, previousPoints, points: command.data.points } },
  ];
}

/** The teams ranked are the finalists at the moment of closing: those eliminated or withdrawn meanwhile are not. */
export function closeEvaluationRound(command: CloseEvaluationRound, state: Program): EvaluationRoundClosed[] {
  const round = requireRound(state, command.data.round);
  requireOpen(round);
  const finalists = finalistIds(state);
  const missing = finalists.flatMap((teamId) => {
    const criteria = round.scorecard.filter(({ criterion }) => !round.scores.get(teamId)?.has(criterion)).map((c) => c.criterion);
    return criteria.length > 0 ? [`${teamId} (${criteria.join(', ')})`] : [];
  });
  if (missing.length > 0) {
    const shown = missing.length > 20 ? `${missing.slice(0, 20).join('; ')} and ${missing.length - 20} more teams` : missing.join('; ');
    refuse('SCORES_MISSING', `Round ${round.round} cannot close; scores are missing for ${shown}.`);
  }
  const results = rank(finalists.map((teamId) => ({ teamId, hundredths: totalHundredths(round.scores.get(teamId)) })));
  return [{ type: 'EvaluationRoundClosed', data: { round: round.round, results } }];
}
