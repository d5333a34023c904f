import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Response schemas of the reads, for OpenAPI only: the controllers answer with plain JSON of these shapes. */

const POSITION = { type: String, pattern: '^[0-9]+$', description: 'Global position: a string of digits (64-bit).', example: '1187' };
const PHASES = ['accepting-applications', 'screening', 'round-open', 'between-rounds', 'wildcard-open', 'concluded'];
const STATUSES = ['applicant', 'finalist', 'eliminated', 'withdrawn', 'wildcard-applicant', 'winner'];

export class ProgramSummaryDto {
  @ApiProperty({ example: 'sovereign-ai-2025' }) programId!: string;
  @ApiProperty({ example: 'Sovereign AI foundation model' }) title!: string;
  @ApiProperty({ enum: PHASES }) phase!: string;
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
  @ApiProperty({ enum: ['not-shortlisted', 'ranking', 'rule-violation'] }) grounds!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The rule broken, with rule-violation; else null.' }) ruleId!: string | null;
}

export class TeamStandingDto {
  @ApiProperty({ example: 'lg-ai-research' }) teamId!: string;
  @ApiProperty({ example: 'LG AI Research consortium' }) consortiumName!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ type: [RoundStandingDto], description: 'The rounds the team has scores or a published result in, by round.' }) rounds!: RoundStandingDto[];
  @ApiProperty({ type: EliminationDto, nullable: true, description: 'What put the team out; null while it is in (again after a wild-card admission).' })
  eliminated!: EliminationDto | null;
  @ApiProperty() winner!: boolean;
}

export class StandingsDto {
  @ApiProperty({ example: 'sovereign-ai-2025' }) programId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: PHASES }) phase!: string;
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

export class ActorDto {
  @ApiProperty({ type: String, nullable: true, example: 'kim.official' }) id!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'official' }) role!: string | null;
}

export class AuditMetadataDto {
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: String, nullable: true }) legalBasis!: string | null;
  @ApiProperty({ type: String, nullable: true }) commandId!: string | null;
  @ApiProperty({ type: String, nullable: true }) correlationId!: string | null;
  @ApiProperty({ type: String, nullable: true }) causationId!: string | null;
  @ApiProperty({ type: String, nullable: true }) idempotencyKey!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'The effective time of the decision.' }) occurredAt!: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the event store recorded it.' }) recordedAt!: string;
}

export class AuditItemDto {
  @ApiProperty(POSITION) position!: string;
  @ApiProperty() programId!: string;
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'TeamEliminated' }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The event's data, as recorded (current schema)." }) data!: object;
  @ApiProperty({ type: AuditMetadataDto }) metadata!: AuditMetadataDto;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditItemDto], description: 'In position order.' }) items!: AuditItemDto[];
  @ApiProperty({ ...POSITION, nullable: true, description: 'Pass as `after` for the next page; null at the end.' }) next!: string | null;
}

export class TimelineEntryDto {
  @ApiProperty(POSITION) position!: string;
  @ApiProperty({ example: 'FinalistSelected' }) type!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) occurredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: object;
}

export class TimelineDto {
  @ApiProperty({ example: 'lg-ai-research' }) teamId!: string;
  @ApiProperty({ type: [TimelineEntryDto], description: "Every event naming the team (its teamId, a round's results, a wild-card's admitted, the winners), in order." })
  entries!: TimelineEntryDto[];
}
