import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { POSITION_PROPERTY as POSITION } from '../../http/read-response.dto.js';
import { ELIMINATION_GROUNDS } from '../../program/program.events.js';
import { PROGRAM_PHASES, TEAM_STATUSES } from '../../program/program.state.js';

/** Response schemas of the standings reads, for OpenAPI only: the controller answers with JSON of these shapes. */


export class ProgramSummaryDto {
  @ApiProperty({ example: 'sovereign-ai-2025' }) programId!: string;
  @ApiProperty({ example: 'Sovereign AI foundation model' }) title!: string;
  @ApiProperty({ enum: PROGRAM_PHASES }) phase!: string;
  @ApiProperty({ type: 'integer', description: "The programme's revision (its last event), counting from 0.", example: 41 }) revision!: number;
}

export class SlotUsageDto {
  @ApiProperty({ type: 'integer', example: 5 }) total!: number;
  @ApiProperty({ type: 'integer', example: 3 }) used!: number;
}

export class SlotsDto {
  @ApiProperty({ type: SlotUsageDto, description: '`used` counts the teams now finalist or winner.' }) finalists!: SlotUsageDto;
  @ApiProperty({ type: SlotUsageDto }) winners!: SlotUsageDto;
}

export class RoundStandingDto {
  @ApiProperty({ type: 'integer', example: 1 }) round!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Points by criterion.', example: { 'expert-evaluation': 31.6 } })
  scores!: Record<string, number>;
  @ApiProperty({ description: 'Sum of the points, exact to two decimals.', example: 90.2 }) total!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null until the round closed; equal totals share a rank (1, 2, 2, 4).', example: 1 })
  rank!: number | null;
}

export class EliminationDto {
  @ApiProperty({ oneOf: [{ type: 'string', enum: ['screening'] }, { type: 'integer' }], description: '`screening`, or the latest round opened.' })
  stage!: string | number;
  @ApiProperty({ enum: ELIMINATION_GROUNDS }) grounds!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The rule broken, with rule-violation; else null.' }) ruleId!: string | null;
}

export class TeamStandingDto {
  @ApiProperty({ example: 'lg-ai-research' }) teamId!: string;
  @ApiProperty({ example: 'LG AI Research consortium' }) consortiumName!: string;
  @ApiProperty({ enum: TEAM_STATUSES }) status!: string;
  @ApiProperty({ type: [RoundStandingDto], description: 'The rounds the team has scores or a published result in, by round.' }) rounds!: RoundStandingDto[];
  @ApiProperty({ type: EliminationDto, nullable: true, description: 'What put the team out; null while it is in (again after a wild-card admission).' })
  eliminated!: EliminationDto | null;
  @ApiProperty() winner!: boolean;
}

export class StandingsDto {
  @ApiProperty({ example: 'sovereign-ai-2025' }) programId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: PROGRAM_PHASES }) phase!: string;
  @ApiProperty({ type: 'integer', description: "Revision of the programme's last event these standings reflect (with effectiveAsOf: the last event applied)." })
  revision!: number;
  @ApiProperty({ ...POSITION, description: 'Position of that event.' }) position!: string;
  @ApiProperty({ type: SlotsDto }) slots!: SlotsDto;
  @ApiProperty({ type: [TeamStandingDto], description: 'In order of application.' }) teams!: TeamStandingDto[];
  @ApiProperty({ type: [String], description: 'In order of selection.' }) winners!: string[];
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Only with `limit` or `after`: the team id to pass as `after` for the next page; null on the last page.',
    example: 'upstage',
  })
  next?: string | null;
}

export class ProgramTeamStandingDto extends TeamStandingDto {
  @ApiProperty({ example: 'sovereign-ai-2025' }) programId!: string;
  @ApiProperty({ type: 'integer', description: "Revision of the programme's last event this standing reflects." }) revision!: number;
  @ApiProperty({ ...POSITION, description: 'Position of that event.' }) position!: string;
}

