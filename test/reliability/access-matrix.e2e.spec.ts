import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '../../src/auth/actor.js';
import { startApp } from '../support/app-harness.js';
import { TOKENS } from '../support/http-client.js';
import { routeTable } from '../support/route-table.js';

/**
 * Every route × every caller: no token, an unknown token, and a token of each role. The table below is API.md's
 * word on who may call what; the routes come from the application itself, so a route added without a row here fails
 * the first test, and a row whose route changed its roles fails the second. Over HTTP, a caller the route refuses
 * gets 401 (no or unknown token) or 403 (a role it does not allow), as problem+json; one it allows gets anything
 * but those, and never a 5xx (the requests carry no body and sample ids: a 400, 404 or 422 is an allowed caller).
 */
const READERS: Role[] = ['official', 'evaluator', 'auditor', 'admin'];
const AUDIT: Role[] = ['auditor', 'official', 'admin'];
const EVERY: Role[] = ['official', 'evaluator', 'auditor', 'subscriber', 'admin'];
type Access = Role[] | 'public' | 'metrics';

const EXPECTED: Record<string, Access> = {
  'GET /api/health': 'public',
  'GET /api/metrics': 'metrics',
  'GET /': 'public',
  'GET /console/:file': 'public',
  'GET /console/vendor/:file': 'public',
  'GET /api/session': EVERY,
  'POST /api/programs': ['official'],
  'POST /api/programs/:programId/applications': ['official'],
  'POST /api/programs/:programId/applications/close': ['official'],
  'POST /api/programs/:programId/finalists': ['official'],
  'POST /api/programs/:programId/winners': ['official'],
  'POST /api/programs/:programId/rounds': ['official'],
  'POST /api/programs/:programId/rounds/:round/scores': ['official', 'evaluator'],
  'POST /api/programs/:programId/rounds/:round/score-corrections': ['official'],
  'POST /api/programs/:programId/rounds/:round/close': ['official'],
  'POST /api/programs/:programId/rules': ['official'],
  'POST /api/programs/:programId/compliance-findings': ['official'],
  'POST /api/programs/:programId/eliminations': ['official'],
  'POST /api/programs/:programId/withdrawals': ['official'],
  'POST /api/programs/:programId/wildcard': ['official'],
  'POST /api/programs/:programId/wildcard/applications': ['official'],
  'POST /api/programs/:programId/wildcard/close': ['official'],
  'GET /api/admin/projections': ['admin'],
  'POST /api/admin/projections/:name/rebuild': ['admin'],
  'GET /api/programs': READERS,
  'GET /api/programs/:programId/standings': READERS,
  'GET /api/programs/:programId/teams/:teamId/standing': READERS,
  'GET /api/programs/:programId/teams/:teamId/timeline': READERS,
  'GET /api/programs/:programId/audit': AUDIT,
  'GET /api/audit': AUDIT,
  'GET /api/programs/:programId/audit/export': AUDIT,
  'GET /api/audit/verify': AUDIT,
  'GET /api/audit/checkpoints': AUDIT,
  'GET /api/audit/public-key': AUDIT,
  'GET /api/audit/proof/:position': AUDIT,
  'GET /api/audit/consistency': AUDIT,
  'GET /api/events/stream': ['subscriber', 'auditor', 'admin'],
  'GET /api/events/schema': EVERY,
};
const SAMPLES: Record<string, string> = { programId: 'matrix-programme', teamId: 'nobody', round: '1', name: 'no-such-projection', position: '1', file: 'style.css' };
const CALLERS: Array<{ name: string; token: string | null; role: Role | null }> = [
  { name: 'no token', token: null, role: null },
  { name: 'an unknown token', token: 'not-a-token-of-anyone', role: null },
  ...(Object.entries(TOKENS) as Array<[Role, string]>).map(([role, token]) => ({ name: role, token, role })),
];

/** What a caller must get: a status, or 'allowed' (anything but 401 and 403, and never a 5xx). */
function expected(access: Access, caller: (typeof CALLERS)[number]): number | 'allowed' {
  if (access === 'public') return 'allowed';
  if (access === 'metrics') return caller.token === null ? 'allowed' : caller.role === null ? 401 : caller.role === 'admin' ? 'allowed' : 403;
  if (caller.role === null) return 401;
  return access.includes(caller.role) ? 'allowed' : 403;
}

describe('the access-control matrix: every route × every caller', () => {
  let running: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    running = await startApp('sqlite');
  });
  afterAll(async () => {
    await running?.stop();
  });
  const routes = () =>
    routeTable(running.app).map(({ method, path, access }) => {
      const served = path === '/' || path.startsWith('/console/') ? path : `/api${path}`;
      return { key: `${method} ${served}`, access };
    });

  it('has a row for every route the application serves, and a route for every row', () => {
    expect(routes().map((route) => route.key).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("declares on each route the roles of the table (what the guard enforces)", () => {
    for (const { key, access } of routes()) {
      const declared = access?.kind === 'public' ? (key === 'GET /api/metrics' ? 'metrics' : 'public') : [...(access?.roles ?? [])].sort();
      const wanted = EXPECTED[key]!;
      expect({ key, access: declared }).toEqual({ key, access: typeof wanted === 'string' ? wanted : [...wanted].sort() });
    }
  });

  it('answers every caller on every route as the table says, over HTTP', async () => {
    const cells: Array<{ route: string; caller: string; status: number; expected: number | 'allowed' }> = [];
    for (const [key, access] of Object.entries(EXPECTED)) {
      const [method, pattern] = key.split(' ') as [string, string];
      const path = pattern.replace(/:(\w+)/g, (_m, name: string) => SAMPLES[name]!);
      for (const caller of CALLERS) {
        const controller = new AbortController();
        const response = await fetch(`${running.baseUrl}${path}`, {
          method,
          headers: caller.token ? { authorization: `Bearer ${caller.token}` } : {},
          signal: controller.signal,
        });
        // The feed would stream for ever: its status is all this needs.
        controller.abort();
        const want = expected(access, caller);
        cells.push({ route: key, caller: caller.name, status: response.status, expected: want });
        if (response.status === 401 || response.status === 403) expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      }
    }
    const wrong = cells.filter(({ status, expected: want }) => (want === 'allowed' ? status === 401 || status === 403 || status >= 500 : status !== want));
    expect(wrong).toEqual([]);
    expect(cells).toHaveLength(Object.keys(EXPECTED).length * CALLERS.length);
  });
});
