import { PROGRAM_ERROR_CODES, PROGRAM_ERROR_KINDS, ProgramRuleError } from '../../src/program/program.errors.js';

describe('ProgramRuleError', () => {
  it('carries its code, a transport-agnostic kind and the message', () => {
    const error = new ProgramRuleError('FINALIST_SLOTS_FULL', 'All 5 finalist slots are taken (a, b, c, d, e).');
    expect(error).toBeInstanceOf(Error);
    expect({ name: error.name, code: error.code, kind: error.kind, message: error.message }).toEqual({
      name: 'ProgramRuleError',
      code: 'FINALIST_SLOTS_FULL',
      kind: 'rule',
      message: 'All 5 finalist slots are taken (a, b, c, d, e).',
    });
  });

  it('maps the 404 and 409 codes of API.md to not-found and conflict, and every other code to rule (422)', () => {
    const byKind = (kind: string) => PROGRAM_ERROR_CODES.filter((code) => PROGRAM_ERROR_KINDS[code] === kind).sort();
    expect(byKind('not-found')).toEqual(['PROGRAM_NOT_FOUND', 'ROUND_NOT_FOUND', 'TEAM_NOT_FOUND']);
    expect(byKind('conflict')).toEqual(['PROGRAM_ALREADY_EXISTS']);
    expect(byKind('rule')).toEqual(
      [
        'APPLICATIONS_CLOSED', 'APPLICATIONS_STILL_OPEN', 'DUPLICATE_APPLICATION', 'NOT_AN_APPLICANT', 'FINALIST_SLOTS_FULL',
        'NO_FINALISTS', 'ROUND_ALREADY_OPEN', 'ROUND_NUMBER_INVALID', 'NO_OPEN_ROUND', 'TEAM_NOT_ACTIVE', 'UNKNOWN_CRITERION',
        'POINTS_OUT_OF_RANGE', 'SCORE_ALREADY_RECORDED', 'NO_SCORE_TO_CORRECT', 'SCORES_MISSING', 'ROUND_NOT_CLOSED',
        'NO_VIOLATION_FINDING', 'UNKNOWN_RULE', 'WINNER_CANNOT_WITHDRAW', 'WILDCARD_ALREADY_OPEN', 'NO_ELIMINATIONS',
        'WILDCARD_NOT_OPEN', 'NOT_ELIGIBLE_FOR_WILDCARD', 'WILDCARD_SLOTS_EXCEEDED', 'NOT_A_WILDCARD_APPLICANT',
        'NOT_A_FINALIST', 'PROGRAM_CONCLUDED',
      ].sort(),
    );
  });
});
