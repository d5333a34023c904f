import { Body, Controller, Param } from '@nestjs/common';
import type {
  ClarifyEligibilityRule,
  EliminateTeam,
  EliminationRequest,
  RecordComplianceFinding,
  WithdrawTeam,
} from '../program/program.commands.js';
import { DecisionEndpoint } from './decision-endpoint.decorator.js';
import { ProgramParams } from '../http/params.dto.js';
import { ClarifyEligibilityRuleDto, EliminateTeamDto, RecordComplianceFindingDto, WithdrawTeamDto } from './eligibility.dto.js';

/** Eligibility: the rules, findings under them, and the ways a team leaves the competition. */
@Controller('programs')
export class EligibilityController {
  @DecisionEndpoint('clarifyEligibilityRule')
  clarifyEligibilityRule(@Param() { programId }: ProgramParams, @Body() body: ClarifyEligibilityRuleDto): ClarifyEligibilityRule {
    return { type: 'ClarifyEligibilityRule', data: { programId, ruleId: body.ruleId, text: body.text } };
  }

  @DecisionEndpoint('recordComplianceFinding')
  recordComplianceFinding(@Param() { programId }: ProgramParams, @Body() body: RecordComplianceFindingDto): RecordComplianceFinding {
    const { teamId, ruleId, verdict, findings } = body;
    return { type: 'RecordComplianceFinding', data: { programId, teamId, ruleId, verdict, findings } };
  }

  @DecisionEndpoint('eliminateTeam')
  eliminateTeam(@Param() { programId }: ProgramParams, @Body() body: EliminateTeamDto): EliminateTeam {
    return { type: 'EliminateTeam', data: { programId, teamId: body.teamId, ...eliminationRequest(body) } };
  }

  @DecisionEndpoint('withdrawTeam')
  withdrawTeam(@Param() { programId }: ProgramParams, @Body() body: WithdrawTeamDto): WithdrawTeam {
    return { type: 'WithdrawTeam', data: { programId, teamId: body.teamId, statement: body.statement } };
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
