import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, ValidateBy, type ValidationArguments } from 'class-validator';
import { SlugField } from './field.decorators.js';
import { ProgramParams } from './params.dto.js';

/**
 * The query parameters of the reads. Query values arrive as strings (an array when repeated, which is refused); the
 * global ValidationPipe refuses unknown parameters as it refuses unknown body fields.
 */

const MAX_POSITION = 2n ** 63n - 1n;
const POSITION_MESSAGE = 'must be a position: a string of digits no greater than 9223372036854775807';

export function isPosition(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9]{1,19}$/.test(value) && BigInt(value) <= MAX_POSITION;
}

export function IsPosition(): PropertyDecorator {
  return ValidateBy({
    name: 'position',
    validator: { validate: isPosition, defaultMessage: (args?: ValidationArguments) => `${args?.property} ${POSITION_MESSAGE}` },
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

/** Only canonical decimal digits become a number, so `1e2` or ` 10` are refused instead of meaning 100 or 10. */
export const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^(0|[1-9][0-9]{0,8})$/.test(value) ? Number(value) : value);

export class TeamParams extends ProgramParams {
  @SlugField(2, 64, { description: 'The team.', example: 'lg-ai-research' })
  teamId!: string;
}
