import type { IncomingMessage } from 'node:http';
import { correlationIdOf } from '../../src/observability/request-notes.js';
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { FastifyRequest } from 'fastify';
import {
  decisionContext,
  readCorrelationId,
  readDecisionRequest,
  readIdempotencyKey,
  readIfMatch,
  requestFingerprint,
} from '../../src/decisions/decision-context.js';
import { ProgramParams, RoundParams } from '../../src/http/params.dto.js';
import { ProblemError } from '../../src/http/problem.js';
import { check } from './dto-check.js';

const official = { id: 'kim.official', role: 'official' } as const;
const path = '/api/programs/sovereign-ai-2025/rounds/1/scores';

function problemOf(read: () => unknown): ProblemError | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
}

describe('the request fingerprint', () => {
  const body = { teamId: 'lg-ai-research', criterion: 'benchmark', points: 33.6, reason: 'Benchmark results.' };

  it('is SHA-256 hex of method, path and the canonical JSON of the body', () => {
    const canonical = '{"criterion":"benchmark","points":33.6,"reason":"Benchmark results.","teamId":"lg-ai-research"}';
    const expected = createHash('sha256').update(`POST ${path}\n${canonical}`).digest('hex');
    expect(requestFingerprint('POST', path, body)).toBe(expected);
  });

  it('does not change with the order of keys, whitespace, or how a number is written', () => {
    const reordered = JSON.parse('{ "reason": "Benchmark results.",\n  "points": 33.60, "criterion": "benchmark", "teamId": "lg-ai-research" }') as unknown;
    expect(requestFingerprint('POST', path, reordered)).toBe(requestFingerprint('POST', path, body));
    const nested = { a: { y: 1, x: [{ d: 1, c: 2 }] } };
    expect(requestFingerprint('POST', path, { a: { x: [{ c: 2, d: 1 }], y: 1 } })).toBe(requestFingerprint('POST', path, nested));
  });

  it('changes with any value, the path or the method', () => {
    const reference = requestFingerprint('POST', path, body);
    expect(requestFingerprint('POST', path, { ...body, points: 33.7 })).not.toBe(reference);
    expect(requestFingerprint('POST', path, { ...body, reason: 'Benchmark results' })).not.toBe(reference);
    expect(requestFingerprint('POST', path.replace('/1/', '/2/'), body)).not.toBe(reference);
    expect(requestFingerprint('PUT', path, body)).not.toBe(reference);
  });

  it('keeps array order: the same members in another order are another application', () => {
    expect(requestFingerprint('POST', path, { members: ['a', 'b'] })).not.toBe(requestFingerprint('POST', path, { members: ['b', 'a'] }));
  });
});

describe('If-Match', () => {
  it.each([
    ['"7"', 7],
    ['W/"7"', 7],
    ['7', 7],
    ['"0"', 0],
  ])('reads %s as revision %p', (header, revision) => {
    expect(readIfMatch(header)).toBe(revision);
  });

  it('is optional', () => {
    expect(readIfMatch(undefined)).toBeUndefined();
  });

  it.each(['*', '"7", "8"', '"-1"', '"7', 'seven', '"1e3"', '""', '"9999999999999999"'])('refuses %j as a 400 on If-Match', (header) => {
    const problem = problemOf(() => readIfMatch(header));
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(problem?.extras.errors?.[0]?.field).toBe('If-Match');
  });
});

describe('Idempotency-Key and X-Correlation-Id', () => {
  it('take printable ASCII of 1 to 255 and 1 to 200 characters', () => {
    expect(readIdempotencyKey('k'.repeat(255))).toBe('k'.repeat(255));
    expect(readIdempotencyKey('2026-01-15 elimination of nc-ai')).toBe('2026-01-15 elimination of nc-ai');
    expect(readCorrelationId('c'.repeat(200))).toBe('c'.repeat(200));
  });

  it.each(['', 'k'.repeat(256), 'key\u0000', 'clé', 'key\ttab'])('refuse Idempotency-Key %j', (key) => {
    expect(problemOf(() => readIdempotencyKey(key))?.extras.errors?.[0]?.field).toBe('Idempotency-Key');
  });

  it.each(['', 'c'.repeat(201), 'id\u007f'])('refuse X-Correlation-Id %j', (id) => {
    expect(problemOf(() => readCorrelationId(id))?.extras.errors?.[0]?.field).toBe('X-Correlation-Id');
  });

  it('gives a fresh UUID per request when no correlation id was sent, the same each time it is asked for one request', () => {
    const request = (header?: string) => ({ headers: header === undefined ? {} : { 'x-correlation-id': header } }) as unknown as IncomingMessage;
    expect(readCorrelationId(undefined)).toBeUndefined();
    const one = request();
    const first = correlationIdOf(one);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(correlationIdOf(one)).toBe(first);
    expect(correlationIdOf(request())).not.toBe(first);
    expect(correlationIdOf(request('case-17'))).toBe('case-17');
    // An unprintable one is not taken for the log (the decision refuses it with a 400).
    expect(correlationIdOf(request('bad\u007f'))).not.toBe('bad\u007f');
  });
});

describe('the decision context', () => {
  const body = { teamId: 'nc-ai', grounds: 'ranking', round: 1, reason: 'Ranked fifth.', legalBasis: 'Guidelines §7' };

  function request(headers: Record<string, string>, url = '/api/programs/sovereign-ai-2025/eliminations'): FastifyRequest {
    return {
      headers,
      raw: { headers },
      method: 'POST',
      url,
      routeOptions: { url: '/api/programs/:programId/eliminations' },
      params: { programId: 'sovereign-ai-2025' },
      body,
    } as unknown as FastifyRequest;
  }

  it('takes the actor from the token and the why from the body, and fingerprints the request', () => {
    const info = readDecisionRequest(request({ 'if-match': '"12"', 'idempotency-key': 'elim-nc-ai', 'x-correlation-id': 'press-2026-01-15' }));
    expect(decisionContext(official, { reason: body.reason, legalBasis: body.legalBasis }, info)).toEqual({
      actor: official,
      reason: 'Ranked fifth.',
      legalBasis: 'Guidelines §7',
      correlationId: 'press-2026-01-15',
      ifMatchRevision: 12,
      idempotency: { key: 'elim-nc-ai', fingerprint: requestFingerprint('POST', '/api/programs/sovereign-ai-2025/eliminations', body) },
    });
  });

  it('leaves out what was not sent', () => {
    const context = decisionContext(official, { reason: 'Ranked fifth.' }, readDecisionRequest(request({})));
    expect(Object.keys(context).sort()).toEqual(['actor', 'correlationId', 'reason']);
  });

  it('passes effectiveAt through as sent', () => {
    const context = decisionContext(official, { reason: 'x', effectiveAt: '2026-01-15T10:00:00+09:00' }, readDecisionRequest(request({})));
    expect(context.effectiveAt).toBe('2026-01-15T10:00:00+09:00');
  });

  it('fingerprints the route, so that another spelling of the same path is the same request', () => {
    const spelled = readDecisionRequest(request({ 'idempotency-key': 'k' }, '/API/Programs/sovereign-ai-2025/eliminations/'));
    const plain = readDecisionRequest(request({ 'idempotency-key': 'k' }));
    expect(decisionContext(official, body, spelled).idempotency).toEqual(decisionContext(official, body, plain).idempotency);
  });
});

describe('path parameters', () => {
  it('take a programId slug of 3 to 64 characters', async () => {
    expect((await check(ProgramParams, { programId: 'sovereign-ai-2025' }, 'param')).problem).toBeUndefined();
    for (const programId of ['ab', 'Sovereign-AI', 'a'.repeat(65), 'x%00y']) {
      const { problem } = await check(ProgramParams, { programId }, 'param');
      expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', detail: 'The request path is not valid' });
      expect(problem?.extras.errors?.map((e) => e.field)).toEqual(['programId']);
    }
  });

  it('convert a round of canonical digits into a number', async () => {
    const { value } = await check(RoundParams, { programId: 'sovereign-ai-2025', round: '1' }, 'param');
    expect(value).toEqual(Object.assign(new RoundParams(), { programId: 'sovereign-ai-2025', round: 1 }));
  });

  it.each(['0', '101', '1.5', '1e1', '0x1', ' 1', '01', '-1', 'one', ''])('refuse round %j', async (round) => {
    const { problem } = await check(RoundParams, { programId: 'sovereign-ai-2025', round }, 'param');
    expect(problem?.extras.errors?.map((e) => e.field)).toEqual(['round']);
  });
});
