import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, ValidateBy, type ValidationArguments } from 'class-validator';
import { SlugField } from '../../http/field.decorators.js';
import { IsRfc3339, isRfc3339WithOffset } from '../../http/field.validators.js';
import { isPosition, ReadQuery, toInteger } from '../../http/read-query.dto.js';
import { TEAM_STATUSES } from '../../program/program.state.js';

/** The query parameters of the standings reads (see `ReadQuery`). */

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

