import { Transform } from 'class-transformer';
import { IntField, SlugField } from './field.decorators.js';

/** The `{programId}` of a decision's path, validated like a body field (the global ValidationPipe runs on it). */
export class ProgramParams {
  @SlugField(3, 64, { description: 'The programme.', example: 'sovereign-ai-2025' })
  programId!: string;
}

/**
 * The `{round}` path parameter arrives as a string. Only canonical decimal digits become a number, so that `1e1`,
 * `0x0a` or ` 10` are refused instead of silently meaning round 10, and one round has one path.
 */
export class RoundParams extends ProgramParams {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^(0|[1-9][0-9]{0,8})$/.test(value) ? Number(value) : value))
  @IntField(1, 100, { description: 'The evaluation round.', example: 1 })
  round!: number;
}
