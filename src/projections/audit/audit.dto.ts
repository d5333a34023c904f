import { ApiProperty } from '@nestjs/swagger';
import { ActorDto, POSITION_PROPERTY as POSITION } from '../../http/read-response.dto.js';

/** Response schemas of the audit history, for OpenAPI only. */

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

