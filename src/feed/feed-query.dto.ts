import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, ValidateBy, type ValidationArguments } from 'class-validator';
import { OptionalField } from '../http/field.validators.js';
import { SlugField } from '../http/field.decorators.js';
import { isProgramEventType, PROGRAM_EVENT_TYPES } from '../program/program.events.js';
import { parsePosition, POSITION_MESSAGE } from './feed-position.js';

const MAX_TYPES = PROGRAM_EVENT_TYPES.length;

/** The comma-separated event types of `types`, or null when one of them is unknown or empty. */
export function parseEventTypes(value: string): string[] | null {
  const types = value.split(',');
  return types.length <= MAX_TYPES * 4 && types.every(isProgramEventType) ? [...new Set(types)] : null;
}

/** `GET /api/events/stream`'s query: an unknown parameter is a 400 like an unknown field of a body. */
export class FeedQuery {
  @OptionalField()
  @IsString()
  @ValidateBy({
    name: 'position',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parsePosition(value) !== null,
      defaultMessage: (args?: ValidationArguments) => `${args?.property} ${POSITION_MESSAGE}`,
    },
  })
  @ApiPropertyOptional({
    description:
      'Start after this position (exclusive): only events recorded after it are sent. Default: the whole history. ' +
      'A Last-Event-ID header wins over it, so a browser that reconnects with the original URL resumes where it was.',
    pattern: '^(0|[1-9][0-9]{0,18})$',
    example: '1187',
  })
  after?: string;

  @OptionalField()
  @IsString()
  @ValidateBy({
    name: 'eventTypes',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseEventTypes(value) !== null,
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be a comma-separated list of event types, each one of: ${PROGRAM_EVENT_TYPES.join(', ')}`,
    },
  })
  @ApiPropertyOptional({
    description: `Only these event types (comma-separated): ${PROGRAM_EVENT_TYPES.join(', ')}.`,
    example: 'TeamEliminated,WinnerSelected',
  })
  types?: string;

  @SlugField(3, 64, { optional: true, description: "Only this programme's events.", example: 'sovereign-ai-2025' })
  programId?: string;
}
