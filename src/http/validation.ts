import { type ArgumentMetadata, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { type FieldProblem, ProblemError } from './problem.js';
import { rememberValidationRules } from './validation-rules-memo.js';

/**
 * The options of the global pipe, shared with the DTO tests so that they validate exactly as the app does.
 * - `forbidNonWhitelisted`: an unknown field is a 400, never silently dropped: a client that misspells `legalBasis`
 *   must hear of it, not have a decision recorded without it.
 * - No implicit conversion: `"5"` is not 5 in a body. Path parameters are converted explicitly (`RoundParams`).
 * - Every rule of a field is checked, but only the first it breaks is reported (presence, then type, then the rest):
 *   `stopAtFirstError` would do that too, but would also skip the nested fields of an array that breaks its own rule.
 */
export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: true, value: false },
} as const;

/** No decision body nests deeper than 4; a 64 KiB body of `[[[[…` would overflow the stack of the transformer. */
const MAX_BODY_DEPTH = 32;
const BUILT_IN_TYPES: readonly unknown[] = [String, Boolean, Number, Array, Object, Buffer, Date];

/** Distinct valid paths remembered per parameter class; beyond that the oldest is forgotten. */
const VALID_PARAMS_REMEMBERED = 1024;
type ParamsClass = new () => object;

class RequestValidationPipe extends ValidationPipe {
  private readonly validParams = new Map<ParamsClass, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await this.transformPart(value, metadata);
    } catch (error) {
      // The rules are the same for every part of a request; the detail says which part a client got wrong.
      if (error instanceof ProblemError && error.code === 'VALIDATION_FAILED' && metadata.type !== 'body') {
        throw new ProblemError(400, error.code, REQUEST_PART[metadata.type], error.extras);
      }
      throw error;
    }
  }

  private async transformPart(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param' && isDtoClass(metadata.metatype) && isStringRecord(value)) return this.transformParams(value, metadata, metadata.metatype);
    if (metadata.type === 'body') {
      if (nestsDeeperThan(value, MAX_BODY_DEPTH)) throw bodyProblem(`the request body must not nest deeper than ${MAX_BODY_DEPTH} levels`);
      // The transformer would read an array as an object with fields "0", "1"…; say what is wrong instead.
      const dto = metadata.metatype !== undefined && !BUILT_IN_TYPES.includes(metadata.metatype);
      const object = value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value));
      if (dto && !object) throw bodyProblem('the request body must be a JSON object');
    }
    return super.transform(value, metadata);
  }

  /**
   * Path parameters repeat from request to request (a client works on a few programmes), and their validation is a
   * pure function of the strings in the path: a path that passed once passes again with the same result, so that
   * result is remembered (about a third of the pipe's cost per decision, measured). A path that fails is never
   * remembered, so it is refused with the same problem every time.
   */
  private async transformParams(value: Record<string, string>, metadata: ArgumentMetadata, metatype: ParamsClass): Promise<unknown> {
    let known = this.validParams.get(metatype);
    if (!known) this.validParams.set(metatype, (known = new Map()));
    const key = JSON.stringify(value);
    const remembered = known.get(key);
    if (remembered) return Object.assign(Object.create(metatype.prototype as object) as object, remembered);
    const valid = (await super.transform(value, metadata)) as object;
    if (known.size >= VALID_PARAMS_REMEMBERED) known.delete(known.keys().next().value!);
    known.set(key, { ...valid });
    return valid;
  }
}

function isDtoClass(metatype: unknown): metatype is ParamsClass {
  return typeof metatype === 'function' && !BUILT_IN_TYPES.includes(metatype);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every((item) => typeof item === 'string');
}

export function createValidationPipe(): ValidationPipe {
  rememberValidationRules();
  const options: ValidationPipeOptions = {
    ...VALIDATION_OPTIONS,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors: ValidationError[]) => validationProblem(errors),
  };
  return new RequestValidationPipe(options);
}

function bodyProblem(message: string): ProblemError {
  return new ProblemError(400, 'VALIDATION_FAILED', 'The request body is not valid', { errors: [{ field: '', message }] });
}

/** Iterative, so that measuring a hostile body cannot overflow the stack either. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[node: unknown, depth: number]> = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

const REQUEST_PART: Record<ArgumentMetadata['type'], string> = {
  body: 'The request body is not valid',
  query: 'The query parameters are not valid',
  param: 'The request path is not valid',
  custom: 'The request is not valid',
};

export function validationProblem(errors: ValidationError[]): ProblemError {
  return new ProblemError(400, 'VALIDATION_FAILED', REQUEST_PART.body, { errors: fieldProblems(errors) });
}

/**
 * One entry per field that breaks a rule, nested fields as dotted paths (`scorecard.0.maxPoints`). A body that is
 * not an object at all (an array, a string) is reported on the field `""`, the whole body.
 */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const property = error.property ?? '';
    const field = parent === '' ? property : `${parent}.${property}`;
    const first = Object.entries(error.constraints ?? {})[0];
    const own = first ? [{ field, message: phrase(first[0], first[1], property, field) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** class-validator's messages name the property alone ("maxPoints must…"); a client needs the whole path. */
function phrase(rule: string, message: string, property: string, field: string): string {
  if (rule === 'unknownValue') return field === '' ? 'the request body must be a JSON object' : `${field} must be an object`;
  if (rule === 'whitelistValidation') return `${field} is not a field of this request`;
  if (rule === 'nestedValidation') return `${field} must be an object`;
  if (message.startsWith(`${property} `)) return `${field}${message.slice(property.length)}`;
  return message.replace(`each of ${property} `, `each of ${field} `);
}
