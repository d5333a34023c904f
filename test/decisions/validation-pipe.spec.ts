import 'reflect-metadata';
import { IsInt, Min } from 'class-validator';
import { ProblemError } from '../../src/http/problem.js';
import { createValidationPipe } from '../../src/http/validation.js';
import { ProgramParams, RoundParams } from '../../src/http/params.dto.js';
import { ScoreDto } from '../../src/decisions/rounds.dto.js';

/** The shortcuts the pipe takes for speed must not change a single answer. */
const pipe = createValidationPipe();
const asParams = (metatype: new () => object) => ({ type: 'param' as const, metatype, data: undefined });
const asBody = (metatype: new () => object) => ({ type: 'body' as const, metatype, data: undefined });

async function problemOf(run: () => Promise<unknown>): Promise<ProblemError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('path parameters seen before', () => {
  it('give a fresh instance of the same valid value every time', async () => {
    const first = (await pipe.transform({ programId: 'sovereign-ai-2025', round: '2' }, asParams(RoundParams))) as RoundParams;
    first.round = 99;
    const again = (await pipe.transform({ programId: 'sovereign-ai-2025', round: '2' }, asParams(RoundParams))) as RoundParams;
    expect(again).toBeInstanceOf(RoundParams);
    expect(again).toEqual(Object.assign(new RoundParams(), { programId: 'sovereign-ai-2025', round: 2 }));
    expect(again).not.toBe(first);
  });

  it('are told apart by value and by class', async () => {
    const round = (await pipe.transform({ programId: 'sovereign-ai-2025', round: '3' }, asParams(RoundParams))) as RoundParams;
    const program = await pipe.transform({ programId: 'sovereign-ai-2025' }, asParams(ProgramParams));
    expect(round.round).toBe(3);
    expect(program).toBeInstanceOf(ProgramParams);
    expect(program).not.toBeInstanceOf(RoundParams);
  });

  it('are refused every time they are invalid, with the same problem', async () => {
    const problems = [];
    for (let i = 0; i < 3; i++) problems.push(await problemOf(() => pipe.transform({ programId: 'sovereign-ai-2025', round: '1e1' }, asParams(RoundParams))));
    expect(problems.map((problem) => [problem.status, problem.code, problem.detail])).toEqual(Array(3).fill([400, 'VALIDATION_FAILED', 'The request path is not valid']));
  });
});

describe('bodies validated many times', () => {
  it('are judged on their own rules each time', async () => {
    const valid = { teamId: 'upstage', criterion: 'benchmark', points: 33.6, reason: 'Recount.' };
    for (let i = 0; i < 3; i++) {
      expect(await pipe.transform({ ...valid }, asBody(ScoreDto))).toBeInstanceOf(ScoreDto);
      const problem = await problemOf(() => pipe.transform({ ...valid, points: -1, extra: true }, asBody(ScoreDto)));
      expect(problem.extras.errors?.map((error) => error.field).sort()).toEqual(['extra', 'points']);
    }
  });

  it('see the rules of a class defined after others were validated, and of its parents', async () => {
    await pipe.transform({ teamId: 'upstage', criterion: 'benchmark', points: 1, reason: 'Recount.' }, asBody(ScoreDto));
    class LaterDto extends ScoreDto {
      @IsInt()
      @Min(1)
      attempt!: number;
    }
    const problem = await problemOf(() => pipe.transform({ teamId: 'upstage', criterion: 'benchmark', points: 1, attempt: 0 }, asBody(LaterDto)));
    expect(problem.extras.errors?.map((error) => error.field).sort()).toEqual(['attempt', 'reason']);
  });
});

describe('the detail of a refusal', () => {
  it('names the part of the request that breaks the rules', async () => {
    const bad = { programId: 'Not A Slug' };
    const inBody = await problemOf(() => pipe.transform(bad, asBody(ProgramParams)));
    const inQuery = await problemOf(() => pipe.transform(bad, { type: 'query', metatype: ProgramParams, data: undefined }));
    const inPath = await problemOf(() => pipe.transform(bad, asParams(ProgramParams)));
    expect([inBody.detail, inQuery.detail, inPath.detail]).toEqual([
      'The request body is not valid',
      'The query parameters are not valid',
      'The request path is not valid',
    ]);
    expect(inQuery.extras.errors?.map((error) => error.field)).toEqual(['programId']);
  });
});
