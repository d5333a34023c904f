import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { startApp } from '../support/app-harness.js';
import { TOKENS } from '../support/http-client.js';
import { recordSoak } from './soak-report.js';

/**
 * Hostile input over HTTP, generated: bodies (huge, deeply nested, invalid UTF-8, `__proto__` and `constructor` keys,
 * duplicate keys, numbers at the edges, control characters), headers, path segments and query parameters. Whatever
 * comes, the answer is never a 5xx, a refusal is problem+json, a refused request appends nothing, and the process
 * stays up with its memory bounded. `DOCKET_SOAK=1` (npm run test:soak) runs ten times as many.
 */
const RUNS = process.env['DOCKET_SOAK'] ? 3000 : 300;
const PROGRAM = 'hostile-programme';
const DECISION_PATHS = [
  '/api/programs',
  `/api/programs/${PROGRAM}/applications`,
  `/api/programs/${PROGRAM}/applications/close`,
  `/api/programs/${PROGRAM}/finalists`,
  `/api/programs/${PROGRAM}/rounds`,
  `/api/programs/${PROGRAM}/rounds/1/scores`,
  `/api/programs/${PROGRAM}/rounds/1/score-corrections`,
  `/api/programs/${PROGRAM}/eliminations`,
  `/api/programs/${PROGRAM}/compliance-findings`,
  `/api/programs/${PROGRAM}/wildcard`,
  `/api/programs/${PROGRAM}/winners`,
];
const READ_PATHS = [`/api/programs/${PROGRAM}/standings`, `/api/programs/${PROGRAM}/audit`, '/api/audit', `/api/programs/${PROGRAM}/teams/t/timeline`, '/api/audit/proof/1', '/api/audit/consistency'];
const QUERY_NAMES = ['asOf', 'effectiveAsOf', 'limit', 'after', 'status', 'type', 'teamId', 'actor', 'from', 'to', 'treeSize', 'format', '__proto__', 'constructor'];

const edgeNumber = fc.constantFrom('1e309', '-1e309', '-0', '9007199254740993', '0.1e-400', '1E2', '00', '-', '1.', '.5', 'NaN', 'Infinity', '123456789012345678901234567890');
const controlString = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 20 });
const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'reason', 'teamId', 'points', 'programId', 'toString', ''), fc.string({ maxLength: 12 }));
const jsonText = fc.oneof(
  fc.json({ depthSize: 'medium' }),
  fc.record({ reason: fc.oneof(fc.string(), controlString), teamId: fc.oneof(fc.string(), controlString), points: edgeNumber }).map((r) => `{"reason":${JSON.stringify(r.reason)},"teamId":${JSON.stringify(r.teamId)},"points":${r.points}}`),
  fc.array(fc.tuple(key, fc.oneof(fc.json(), edgeNumber)), { maxLength: 8 }).map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  fc.constantFrom('{"reason":"a","reason":"b","teamId":"x","teamId":"y"}', '{"__proto__":{"isAdmin":true},"reason":"x"}', '{"constructor":{"prototype":{"polluted":1}}}'),
  fc.integer({ min: 100, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 100, max: 20_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 60_000, max: 3_000_000 }).map((size) => `{"reason":"${'x'.repeat(size)}"}`),
  fc.string({ maxLength: 200 }),
);
const body = fc.oneof(
  jsonText.map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.concat([Buffer.from('{"reason":"'), Buffer.from(bytes), Buffer.from('"}')])),
  fc.constantFrom(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00])),
);
const headerValue = fc.oneof(fc.string({ maxLength: 300 }).filter((v) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v)), edgeNumber, fc.constantFrom('"1"', 'W/"1"', '*', '"-1"', '"99999999999999999999"', ''));
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x'),
    'if-match': headerValue,
    'idempotency-key': headerValue,
    'x-correlation-id': headerValue,
    'content-encoding': fc.constantFrom('gzip', 'identity', 'br'),
  },
  { requiredKeys: ['content-type'] },
);
const segment = fc.oneof(fc.string({ maxLength: 40 }).map(encodeURIComponent), fc.constantFrom('%', '%zz', '%00', '..', '%2e%2e', 'a'.repeat(3000), '%E0%A4%A', '%C0%AF'));
const query = fc.array(fc.tuple(fc.constantFrom(...QUERY_NAMES), fc.oneof(fc.string({ maxLength: 30 }), edgeNumber, fc.constantFrom('%', '%zz', '2026-13-45T99:99:99Z', '-1', '1001', ''))), { maxLength: 4 });

type Attempt =
  | { kind: 'decision'; path: string; body: Buffer; headers: Record<string, string> }
  | { kind: 'read'; path: string; query: Array<[string, string]> }
  | { kind: 'path'; segments: string[]; method: string };
const attempt: fc.Arbitrary<Attempt> = fc.oneof(
  fc.record({ kind: fc.constant('decision' as const), path: fc.constantFrom(...DECISION_PATHS), body, headers }),
  fc.record({ kind: fc.constant('read' as const), path: fc.constantFrom(...READ_PATHS), query }),
  fc.record({ kind: fc.constant('path' as const), segments: fc.array(segment, { minLength: 1, maxLength: 4 }), method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') }),
);

interface Answer {
  status: number;
  type: string | undefined;
}

/** One raw request (fetch would refuse some of these headers and URLs before they left). */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, payload?: Buffer): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { authorization: `Bearer ${TOKENS.official}`, ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, type: response.headers['content-type'] }));
    });
    request.on('error', reject);
    request.end(payload);
  });
}

describe('hostile input: never a 5xx, always problem+json, nothing appended, the process up', () => {
  let running: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    running = await startApp('sqlite');
    const launched = await fetch(`${running.baseUrl}/api/programs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.official}`, 'content-type': 'application/json' },
      body: JSON.stringify({ programId: PROGRAM, title: 'Hostile', ministry: 'MSIT', finalistSlots: 2, winnerSlots: 1, reason: 'launch', rules: [{ ruleId: 'independent-development', text: 'x' }] }),
    });
    expect(launched.status).toBe(201);
  });
  afterAll(async () => {
    await running?.stop();
  });

  it(`survives ${RUNS} generated requests`, async () => {
    const store = running.app.get<EventStore>(EVENT_STORE);
    const rssBefore = process.memoryUsage().rss;
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(attempt, async (hostile) => {
        const head = await store.headPosition();
        let answer: Answer;
        if (hostile.kind === 'decision') answer = await send(running.baseUrl, 'POST', hostile.path, hostile.headers, hostile.body);
        else if (hostile.kind === 'read') {
          const search = hostile.query.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
          answer = await send(running.baseUrl, 'GET', `${hostile.path}?${search}`, {});
        } else answer = await send(running.baseUrl, hostile.method, `/api/programs/${hostile.segments.join('/')}`, {});
        seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) {
          expect(answer.type).toBe('application/problem+json; charset=utf-8');
          expect(await store.headPosition()).toBe(head);
        }
      }),
      { numRuns: RUNS, seed: Number(process.env['DOCKET_SEED'] ?? Date.now() % 2 ** 31) },
    );
    // It answered and was not just refusing everything as unauthenticated.
    expect(seen.get(401) ?? 0).toBe(0);
    expect([...seen.keys()].some((status) => status === 400)).toBe(true);
    const health = await fetch(`${running.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 2 ** 20);
    recordSoak('hostile input', { operations: RUNS, invalidInputs: RUNS - (seen.get(200) ?? 0) - (seen.get(201) ?? 0) });
    const polluted = {} as Record<string, unknown>;
    expect(polluted['isAdmin'] ?? polluted['polluted']).toBeUndefined();
  }, 300_000);
});
