import { describe, expect, it } from '@jest/globals';
import { CodedError } from '../../src/common/coded-error.js';
import { IdempotencyKeyReusedError, RevisionMismatchError } from '../../src/command-handling/decision-errors.js';
import { problemOf } from '../../src/http/problem-details.filter.js';
import { ProgramRuleError } from '../../src/program/program.errors.js';
import { ProjectionNotFoundError, ReadModelNotReadyError, RebuildInProgressError } from '../../src/projections/engine/read-model-errors.js';

describe('the problem an error stands for', () => {
  it('maps every coded error of the domain and the core by its kind, keeping its code and message', () => {
    const cases: Array<[CodedError, number]> = [
      [new ProgramRuleError('TEAM_NOT_FOUND', 'Team "x" never applied.'), 404],
      [new ProgramRuleError('PROGRAM_ALREADY_EXISTS', 'Launched already.'), 409],
      [new ProgramRuleError('FINALIST_SLOTS_FULL', 'All 2 finalist slots are taken (a, b).'), 422],
      [new RevisionMismatchError(4, 3), 412],
      [new IdempotencyKeyReusedError(), 409],
      [new ProjectionNotFoundError('nope'), 404],
      [new RebuildInProgressError('audit'), 409],
    ];
    for (const [error, status] of cases) {
      expect(problemOf(error)).toMatchObject({ status, code: error.code, detail: error.message, extras: {} });
    }
  });

  it('tells a client of an unavailable read model when to retry', () => {
    const problem = problemOf(new ReadModelNotReadyError('the standings read model has not applied position 12'));
    expect(problem).toMatchObject({ status: 503, code: 'READ_MODEL_NOT_READY', extras: { headers: { 'Retry-After': '1' } } });
    expect(problem.detail).toBe('The standings read model has not applied position 12; try again shortly.');
  });
});
