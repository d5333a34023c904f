import { describe, expect, it } from '@jest/globals';
import { hasAtMostTwoDecimals, isRfc3339WithOffset, toHundredths } from '../../src/http/field.validators.js';
import { DecisionDto } from '../../src/decisions/decision.dto.js';
import { ScoreDto } from '../../src/decisions/rounds.dto.js';
import { SelectWinnerDto } from '../../src/decisions/winners.dto.js';
import { LaunchProgramDto } from '../../src/decisions/program-launch.dto.js';
import { check, fieldsOf, problemsOf } from './dto-check.js';
import { launch, score, winner } from './decision-bodies.fixtures.js';

/** API.md's conventions, shown on the fields every body has and on a few typical ones. */

describe('the common part of every decision body', () => {
  it('needs a reason and takes legalBasis and effectiveAt', async () => {
    expect(await problemsOf(DecisionDto, { reason: 'x' })).toEqual([]);
    expect(await problemsOf(DecisionDto, { reason: 'x', legalBasis: 'Guidelines §3', effectiveAt: '2026-01-15T10:00:00+09:00' })).toEqual([]);
    expect(await problemsOf(DecisionDto, {})).toEqual([{ field: 'reason', message: 'reason is required' }]);
  });

  it('refuses an empty or a 2001-character reason, and takes 2000 (counted in characters, not UTF-16 units)', async () => {
    expect(await fieldsOf(DecisionDto, { reason: '' })).toEqual(['reason']);
    expect(await fieldsOf(DecisionDto, { reason: 'a'.repeat(2001) })).toEqual(['reason']);
    expect(await fieldsOf(DecisionDto, { reason: 'a'.repeat(2000) })).toEqual([]);
    expect(await fieldsOf(DecisionDto, { reason: '😀'.repeat(2000) })).toEqual([]);
    expect(await fieldsOf(DecisionDto, { reason: '😀'.repeat(2001) })).toEqual(['reason']);
  });

  it('takes a legalBasis of up to 200 characters, but not an empty one, nor null', async () => {
    expect(await fieldsOf(DecisionDto, { reason: 'x', legalBasis: 'b'.repeat(200) })).toEqual([]);
    expect(await fieldsOf(DecisionDto, { reason: 'x', legalBasis: 'b'.repeat(201) })).toEqual(['legalBasis']);
    expect(await fieldsOf(DecisionDto, { reason: 'x', legalBasis: '' })).toEqual(['legalBasis']);
    expect(await problemsOf(DecisionDto, { reason: 'x', legalBasis: null })).toEqual([{ field: 'legalBasis', message: 'legalBasis must be a string' }]);
  });

  it('refuses null for a required field with its own message', async () => {
    expect(await problemsOf(DecisionDto, { reason: null })).toEqual([{ field: 'reason', message: 'reason must not be null' }]);
  });

  it('refuses unknown fields, also one that names the actor: decisions are attributed to the token', async () => {
    expect(await problemsOf(DecisionDto, { reason: 'x', actor: 'kim.official' })).toEqual([
      { field: 'actor', message: 'actor is not a field of this request' },
    ]);
    expect(await fieldsOf(DecisionDto, { reason: 'x', legalbasis: 'case typo' })).toEqual(['legalbasis']);
  });
});

describe('free text', () => {
  it.each([
    ['newline and tab', 'First line\n\tindented'],
    ['Hangul', '독자 AI 파운데이션 모델 1차 평가 결과 발표'],
    ['markup, kept as text: it is escaped where it is shown, not here', '<script>alert(1)</script>'],
    ['zero-width joiner and right-to-left mark, which real names need', 'نام\u200c\u200fخانوادگی'],
  ])('takes %s', async (_what, reason) => {
    expect(await problemsOf(DecisionDto, { reason })).toEqual([]);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['carriage return', 'line\r\nline'],
    ['escape', '\u001b[31mred'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['the right-to-left override (Cf, but it makes text display in another order than stored)', 'invoice\u202Egpj.exe'],
    ['a bidirectional isolate', 'a\u2066b\u2069'],
    ['an unpaired surrogate', 'a\ud800b'],
  ])('refuses %s', async (_what, reason) => {
    expect(await problemsOf(DecisionDto, { reason })).toEqual([
      { field: 'reason', message: 'reason must not contain control characters other than newline and tab, bidirectional overrides or unpaired surrogates' },
    ]);
  });

  it('refuses a very long value without echoing it', async () => {
    const [problem] = await problemsOf(DecisionDto, { reason: '<script>'.repeat(5000) });
    expect(problem).toEqual({ field: 'reason', message: 'reason must be 1 to 2000 characters long' });
  });
});

describe('slugs', () => {
  it.each(['lg-ai-research', 'ab', 'sk-telecom', 'team-2025', 'x'.repeat(64)])('takes teamId %s', async (teamId) => {
    expect(await problemsOf(SelectWinnerDto, { ...winner, teamId })).toEqual([]);
  });

  it.each(['LG-AI', 'lg_ai', 'lg--ai', '-lg', 'lg-', 'lg ai', 'lg.ai', 'a', 'x'.repeat(65), 'ｌｇ', 'lg\u0000', ''])('refuses teamId %j', async (teamId) => {
    expect(await fieldsOf(SelectWinnerDto, { ...winner, teamId })).toEqual(['teamId']);
  });

  it('needs 3 to 64 characters for a programId', async () => {
    expect(await fieldsOf(LaunchProgramDto, { ...launch, programId: 'ab' })).toEqual(['programId']);
    expect(await fieldsOf(LaunchProgramDto, { ...launch, programId: 'abc' })).toEqual([]);
    expect(await fieldsOf(LaunchProgramDto, { ...launch, programId: 'a'.repeat(65) })).toEqual(['programId']);
  });

  it('refuses a number where a slug belongs', async () => {
    expect(await problemsOf(SelectWinnerDto, { ...winner, teamId: 42 })).toEqual([{ field: 'teamId', message: 'teamId must be a string' }]);
  });
});

describe('points', () => {
  it.each([0, 33.6, 31.6, 25, 0.01, 39.99, 1000, 0.1 + 0.2, 33.6 * 3, 1.005 * 1000])('takes %p', async (points) => {
    expect(await problemsOf(ScoreDto, { ...score, points })).toEqual([]);
  });

  it.each([33.605, 0.001, 1e-9, 12.3456])('refuses %p: more than two decimals', async (points) => {
    expect(await problemsOf(ScoreDto, { ...score, points })).toEqual([{ field: 'points', message: 'points must have at most two decimals' }]);
  });

  it('refuses negative points, and a number sent as a string (no implicit conversion)', async () => {
    expect(await problemsOf(ScoreDto, { ...score, points: -0.5 })).toEqual([{ field: 'points', message: 'points must not be less than 0' }]);
    expect(await problemsOf(ScoreDto, { ...score, points: '33.6' })).toEqual([{ field: 'points', message: 'points must be a number' }]);
    expect(await problemsOf(ScoreDto, { ...score, points: true })).toEqual([{ field: 'points', message: 'points must be a number' }]);
  });

  it('reads floating-point noise as the two-decimal value the client meant', () => {
    expect(hasAtMostTwoDecimals(0.1 + 0.2)).toBe(true);
    expect(toHundredths(0.1 + 0.2)).toBe(0.3);
    expect(toHundredths(33.6)).toBe(33.6);
    expect(Object.is(toHundredths(-0), 0)).toBe(true);
    expect(hasAtMostTwoDecimals(90.2 - 0.0001)).toBe(false);
  });
});

describe('integers', () => {
  it('refuses a fractional or out-of-range slot count, and "5" for 5', async () => {
    expect(await fieldsOf(LaunchProgramDto, { ...launch, finalistSlots: 2.5 })).toEqual(['finalistSlots']);
    expect(await fieldsOf(LaunchProgramDto, { ...launch, finalistSlots: 0 })).toEqual(['finalistSlots']);
    expect(await fieldsOf(LaunchProgramDto, { ...launch, finalistSlots: 1001 })).toEqual(['finalistSlots']);
    expect(await fieldsOf(LaunchProgramDto, { ...launch, finalistSlots: 1000 })).toEqual([]);
    expect(await problemsOf(LaunchProgramDto, { ...launch, winnerSlots: '2' })).toEqual([
      { field: 'winnerSlots', message: 'winnerSlots must be an integer number' },
    ]);
  });

  it('refuses more winner slots than finalist slots: such a programme could never conclude', async () => {
    expect(await problemsOf(LaunchProgramDto, { ...launch, finalistSlots: 2, winnerSlots: 3 })).toEqual([
      { field: 'winnerSlots', message: 'winnerSlots must not be greater than finalistSlots' },
    ]);
    expect(await fieldsOf(LaunchProgramDto, { ...launch, finalistSlots: 2, winnerSlots: 2 })).toEqual([]);
    expect(await fieldsOf(LaunchProgramDto, { ...launch, finalistSlots: 'two', winnerSlots: 3 })).toEqual(['finalistSlots']);
  });
});

describe('RFC 3339 times', () => {
  it.each([
    '2026-01-15T10:00:00+09:00',
    '2026-01-15T01:00:00Z',
    '2026-01-15T01:00:00.123Z',
    '2026-01-15T01:00:00.123456789-05:30',
    '2024-02-29T00:00:00Z',
  ])('takes %s', (value) => {
    expect(isRfc3339WithOffset(value)).toBe(true);
  });

  it.each([
    ['no offset', '2026-01-15T10:00:00'],
    ['a date alone', '2026-01-15'],
    ['a space for T', '2026-01-15 10:00:00Z'],
    ['lower-case t and z', '2026-01-15t10:00:00z'],
    ['no seconds', '2026-01-15T10:00Z'],
    ['an offset without colon', '2026-01-15T10:00:00+0900'],
    ['February 30th, which Date.parse would roll over', '2026-02-30T10:00:00Z'],
    ['February 29th of a common year', '2025-02-29T10:00:00Z'],
    ['hour 24, which Date.parse takes', '2026-01-15T24:00:00Z'],
    ['a leap second, which JavaScript cannot represent', '2016-12-31T23:59:60Z'],
    ['month 13', '2026-13-01T10:00:00Z'],
    ['offset hour 24', '2026-01-15T10:00:00+24:00'],
    ['a timestamp number as text', '1768438800000'],
    ['a year before 1970, which would be recorded as no RFC 3339 time', '0000-01-01T00:00:00+23:59'],
    ['a year Date.UTC would move to the 1900s', '0099-02-29T00:00:00Z'],
  ])('refuses %s', (_what, value) => {
    expect(isRfc3339WithOffset(value)).toBe(false);
  });

  it('is how effectiveAt is checked', async () => {
    expect(await problemsOf(DecisionDto, { reason: 'x', effectiveAt: '2026-01-15T10:00:00' })).toEqual([
      { field: 'effectiveAt', message: 'effectiveAt must be an RFC 3339 date-time with an offset, such as 2026-01-15T10:00:00+09:00' },
    ]);
    expect(await problemsOf(DecisionDto, { reason: 'x', effectiveAt: 1768438800000 })).toEqual([
      { field: 'effectiveAt', message: 'effectiveAt must be a string' },
    ]);
  });
});

describe('the body as a whole', () => {
  it.each([
    ['an array', [winner]],
    ['a string', 'lg-ai-research'],
    ['a number', 5],
  ])('refuses %s', async (_what, body) => {
    expect(await problemsOf(SelectWinnerDto, body)).toEqual([{ field: '', message: 'the request body must be a JSON object' }]);
  });

  it('refuses a deeply nested body as a 400 instead of overflowing the stack', async () => {
    const deep = JSON.parse(`{"reason":"x","teamId":"nc-ai","extra":${'['.repeat(20000)}${']'.repeat(20000)}}`) as unknown;
    expect(await problemsOf(SelectWinnerDto, deep)).toEqual([{ field: '', message: 'the request body must not nest deeper than 32 levels' }]);
  });

  it('answers a 400 VALIDATION_FAILED problem, and hands a valid body on as the DTO', async () => {
    const refused = await check(SelectWinnerDto, { reason: 'x' });
    expect(refused.problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', detail: 'The request body is not valid' });
    const taken = await check(SelectWinnerDto, winner);
    expect(taken.value).toBeInstanceOf(SelectWinnerDto);
    expect(taken.value).toEqual(Object.assign(new SelectWinnerDto(), winner));
  });

  it('drops a __proto__ key instead of letting it reach the prototype', async () => {
    const body = JSON.parse(`{"reason":"x","teamId":"nc-ai","__proto__":{"polluted":true}}`) as object;
    const { value } = await check(SelectWinnerDto, body);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((value as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
