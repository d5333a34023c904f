import { expect, it } from '@jest/globals';
import { collect } from '../event-store/event-store.contract.js';
import { describeOnEachStore } from '../support/app-harness.js';
import { httpClient } from '../support/http-client.js';
import { FINALISTS, programmeHistory } from '../support/programme-history.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';

const launchBody = (programId: string, finalistSlots = 2) => ({
  programId,
  title: 'Test programme',
  ministry: 'Ministry of Science and ICT',
  finalistSlots,
  winnerSlots: 1,
  reason: 'testing',
  rules: [{ ruleId: 'independent-development', text: 'Train from scratch.' }],
});
const application = (teamId: string) => ({ teamId, consortiumName: `${teamId} consortium`, leadOrganization: teamId, members: [teamId], reason: 'received' });

describeOnEachStore('decisions over HTTP', (app) => {
  const http = () => httpClient(app().baseUrl);
  const store = () => app().app.get<EventStore>(EVENT_STORE);
  const streamOf = async (programId: string) => collect(store().readStream(`program-${programId}`));

  it('drives the real 2025–26 history through the API, every decision answered 201 with its revision', async () => {
    const programId = 'sovereign-ai-2025';
    const decisions = programmeHistory(programId);
    let revision = -1;
    for (const { path, body } of decisions) {
      const response = await http().post(path, body);
      expect({ path, status: response.status, body: response.body }).toMatchObject({ path, status: 201 });
      expect(response.body.revision).toBe(revision + 1);
      expect(response.headers.get('etag')).toBe(`"${response.body.revision}"`);
      expect(response.body.position).toMatch(/^\d+$/);
      revision = response.body.revision;
    }
    const events = await streamOf(programId);
    expect(events).toHaveLength(decisions.length);
    const closed = events.find((e) => e.type === 'EvaluationRoundClosed')!;
    expect(closed.data['results']).toEqual([
      { teamId: 'lg-ai-research', total: 90.2, rank: 1 },
      { teamId: 'sk-telecom', total: 86.4, rank: 2 },
      { teamId: 'naver-cloud', total: 85.7, rank: 3 },
      { teamId: 'upstage', total: 84.9, rank: 4 },
      { teamId: 'nc-ai', total: 78.3, rank: 5 },
    ]);
    const outRanked = events.find((e) => e.type === 'TeamEliminated' && e.data['teamId'] === 'nc-ai')!;
    expect(outRanked.data).toEqual({ teamId: 'nc-ai', stage: 1, grounds: 'ranking', round: 1 });
    const disqualified = events.find((e) => e.type === 'TeamEliminated' && e.data['teamId'] === 'naver-cloud')!;
    expect(disqualified.data).toEqual({ teamId: 'naver-cloud', stage: 1, grounds: 'rule-violation', ruleId: 'independent-development' });
    expect(disqualified.metadata).toMatchObject({
      actor: { id: 'kim.official', role: 'official' },
      reason: 'Disqualified under the independence rule',
      occurredAt: '2026-01-15T01:00:00.000Z',
    });
    expect(FINALISTS.every((teamId) => events.some((e) => e.type === 'FinalistSelected' && e.data['teamId'] === teamId))).toBe(true);
  });

  it('records the actor from the token, never from the body, and takes the correlation id from the header', async () => {
    const response = await http().post('/api/programs', { ...launchBody('attribution'), actor: 'somebody-else' });
    expect(response.status).toBe(400);
    const launched = await http().post('/api/programs', launchBody('attribution'), { headers: { 'x-correlation-id': 'press-briefing-7' } });
    expect(launched.status).toBe(201);
    const [event] = await streamOf('attribution');
    expect(event!.metadata).toMatchObject({ actor: { id: 'kim.official', role: 'official' }, correlationId: 'press-briefing-7', legalBasis: null });
  });

  it('lets exactly one of 20 concurrent requests take the last finalist slot', async () => {
    const programId = 'race-for-the-last-slot';
    expect((await http().post('/api/programs', launchBody(programId, 2))).status).toBe(201);
    const teams = Array.from({ length: 21 }, (_, i) => `team-${i}`);
    for (const teamId of teams) expect((await http().post(`/api/programs/${programId}/applications`, application(teamId))).status).toBe(201);
    expect((await http().post(`/api/programs/${programId}/applications/close`, { reason: 'closed' })).status).toBe(201);
    expect((await http().post(`/api/programs/${programId}/finalists`, { teamId: 'team-0', reason: 'first' })).status).toBe(201);
    const before = (await streamOf(programId)).length;
    const racers = await Promise.all(teams.slice(1).map((teamId) => http().post(`/api/programs/${programId}/finalists`, { teamId, reason: 'race' })));
    expect(racers.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = racers.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r).toMatchObject({ status: 422, body: { code: 'FINALIST_SLOTS_FULL', status: 422 } });
    expect(refused[0]!.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await streamOf(programId)).length).toBe(before + 1);
  });

  it('answers concurrent retries under one Idempotency-Key with the first response and appends once', async () => {
    const programId = 'idempotent-retries';
    await http().post('/api/programs', launchBody(programId));
    const headers = { 'idempotency-key': 'apply-upstage-1' };
    const responses = await Promise.all(Array.from({ length: 8 }, () => http().post(`/api/programs/${programId}/applications`, application('upstage'), { headers })));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(7);
    const bodies = new Set(responses.map((r) => JSON.stringify(r.body)));
    expect(bodies.size).toBe(1);
    // The same body with its keys in another order is the same request.
    const { teamId, ...rest } = application('upstage');
    const reordered = await http().post(`/api/programs/${programId}/applications`, { ...rest, teamId }, { headers });
    expect(reordered.status).toBe(200);
    const other = await http().post(`/api/programs/${programId}/applications`, application('lg-ai-research'), { headers });
    expect(other).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await streamOf(programId)).toHaveLength(2);
  });

  it('keeps idempotency keys across a restart, because they live in the programme stream', async () => {
    const programId = 'keys-survive-restarts';
    await http().post('/api/programs', launchBody(programId));
    const headers = { 'idempotency-key': 'apply-lg-1' };
    const first = await http().post(`/api/programs/${programId}/applications`, application('lg-ai-research'), { headers });
    expect(first.status).toBe(201);
    await app().restart();
    const again = await http().post(`/api/programs/${programId}/applications`, application('lg-ai-research'), { headers });
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    const reused = await http().post(`/api/programs/${programId}/applications`, application('upstage'), { headers });
    expect(reused).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await streamOf(programId)).toHaveLength(2);
  });

  it('stores nothing under the key of a refused request', async () => {
    const programId = 'refused-keys';
    await http().post('/api/programs', launchBody(programId));
    const headers = { 'idempotency-key': 'finalist-1' };
    expect((await http().post(`/api/programs/${programId}/finalists`, { teamId: 'upstage', reason: 'too early' }, { headers })).status).toBe(404);
    await http().post(`/api/programs/${programId}/applications`, application('upstage'));
    await http().post(`/api/programs/${programId}/applications/close`, { reason: 'closed' });
    expect((await http().post(`/api/programs/${programId}/finalists`, { teamId: 'upstage', reason: 'now' }, { headers })).status).toBe(201);
  });

  it('takes a decision under If-Match only at the current revision', async () => {
    const programId = 'if-match';
    const launched = await http().post('/api/programs', launchBody(programId));
    const stale = await http().post(`/api/programs/${programId}/applications`, application('upstage'), { headers: { 'if-match': '"7"' } });
    expect(stale).toMatchObject({ status: 412, body: { code: 'REVISION_MISMATCH' } });
    const fresh = await http().post(`/api/programs/${programId}/applications`, application('upstage'), { headers: { 'if-match': launched.headers.get('etag')! } });
    expect(fresh.status).toBe(201);
    const unknown = await http().post('/api/programs/nowhere-at-all/applications', application('upstage'), { headers: { 'if-match': '"7"' } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'PROGRAM_NOT_FOUND' } });
  });

  it('refuses every role that API.md refuses, before looking at the body', async () => {
    const programId = 'roles';
    await http().post('/api/programs', launchBody(programId));
    for (const role of ['evaluator', 'auditor', 'subscriber', 'admin'] as const) {
      const response = await http().post(`/api/programs/${programId}/applications`, application('upstage'), { role });
      expect({ role, status: response.status, code: response.body.code }).toEqual({ role, status: 403, code: 'FORBIDDEN' });
    }
    const anonymous = await http().post(`/api/programs/${programId}/applications`, { broken: true }, { role: null });
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    const badToken = await http().request('POST', `/api/programs/${programId}/applications`, { role: null, rawBody: '{', headers: { authorization: 'Bearer nope' } });
    expect(badToken).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    const anonymousOversized = await http().request('POST', `/api/programs/${programId}/applications`, { role: null, rawBody: JSON.stringify({ big: 'x'.repeat(100_000) }) });
    expect(anonymousOversized).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    const forbiddenBroken = await http().request('POST', `/api/programs/${programId}/applications`, { role: 'auditor', rawBody: '{' });
    expect(forbiddenBroken.status).toBe(403);
    expect(await streamOf(programId)).toHaveLength(1);
  });

  it('lets evaluators record scores but nothing else', async () => {
    const programId = 'evaluators';
    await http().post('/api/programs', launchBody(programId));
    await http().post(`/api/programs/${programId}/applications`, application('upstage'));
    await http().post(`/api/programs/${programId}/applications/close`, { reason: 'closed' });
    await http().post(`/api/programs/${programId}/finalists`, { teamId: 'upstage', reason: 'selected' });
    const opened = await http().post(`/api/programs/${programId}/rounds`, { round: 1, title: 'Round 1', scorecard: [{ criterion: 'benchmark', maxPoints: 40 }], reason: 'opens' }, { role: 'evaluator' });
    expect(opened.status).toBe(403);
    await http().post(`/api/programs/${programId}/rounds`, { round: 1, title: 'Round 1', scorecard: [{ criterion: 'benchmark', maxPoints: 40 }], reason: 'opens' });
    const scored = await http().post(`/api/programs/${programId}/rounds/1/scores`, { teamId: 'upstage', criterion: 'benchmark', points: 33.6, reason: 'panel' }, { role: 'evaluator' });
    expect(scored.status).toBe(201);
    const [, , , , , recorded] = await streamOf(programId);
    expect(recorded!.metadata['actor']).toEqual({ id: 'eva.evaluator', role: 'evaluator' });
    const corrected = await http().post(`/api/programs/${programId}/rounds/1/score-corrections`, { teamId: 'upstage', criterion: 'benchmark', points: 33.7, reason: 'typo' }, { role: 'evaluator' });
    expect(corrected.status).toBe(403);
  });

  it('answers malformed, mistyped, unknown, oversized, non-JSON and hostile input with 4xx and appends nothing', async () => {
    const programId = 'bad-input';
    await http().post('/api/programs', launchBody(programId));
    const path = `/api/programs/${programId}/applications`;
    const cases: Array<[string, Promise<{ status: number; body: any }>, number, string]> = [
      ['malformed JSON', http().request('POST', path, { rawBody: '{"teamId": ' }), 400, 'MALFORMED_JSON'],
      ['a JSON string instead of an object', http().request('POST', path, { rawBody: '"upstage"' }), 400, 'MALFORMED_JSON'],
      ['wrong type', http().post(path, { ...application('upstage'), members: 'upstage' }), 400, 'VALIDATION_FAILED'],
      ['number as string', http().post(`/api/programs/${programId}/wildcard`, { slots: '1', closesAt: '2026-02-12T18:00:00+09:00', reason: 'x' }), 400, 'VALIDATION_FAILED'],
      ['unknown field', http().post(path, { ...application('upstage'), score: 100 }), 400, 'VALIDATION_FAILED'],
      ['missing reason', http().post(path, { ...application('upstage'), reason: undefined }), 400, 'VALIDATION_FAILED'],
      ['not a slug', http().post(path, application('Upstage Corp')), 400, 'VALIDATION_FAILED'],
      ['control characters', http().post(path, { ...application('upstage'), consortiumName: 'bad\u0000name' }), 400, 'VALIDATION_FAILED'],
      ['over 2000 characters', http().post(path, { ...application('upstage'), reason: 'x'.repeat(2001) }), 400, 'VALIDATION_FAILED'],
      ['over 64 KiB', http().post(path, { ...application('upstage'), members: Array.from({ length: 40 }, () => 'm'.repeat(1990)) }), 413, 'PAYLOAD_TOO_LARGE'],
      ['not JSON', http().request('POST', path, { rawBody: 'teamId=upstage', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['bad path parameter', http().post('/api/programs/NO/applications', application('upstage')), 400, 'VALIDATION_FAILED'],
      ['broken percent-encoding in the path', http().post('/api/programs/%E0%A4%A/applications', application('upstage')), 400, 'VALIDATION_FAILED'],
      ['round out of range', http().post(`/api/programs/${programId}/rounds/101/close`, { reason: 'x' }), 400, 'VALIDATION_FAILED'],
      ['bad effective time', http().post(path, { ...application('upstage'), effectiveAt: '2026-01-15 10:00' }), 400, 'VALIDATION_FAILED'],
      ['bad If-Match', http().request('POST', path, { body: application('upstage'), headers: { 'if-match': 'yesterday' } }), 400, 'VALIDATION_FAILED'],
      ['nested 20,000 levels deep', http().request('POST', path, { rawBody: '['.repeat(20_000) + ']'.repeat(20_000) }), 400, 'VALIDATION_FAILED'],
      ['prototype pollution', http().request('POST', path, { rawBody: JSON.stringify(application('upstage')).replace('{', '{"__proto__": {"admin": true}, ') }), 400, 'VALIDATION_FAILED'],
    ];
    for (const [what, pending, status, code] of cases) {
      const response = await pending;
      expect({ what, status: response.status, code: response.body?.code }).toEqual({ what, status, code });
      expect(response.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
    }
    const validation = await http().post(path, { ...application('upstage'), members: [] });
    expect(validation.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'members' })]));
    const hostile = await http().post(path, { ...application('upstage'), consortiumName: "<script>alert(1)</script>'; DROP TABLE events; --" });
    expect(hostile.status).toBe(201);
    const [, recorded] = await streamOf(programId);
    expect(recorded!.data['consortiumName']).toBe("<script>alert(1)</script>'; DROP TABLE events; --");
    expect(await streamOf(programId)).toHaveLength(2);
  });
});
