import { Body, Controller, Param } from '@nestjs/common';
import type { CloseApplications, LaunchProgram, SelectFinalist, SelectWinner, SubmitApplication } from '../program/program.commands.js';
import type { ModelDeclaration } from '../program/program.events.js';
import { type ModelDeclarationDto, SelectFinalistDto, SubmitApplicationDto } from './applications.dto.js';
import { DecisionEndpoint } from './decision-endpoint.decorator.js';
import { ProgramParams } from '../http/params.dto.js';
import { DecisionDto } from './decision.dto.js';
import { LaunchProgramDto } from './program-launch.dto.js';
import { SelectWinnerDto } from './winners.dto.js';

/**
 * From launch to selection: the programme, its applications, finalists and winners. Handlers copy the DTO's fields
 * one by one into the command, so nothing the command does not name (and no class instance) reaches the events.
 */
@Controller('programs')
export class ApplicationsController {
  @DecisionEndpoint('launchProgram')
  launchProgram(@Body() body: LaunchProgramDto): LaunchProgram {
    const { programId, title, ministry, finalistSlots, winnerSlots, rules } = body;
    const stated = rules ? { rules: rules.map(({ ruleId, text }) => ({ ruleId, text })) } : {};
    return { type: 'LaunchProgram', data: { programId, title, ministry, finalistSlots, winnerSlots, ...stated } };
  }

  @DecisionEndpoint('submitApplication')
  submitApplication(@Param() { programId }: ProgramParams, @Body() body: SubmitApplicationDto): SubmitApplication {
    const { teamId, consortiumName, leadOrganization, members, modelDeclaration } = body;
    const declared = modelDeclaration ? { modelDeclaration: plainDeclaration(modelDeclaration) } : {};
    return {
      type: 'SubmitApplication',
      data: { programId, teamId, consortiumName, leadOrganization, members: [...members], ...declared },
    };
  }

  /** The body holds only what every decision has (reason…), which goes to the decision's context. */
  @DecisionEndpoint('closeApplications')
  closeApplications(@Param() { programId }: ProgramParams, @Body() _body: DecisionDto): CloseApplications {
    return { type: 'CloseApplications', data: { programId } };
  }

  @DecisionEndpoint('selectFinalist')
  selectFinalist(@Param() { programId }: ProgramParams, @Body() body: SelectFinalistDto): SelectFinalist {
    return { type: 'SelectFinalist', data: { programId, teamId: body.teamId } };
  }

  @DecisionEndpoint('selectWinner')
  selectWinner(@Param() { programId }: ProgramParams, @Body() body: SelectWinnerDto): SelectWinner {
    return { type: 'SelectWinner', data: { programId, teamId: body.teamId } };
  }
}

function plainDeclaration({ components }: ModelDeclarationDto): ModelDeclaration {
  return { components: components.map(({ name, origin, weights, source }) => ({ name, origin, weights, ...(source !== undefined ? { source } : {}) })) };
}
