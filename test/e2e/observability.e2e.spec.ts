import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { DEV_SIGNING_KEY_FILE } from '../../src/integrity/signing-key.js';
import { httpClient, TOKENS } from '../support/http-client.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const METRICS_TOKEN = 'scrape-token-0123456789abcdef0123456789abcdef';
const SECRET_REASON = 'body-marker-7f3a9c never to be logged';
const launch = (programId: string) => ({
  programId,
  title: 'Observed programme',
  ministry: 'Ministry of Science and ICT',
  finalistSlots: 2,
  winnerSlots: 1,
  reason: SECRET_REASON,
  rules: [{ ruleId: 'independent-development', text: 'Train from scratch.' }],
});
const application = (teamId: string) => ({ teamId, consortiumName: `${teamId} consortium`, leadOrganization: teamId, members: [teamId], reason: SECRET_REASON });

/** A log destination that keeps every line pino wrote. */
class LogCapture extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }
  get text(): string {
    return this.chunks.join('');
  }
  lines(): Array<Record<string, any>> {
    return this.text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, any>);
  }
}

async function start(env: Record<string, string>, log?: LogCapture) {
  const data = tempDir('docket-observe-');
  const config = loadConfig({ PORT: '0', DATA_DIR: data.path, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env });
  const app = await createApp(config, log ? { logDestination: log } : { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, data, baseUrl: `http://127.0.0.1:${port}` };
}

/** The value of one sample of a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value) && Object.keys(found).length === Object.keys(labels).length) return Number(match[3]);
  }
  return 0;
}

describe('logs: one structured line per request, never a secret', () => {
  const log = new LogCapture();
  let running: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    running = await start({ METRICS_TOKEN }, log);
  });
  afterAll(async () => {
    await running.app.close();
    running.data.remove();
  });

  it('logs a decision with its command, programme, outcome, positions, actor and correlation id, and no token, body or key', async () => {
    const http = httpClient(running.baseUrl);
    expect((await http.post('/api/programs', launch('logged'), { headers: { 'x-correlation-id': 'press-2026-01-15' } })).status).toBe(201);
    const applied = await http.post('/api/programs/logged/applications', application('lg-ai-research'), { headers: { 'idempotency-key': 'lg-app' } });
    expect(applied.status).toBe(201);
    expect((await http.post('/api/programs/logged/applications', application('lg-ai-research'), { headers: { 'idempotency-key': 'lg-app' } })).status).toBe(200);
    expect((await http.post('/api/programs/logged/applications', application('lg-ai-research'))).status).toBe(422);
    expect((await http.post('/api/programs/logged/applications', { ...application('x'), teamId: 'NOT A SLUG' })).status).toBe(400);
    // Every role's token, an unknown one and the metrics token are used once at least.
    for (const role of Object.keys(TOKENS) as Array<keyof typeof TOKENS>) await http.get('/api/programs/logged/standings', { role });
    await http.get('/api/programs', { role: null, headers: { authorization: 'Bearer not-a-known-token-5c1e' } });
    await fetch(`${running.baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    await until(async () => log.lines(), (lines) => lines.some((line) => line.req?.url === '/api/metrics'));

    const text = log.text;
    const secrets = [...Object.values(TOKENS), 'dev-chair-token', 'not-a-known-token-5c1e', METRICS_TOKEN, SECRET_REASON, 'body-marker-7f3a9c'];
    for (const secret of secrets) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    expect(text.toLowerCase()).not.toContain('bearer');
    const key = readFileSync(join(running.data.path, DEV_SIGNING_KEY_FILE), 'utf8');
    const keyBody = key.split('\n').filter((line) => line !== '' && !line.startsWith('-----')).join('');
    expect(keyBody.length).toBeGreaterThan(40);
    expect(text).not.toContain(keyBody);

    const lines = log.lines();
    const launched = lines.find((line) => line.req?.method === 'POST' && line.req?.url === '/api/programs')!;
    expect(launched).toMatchObject({
      level: 'info',
      correlationId: 'press-2026-01-15',
      route: '/api/programs',
      res: { statusCode: 201 },
      actor: { id: 'kim.official', role: 'official' },
      decision: { command: 'LaunchProgram', programId: 'logged', outcome: 'recorded', revision: 0 },
    });
    expect(typeof launched.durationMs).toBe('number');
    const [recorded, replayed, refused, invalid] = lines.filter((line) => line.route === '/api/programs/:programId/applications');
    expect(recorded).toMatchObject({ decision: { command: 'SubmitApplication', programId: 'logged', outcome: 'recorded', revision: 1, positions: { first: applied.body.position, last: applied.body.position } } });
    expect(recorded!.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(replayed).toMatchObject({ res: { statusCode: 200 }, decision: { outcome: 'replayed', revision: 1 } });
    expect(refused).toMatchObject({ level: 'warn', res: { statusCode: 422 }, code: 'DUPLICATE_APPLICATION', decision: { command: 'SubmitApplication', outcome: 'refused' } });
    expect(invalid).toMatchObject({ res: { statusCode: 400 }, code: 'VALIDATION_FAILED', decision: { command: 'SubmitApplication', outcome: 'refused' } });
    const unknown = lines.find((line) => line.res?.statusCode === 401)!;
    expect(unknown).toMatchObject({ code: 'UNAUTHENTICATED', route: '/api/programs' });
    expect(unknown.actor).toBeUndefined();
  });

  it('keeps the correlation id of a decision the same in its log line and in its events', async () => {
    const http = httpClient(running.baseUrl);
    const response = await http.post('/api/programs/logged/applications', application('upstage'));
    expect(response.status).toBe(201);
    const line = log.lines().find((entry) => entry.decision?.positions?.first === response.body.position)!;
    const audit = await http.get('/api/programs/logged/audit?limit=100', { role: 'auditor' });
    const entry = (audit.body.items as Array<{ position: string; correlationId?: string; metadata?: { correlationId?: string } }>).find((item) => item.position === response.body.position)!;
    expect(entry.correlationId ?? entry.metadata?.correlationId).toBe(line.correlationId);
  });
});

describe('metrics: GET /api/metrics', () => {
  let running: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    running = await start({ METRICS_TOKEN });
  });
  afterAll(async () => {
    await running.app.close();
    running.data.remove();
  });
  const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${TOKENS.admin}` }) => {
    const response = await fetch(`${running.baseUrl}/api/metrics`, { headers });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  it('is open to an admin, the metrics token and loopback clients; refuses other roles and unknown tokens', async () => {
    expect((await scrape()).status).toBe(200);
    expect((await scrape({ authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
    expect((await scrape({})).status).toBe(200);
    const official = await scrape({ authorization: `Bearer ${TOKENS.official}` });
    expect({ status: official.status, type: official.type }).toEqual({ status: 403, type: 'application/problem+json; charset=utf-8' });
    expect((await scrape({ authorization: 'Bearer nobody-knows-this' })).status).toBe(401);
    const answer = await scrape();
    expect(answer.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(answer.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(answer.text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('counts a decision load exactly: outcomes, refusals by code, appends, latency; and reads the projections, feed and lease', async () => {
    const http = httpClient(running.baseUrl);
    expect((await http.post('/api/programs', launch('counted'))).status).toBe(201);
    const before = (await scrape()).text;
    const feed = await fetch(`${running.baseUrl}/api/events/stream?programId=counted`, { headers: { authorization: `Bearer ${TOKENS.subscriber}`, accept: 'text/event-stream' } });
    expect(feed.status).toBe(200);

    const teams = Array.from({ length: 24 }, (_, i) => `team-${i}`);
    const recorded = await Promise.all(teams.map((teamId) => http.post('/api/programs/counted/applications', application(teamId), { headers: { 'idempotency-key': `app-${teamId}` } })));
    expect(recorded.map((r) => r.status)).toEqual(teams.map(() => 201));
    const replays = await Promise.all(teams.slice(0, 5).map((teamId) => http.post('/api/programs/counted/applications', application(teamId), { headers: { 'idempotency-key': `app-${teamId}` } })));
    expect(replays.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const duplicates = await Promise.all(teams.slice(0, 3).map((teamId) => http.post('/api/programs/counted/applications', application(teamId))));
    expect(duplicates.map((r) => r.status)).toEqual([422, 422, 422]);
    const stale = await http.post('/api/programs/counted/applications', application('late'), { headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    const last = recorded.map((r) => BigInt(r.body.position)).reduce((a, b) => (a > b ? a : b));
    // The feed's subscriber has the 24 events (and the launch before them) once the tail delivered them.
    const reader = feed.body!.getReader();
    let seen = '';
    while ((seen.match(/^id: /gm)?.length ?? 0) < 25) seen += new TextDecoder().decode((await reader.read()).value);
    await until(async () => (await http.get(`/api/programs/counted/standings?minPosition=${last}`, { role: 'auditor' })).status, (status) => status === 200);

    const after = (await scrape()).text;
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('docket_decisions_total', { command: 'SubmitApplication', outcome: 'recorded' })).toBe(24);
    expect(delta('docket_decisions_total', { command: 'SubmitApplication', outcome: 'replayed' })).toBe(5);
    expect(delta('docket_decisions_total', { command: 'SubmitApplication', outcome: 'refused' })).toBe(4);
    expect(delta('docket_decision_refusals_total', { command: 'SubmitApplication', code: 'DUPLICATE_APPLICATION' })).toBe(3);
    expect(delta('docket_decision_refusals_total', { command: 'SubmitApplication', code: 'REVISION_MISMATCH' })).toBe(1);
    expect(delta('docket_http_problems_total', { status: '422', code: 'DUPLICATE_APPLICATION' })).toBe(3);
    expect(delta('docket_decision_duration_seconds_count', { command: 'SubmitApplication', outcome: 'recorded' })).toBe(24);
    expect(delta('docket_event_store_append_duration_seconds_count', { outcome: 'ok' })).toBe(24);
    expect(delta('docket_event_store_append_errors_total', { kind: 'conflict' })).toBe(0);
    expect(delta('docket_http_requests_total', { method: 'POST', route: '/api/programs/:programId/applications', status: '201' })).toBe(24);
    expect(sample(after, 'docket_projection_position', { projection: 'standings' })).toBeGreaterThanOrEqual(Number(last));
    expect(sample(after, 'docket_projection_status', { projection: 'standings', status: 'live' })).toBe(1);
    expect(sample(after, 'docket_feed_connections', { state: 'open' })).toBe(1);
    expect(delta('docket_feed_events_delivered_total')).toBe(25);
    expect(sample(after, 'docket_read_models_lease_held')).toBe(1);

    await reader.cancel();
    await until(async () => sample((await scrape()).text, 'docket_feed_connections', { state: 'open' }), (open) => open === 0);
    expect(sample((await scrape()).text, 'docket_feed_connections_ended_total', { reason: 'client-gone' })).toBe(1);
  });
});

describe('metrics with the loopback closed', () => {
  it('wants a token even from this host', async () => {
    const running = await start({ METRICS_LOOPBACK: 'closed' });
    try {
      expect((await fetch(`${running.baseUrl}/api/metrics`)).status).toBe(401);
      expect((await fetch(`${running.baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${TOKENS.admin}` } })).status).toBe(200);
    } finally {
      await running.app.close();
      running.data.remove();
    }
  });
});

