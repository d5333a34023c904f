import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateBy, type ValidationArguments } from 'class-validator';
import { SlugField } from '../../http/field.decorators.js';
import { CharacterLength, IsRfc3339, SafeText } from '../../http/field.validators.js';
import { IsPosition, ReadQuery, toInteger } from '../../http/read-query.dto.js';
import { isProgramEventType, PROGRAM_EVENT_TYPES } from '../../program/program.events.js';

/** The query parameters of the audit history and its export (see `ReadQuery`). */

function IsEventTypeList(): PropertyDecorator {
  return ValidateBy({
    name: 'eventTypeList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.split(',').every((type) => isProgramEventType(type)),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be a comma-separated list of event types: ${PROGRAM_EVENT_TYPES.join(', ')}`,
    },
  });
}

export class AuditQuery extends ReadQuery {
  @IsOptional()
  @IsString()
  @IsPosition()
  @ApiPropertyOptional({ description: 'Cursor: the items after this position (the `next` of the previous page).', pattern: '^[0-9]+$', example: '1187' })
  after?: string;

  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: '$property must be an integer' })
  @Min(1)
  @Max(1000)
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Items per page.' })
  limit?: number;

  @IsOptional()
  @IsString()
  @IsEventTypeList()
  @ApiPropertyOptional({ description: 'Comma-separated event types.', example: 'TeamEliminated,TeamWithdrew' })
  type?: string;

  @SlugField(2, 64, {
    optional: true,
    description: "Events naming this team: its teamId, or a list (a round's results, a wild-card's admitted teams, the winners).",
    example: 'lg-ai-research',
  })
  teamId?: string;

  @IsOptional()
  @IsString()
  @CharacterLength(1, 200)
  @SafeText()
  @ApiPropertyOptional({ description: "The actor's id (the token's subject).", example: 'kim.official' })
  actor?: string;

  @IsOptional()
  @IsString()
  @IsRfc3339()
  @ApiPropertyOptional({ description: 'Recorded at or after this RFC 3339 time.', format: 'date-time' })
  from?: string;

  @IsOptional()
  @IsString()
  @IsRfc3339()
  @ApiPropertyOptional({ description: 'Recorded at or before this RFC 3339 time.', format: 'date-time' })
  to?: string;
}

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportQuery extends ReadQuery {
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'jsonl', description: 'JSON Lines of audit items, or CSV with a header row.' })
  format?: ExportFormat;
}

