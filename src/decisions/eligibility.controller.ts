import { Body, Controller, Param, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { AuthorisedActor } from '../auth/actor.js';
import { CurrentActor } from '../auth/current-actor.decorator.js';
import type {
  ClarifyEligibilityRule,
  EliminateTeam,
  EliminationRequest,
  RecordComplianceFinding,
  WithdrawTeam,
} from '../program/program.commands.js';
import { decisionContext, DecisionRequest, type DecisionRequestInfo } from './decision-context.js';
import { DecisionEndpoint } from './decision-endpoint.decorator.js';
import { ProgramParams } from '../http/params.dto.js';
import { ClarifyEligibilityRuleDto, EliminateTeamDto, RecordComplianceFindingDto, WithdrawTeamDto } from './eligibility.dto.js';
import { takeDecision } from './take-decision.js';

/** Eligibility: the rules, findings under them, and the ways a team leaves the competition. */
@Controller('programs')
export class EligibilityController {
  constructor(private readonly commandBus: CommandBus) {}

  @DecisionEndpoint('clarifyEligibilityRule')
  async clarifyEligibilityRule(
    @Param() { programId }: ProgramParams,
    @Body() body: ClarifyEligibilityRuleDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const command: ClarifyEligibilityRule = { type: 'ClarifyEligibilityRule', data: { programId, ruleId: body.ruleId, text: body.text } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('recordComplianceFinding')
  async recordComplianceFinding(
    @Param() { programId }: ProgramParams,
    @Body() body: RecordComplianceFindingDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const { teamId, ruleId, verdict, findings } = body;
    const command: RecordComplianceFinding = { type: 'RecordComplianceFinding', data: { programId, teamId, ruleId, verdict, findings } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('eliminateTeam')
  async eliminateTeam(
    @Param() { programId }: ProgramParams,
    @Body() body: EliminateTeamDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const command: EliminateTeam = { type: 'EliminateTeam', data: { programId, teamId: body.teamId, ...eliminationRequest(body) } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }

  @DecisionEndpoint('withdrawTeam')
  async withdrawTeam(
    @Param() { programId }: ProgramParams,
    @Body() body: WithdrawTeamDto,
    @CurrentActor() actor: AuthorisedActor,
    @DecisionRequest() request: DecisionRequestInfo,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const command: WithdrawTeam = { type: 'WithdrawTeam', data: { programId, teamId: body.teamId, statement: body.statement } };
    await takeDecision(this.commandBus, response, command, decisionContext(actor, body, request));
  }
}

/** The DTO's validation guarantees each ground's field; the union makes the compiler hold us to it. */
export function eliminationRequest(body: EliminateTeamDto): EliminationRequest {
  switch (body.grounds) {
    case 'not-shortlisted':
      return { grounds: 'not-shortlisted' };
    case 'ranking':
      return { grounds: 'ranking', round: body.round! };
    case 'rule-violation':
      return { grounds: 'rule-violation', ruleId: body.ruleId! };
    default: {
      const _exhaustive: never = body.grounds;
      return _exhaustive;
    }
  }
}
