import { Body, Controller, Param } from '@nestjs/common';
import type { CloseWildcard, OpenWildcard, SubmitWildcardApplication } from '../program/program.commands.js';
import { DecisionEndpoint } from './decision-endpoint.decorator.js';
import { ProgramParams } from '../http/params.dto.js';
import { CloseWildcardDto, OpenWildcardDto, SubmitWildcardApplicationDto } from './wildcard.dto.js';

/** The wild-card (repechage) call: opened, applied to by eliminated teams, closed with its admissions. */
@Controller('programs')
export class WildcardController {
  @DecisionEndpoint('openWildcard')
  openWildcard(@Param() { programId }: ProgramParams, @Body() body: OpenWildcardDto): OpenWildcard {
    return { type: 'OpenWildcard', data: { programId, slots: body.slots, closesAt: body.closesAt } };
  }

  @DecisionEndpoint('submitWildcardApplication')
  submitWildcardApplication(@Param() { programId }: ProgramParams, @Body() body: SubmitWildcardApplicationDto): SubmitWildcardApplication {
    return { type: 'SubmitWildcardApplication', data: { programId, teamId: body.teamId } };
  }

  @DecisionEndpoint('closeWildcard')
  closeWildcard(@Param() { programId }: ProgramParams, @Body() body: CloseWildcardDto): CloseWildcard {
    return { type: 'CloseWildcard', data: { programId, admit: [...body.admit] } };
  }
}
