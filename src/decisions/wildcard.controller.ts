import { Body, Controller, Param, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { AuthorisedActor } from '../auth/actor.js';
import { CurrentActor } from '../auth/current-actor.decorator.js';
import type { CloseWildcard, OpenWildcard, SubmitWildcardApplication } from '../program/program.commands.js';
import { decisionContext, DecisionRequest, type DecisionRequestInfo } from './decision-context.js';
import { DecisionEndpoint } from './decision-endpoint.decorator.js';
import { ProgramParams } from '../http/params.dto.js';
import { takeDecision } from './take-decision.js';
import { CloseWildcardDto, OpenWildcardDto, SubmitWildcardApplicationDto } from './wildcard.dto.js';

/** The wild-card (repechage) call: opened, applied to by eliminated teams, closed with its admissions. */
@Controller('programs')
export class WildcardController {
  constructor(private readonly commandBus: CommandBus) {}

  @DecisionEndpoint('openWildcard')
  async openWildcard(
    @Param() { programId }: ProgramParams,
    @Body() body: OpenWildcardDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const command: OpenWildcard = { type: 'OpenWildcard', data: { programId, slots: body.slots, closesAt: body.closesAt } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('submitWildcardApplication')
  async submitWildcardApplication(
    @Param() { programId }: ProgramParams,
    @Body() body: SubmitWildcardApplicationDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const command: SubmitWildcardApplication = { type: 'SubmitWildcardApplication', data: { programId, teamId: body.teamId } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('closeWildcard')
  async closeWildcard(
    @Param() { programId }: ProgramParams,
    @Body() body: CloseWildcardDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const command: CloseWildcard = { type: 'CloseWildcard', data: { programId, admit: [...body.admit] } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }
}
