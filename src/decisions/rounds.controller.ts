import { Body, Controller, Param, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { AuthorisedActor } from '../auth/actor.js';
import { CurrentActor } from '../auth/current-actor.decorator.js';
import type { CloseEvaluationRound, CorrectScore, OpenEvaluationRound, RecordScore } from '../program/program.commands.js';
import { decisionContext, DecisionRequest, type DecisionRequestInfo } from './decision-context.js';
import { DecisionEndpoint } from './decision-endpoint.decorator.js';
import { toHundredths } from '../http/field.validators.js';
import { ProgramParams, RoundParams } from '../http/params.dto.js';
import { CloseEvaluationRoundDto, OpenEvaluationRoundDto, ScoreDto } from './rounds.dto.js';
import { takeDecision } from './take-decision.js';

/** Evaluation rounds: opening with a scorecard, scores and their corrections, closing with the ranking. */
@Controller('programs')
export class RoundsController {
  constructor(private readonly commandBus: CommandBus) {}

  @DecisionEndpoint('openEvaluationRound')
  async openEvaluationRound(
    @Param() { programId }: ProgramParams,
    @Body() body: OpenEvaluationRoundDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const { round, title, scorecard } = body;
    const command: OpenEvaluationRound = {
      type: 'OpenEvaluationRound',
      data: { programId, round, title, scorecard: scorecard.map(({ criterion, maxPoints }) => ({ criterion, maxPoints })) },
    };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  /** Evaluators record scores (the roles are in DECISION_ROUTES); only officials correct them. */
  @DecisionEndpoint('recordScore')
  async recordScore(
    @Param() { programId, round }: RoundParams,
    @Body() body: ScoreDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const { teamId, criterion, points } = body;
    const command: RecordScore = { type: 'RecordScore', data: { programId, round, teamId, criterion, points: toHundredths(points) } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('correctScore')
  async correctScore(
    @Param() { programId, round }: RoundParams,
    @Body() body: ScoreDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const { teamId, criterion, points } = body;
    const command: CorrectScore = { type: 'CorrectScore', data: { programId, round, teamId, criterion, points: toHundredths(points) } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('closeEvaluationRound')
  async closeEvaluationRound(
    @Param() { programId, round }: RoundParams,
    @Body() body: CloseEvaluationRoundDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const command: CloseEvaluationRound = { type: 'CloseEvaluationRound', data: { programId, round } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }
}
