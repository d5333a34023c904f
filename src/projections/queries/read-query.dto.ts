import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateBy, type ValidationArguments } from 'class-validator';
import { SlugField } from '../../http/field.decorators.js';
import { CharacterLength, IsRfc3339, isRfc3339WithOffset, SafeText } from '../../http/field.validators.js';
import { ProgramParams } from '../../http/params.dto.js';
import type { TeamStatus } from '../../program/program.state.js';
import { isProgramEventType, PROGRAM_EVENT_TYPES } from '../common/program-event.js';

/**
 * The query parameters of the reads. Query values arrive as strings (an array when repeated, which is refused); the
 * global ValidationPipe refuses unknown parameters as it refuses unknown body fields.
 */

const MAX_POSITION = 2n ** 63n - 1n;
const POSITION_MESSAGE = 'must be a position: a string of digits no greater than 9223372036854775807';

export function isPosition(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9]{1,19}$/.test(value) && BigInt(value) <= MAX_POSITION;
}

function IsPosition(): PropertyDecorator {
  return ValidateBy({
    name: 'position',
    validator: { validate: isPosition, defaultMessage: (args?: ValidationArguments) => `${args?.property} ${POSITION_MESSAGE}` },
  });
}

function IsPositionOrTime(): PropertyDecorator {
  return ValidateBy({
    name: 'positionOrTime',
    validator: {
      validate: (value: unknown) => isPosition(value) || isRfc3339WithOffset(value),
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property} must be a position (digits) or an RFC 3339 date-time with an offset, such as 2026-01-15T10:00:00+09:00`,
    },
  });
}

function IsEventTypeList(): PropertyDecorator {
  return ValidateBy({
    name: 'eventTypeList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.split(',').every((type) => isProgramEventType(type)),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be a comma-separated list of event types: ${PROGRAM_EVENT_TYPES.join(', ')}`,
    },
  });
}

const MIN_POSITION_DOCS = {
  description:
    'Read your own writes: wait (up to 5 s) until this read model has applied this position (the `position` of your last ' +
    'decision), else 503 READ_MODEL_NOT_READY with Retry-After.',
  pattern: '^[0-9]+$',
  example: '1187',
};

export class ReadQuery {
  @IsOptional()
  @IsString()
  @IsPosition()
  @ApiPropertyOptional(MIN_POSITION_DOCS)
  minPosition?: string;
}

export class TimeTravelQuery extends ReadQuery {
  @IsOptional()
  @IsString()
  @IsPositionOrTime()
  @ApiPropertyOptional({
    description:
      'Time travel on the recorded axis: a position (digits; the events at or before it) or an RFC 3339 time with an offset ' +
      '(the events recorded at or before it). The standings exactly as they were then, computed from the events.',
    example: '2026-01-15T12:00:00+09:00',
  })
  asOf?: string;

  @IsOptional()
  @IsString()
  @IsRfc3339()
  @ApiPropertyOptional({
    description:
      'Time travel on the effective axis: the standings as in force at this RFC 3339 time (the events whose occurredAt is at ' +
      'or before it, applied in position order). Combined with asOf, both bounds apply. revision and position are then ' +
      'those of the last event applied.',
    format: 'date-time',
    example: '2026-01-15T10:00:00+09:00',
  })
  effectiveAsOf?: string;
}

/** Only canonical decimal digits become a number, so `1e2` or ` 10` are refused instead of meaning 100 or 10. */
const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^(0|[1-9][0-9]{0,8})$/.test(value) ? Number(value) : value);

export const TEAM_STATUSES = ['applicant', 'finalist', 'eliminated', 'withdrawn', 'wildcard-applicant', 'winner'] as const satisfies readonly TeamStatus[];

function IsStatusList(): PropertyDecorator {
  return ValidateBy({
    name: 'statusList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.split(',').every((status) => (TEAM_STATUSES as readonly string[]).includes(status)),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be a comma-separated list of team statuses: ${TEAM_STATUSES.join(', ')}`,
    },
  });
}

/** The standings, whole or a page of their teams, now or at a past point. */
export class StandingsQuery extends TimeTravelQuery {
  @IsOptional()
  @IsString()
  @IsStatusList()
  @ApiPropertyOptional({ description: 'Only the teams with one of these statuses (comma-separated).', example: 'finalist,winner' })
  status?: string;

  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: '$property must be an integer' })
  @Min(1)
  @Max(1000)
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    description: 'Teams per page, in order of application; the answer then carries `next`. Without it, every team (of the statuses asked for).',
  })
  limit?: number;

  @SlugField(2, 64, {
    optional: true,
    description: "Cursor: the teams after this one in order of application (the previous page's `next`); 404 TEAM_NOT_FOUND for a team the programme does not have.",
    example: 'upstage',
  })
  after?: string;
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

export class TeamParams extends ProgramParams {
  @SlugField(2, 64, { description: 'The team.', example: 'lg-ai-research' })
  teamId!: string;
}
