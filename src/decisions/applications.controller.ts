import { Body, Controller, Param, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { AuthorisedActor } from '../auth/actor.js';
import { CurrentActor } from '../auth/current-actor.decorator.js';
import type { LaunchProgram, SelectFinalist, SelectWinner, SubmitApplication } from '../program/program.commands.js';
import type { ModelDeclaration } from '../program/program.events.js';
import { type ModelDeclarationDto, SelectFinalistDto, SubmitApplicationDto } from './applications.dto.js';
import { decisionContext, DecisionRequest, type DecisionRequestInfo } from './decision-context.js';
import { DecisionEndpoint } from './decision-endpoint.decorator.js';
import { ProgramParams } from '../http/params.dto.js';
import { DecisionDto } from './decision.dto.js';
import { LaunchProgramDto } from './program-launch.dto.js';
import { takeDecision } from './take-decision.js';
import { SelectWinnerDto } from './winners.dto.js';

/**
 * From launch to selection: the programme, its applications, finalists and winners. Handlers copy the DTO's fields
 * one by one into the command, so nothing the command does not name (and no class instance) reaches the events.
 */
@Controller('programs')
export class ApplicationsController {
  constructor(private readonly commandBus: CommandBus) {}

  @DecisionEndpoint('launchProgram')
  async launchProgram(
    @Body() body: LaunchProgramDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const { programId, title, ministry, finalistSlots, winnerSlots, rules } = body;
    const stated = rules ? { rules: rules.map(({ ruleId, text }) => ({ ruleId, text })) } : {};
    const command: LaunchProgram = { type: 'LaunchProgram', data: { programId, title, ministry, finalistSlots, winnerSlots, ...stated } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('submitApplication')
  async submitApplication(
    @Param() { programId }: ProgramParams,
    @Body() body: SubmitApplicationDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const { teamId, consortiumName, leadOrganization, members, modelDeclaration } = body;
    const declared = modelDeclaration ? { modelDeclaration: plainDeclaration(modelDeclaration) } : {};
    const command: SubmitApplication = {
      type: 'SubmitApplication',
      data: { programId, teamId, consortiumName, leadOrganization, members: [...members], ...declared },
    };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('closeApplications')
  async closeApplications(
    @Param() { programId }: ProgramParams,
    @Body() body: DecisionDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    await takeDecision(this.commandBus, response, { type: 'CloseApplications', data: { programId } }, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('selectFinalist')
  async selectFinalist(
    @Param() { programId }: ProgramParams,
    @Body() body: SelectFinalistDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const command: SelectFinalist = { type: 'SelectFinalist', data: { programId, teamId: body.teamId } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('selectWinner')
  async selectWinner(
    @Param() { programId }: ProgramParams,
    @Body() body: SelectWinnerDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const command: SelectWinner = { type: 'SelectWinner', data: { programId, teamId: body.teamId } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }
}

function plainDeclaration({ components }: ModelDeclarationDto): ModelDeclaration {
  return { components: components.map(({ name, origin, weights, source }) => ({ name, origin, weights, ...(source !== undefined ? { source } : {}) })) };
}
