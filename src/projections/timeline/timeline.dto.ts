import { ApiProperty } from '@nestjs/swagger';
import { ActorDto, POSITION_PROPERTY as POSITION } from '../../http/read-response.dto.js';

/** Response schemas of the team timelines, for OpenAPI only. */

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
