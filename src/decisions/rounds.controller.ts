import { Body, Controller, Param } from '@nestjs/common';
import type { CloseEvaluationRound, CorrectScore, OpenEvaluationRound, RecordScore } from '../program/program.commands.js';
import { DecisionEndpoint } from './decision-endpoint.decorator.js';
import { toHundredths } from '../http/field.validators.js';
import { ProgramParams, RoundParams } from '../http/params.dto.js';
import { CloseEvaluationRoundDto, OpenEvaluationRoundDto, ScoreDto } from './rounds.dto.js';

/** Evaluation rounds: opening with a scorecard, scores and their corrections, closing with the ranking. */
@Controller('programs')
export class RoundsController {
  @DecisionEndpoint('openEvaluationRound')
  openEvaluationRound(@Param() { programId }: ProgramParams, @Body() body: OpenEvaluationRoundDto): OpenEvaluationRound {
    const { round, title, scorecard } = body;
    return {
      type: 'OpenEvaluationRound',
      data: { programId, round, title, scorecard: scorecard.map(({ criterion, maxPoints }) => ({ criterion, maxPoints })) },
    };
  }

  /** Evaluators record scores (the roles are in DECISION_ROUTES); only officials correct them. */
  @DecisionEndpoint('recordScore')
  recordScore(@Param() { programId, round }: RoundParams, @Body() body: ScoreDto): RecordScore {
    const { teamId, criterion, points } = body;
    return { type: 'RecordScore', data: { programId, round, teamId, criterion, points: toHundredths(points) } };
  }

  @DecisionEndpoint('correctScore')
  correctScore(@Param() { programId, round }: RoundParams, @Body() body: ScoreDto): CorrectScore {
    const { teamId, criterion, points } = body;
    return { type: 'CorrectScore', data: { programId, round, teamId, criterion, points: toHundredths(points) } };
  }

  @DecisionEndpoint('closeEvaluationRound')
  closeEvaluationRound(@Param() { programId, round }: RoundParams, @Body() _body: CloseEvaluationRoundDto): CloseEvaluationRound {
    return { type: 'CloseEvaluationRound', data: { programId, round } };
  }
}
