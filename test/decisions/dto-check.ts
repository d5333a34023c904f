import 'reflect-metadata';
import type { Paramtype } from '@nestjs/common';
import { ProblemError, type FieldProblem } from '../../src/http/problem.js';
import { createValidationPipe } from '../../src/http/validation.js';

const pipe = createValidationPipe();

/** Runs a plain value through the app's own pipe: the DTO instance when valid, else the 400's problem. */
export async function check(dto: new () => object, plain: unknown, type: Paramtype = 'body'): Promise<{ value?: unknown; problem?: ProblemError }> {
  try {
    return { value: await pipe.transform(plain, { type, metatype: dto, data: '' }) };
  } catch (error) {
    if (error instanceof ProblemError) return { problem: error };
    throw error;
  }
}

/** The `errors` of the 400, or `[]` when the value is valid. */
export async function problemsOf(dto: new () => object, plain: unknown, type: Paramtype = 'body'): Promise<FieldProblem[]> {
  const { problem } = await check(dto, plain, type);
  return problem?.extras.errors ?? [];
}

export async function fieldsOf(dto: new () => object, plain: unknown): Promise<string[]> {
  return (await problemsOf(dto, plain)).map((problem) => problem.field);
}

export const because = { reason: 'Announced by the ministry on 2026-01-15.' };
