import { beforeAll, expect, it } from '@jest/globals';
import { describeOnEachStore } from '../support/app-harness.js';
import { httpClient, type TokenRole } from '../support/http-client.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { APPLICATIONS, CUT_AFTER_PRESENTATIONS, CUT_IN_WRITTEN_REVIEW, INDEPENDENCE, programmeHistory } from '../support/programme-history.js';

const P = 'sovereign-ai-2025';
const OTHER = 'other-programme';

interface Item {
  position: string;
  programId: string;
  revision: number;
  eventId: string;
  type: string;
  data: Record<string, any>;
  metadata: { actor: { id: string; role: string }; reason: string; legalBasis: string | null; occurredAt: string; recordedAt: string; [key: string]: unknown };
}

/** Scores are recorded by the evaluator, every other decision by the official, so the actor filter has two actors. */
const roleFor = (path: string): TokenRole => (path.endsWith('/scores') ? 'evaluator' : 'official');

describeOnEachStore('read models over HTTP', (app) => {
  let api: ReturnType<typeof httpClient>;
  let last: string;
  let all: Item[];

  /** Every page of an audit query, following `next`; checks each page's size and that `next` is the last position. */
  async function pages(path: string, limit: number): Promise<Item[]> {
    const items: Item[] = [];
    let after: string | null = null;
    for (let n = 0; n < 500; n += 1) {
      const sep = path.includes('?') ? '&' : '?';
      const response = await api.get(`${path}${sep}limit=${limit}${after ? `&after=${after}` : ''}&minPosition=${last}`, { role: 'auditor' });
      expect(response.status).toBe(200);
      items.push(...response.body.items);
      if (response.body.next === null) return items;
      expect(response.body.items).toHaveLength(limit);
      expect(response.body.next).toBe(response.body.items.at(-1).position);
      after = response.body.next;
    }
    throw new Error('too many pages');
  }

  beforeAll(async () => {
    api = httpClient(app().baseUrl);
    for (const decision of programmeHistory(P)) {
      const response = await api.post(decision.path, decision.body, { role: roleFor(decision.path) });
      expect(response.status).toBe(201);
      last = response.body.position;
    }
    const other = programmeHistory(OTHER).slice(0, 3);
    for (const decision of other) last = (await api.post(decision.path, decision.body)).body.position;
    const everything = await api.get(`/api/audit?limit=1000&minPosition=${last}`, { role: 'auditor' });
    all = everything.body.items;
  }, 60_000);

  it('ends the real 2025–26 history in the standings the history says', async () => {
    const response = await api.get(`/api/programs/${P}/standings?minPosition=${last}`);
    expect(response.status).toBe(200);
    const s = response.body;
    const ours = all.filter((i) => i.programId === P);
    expect(s).toMatchObject({ programId: P, title: 'Sovereign AI foundation model', phase: 'between-rounds', revision: ours.length - 1, position: ours.at(-1)!.position });
    expect(s.slots).toEqual({ finalists: { total: 5, used: 3 }, winners: { total: 2, used: 0 } });
    expect(s.teams.map((t: any) => t.teamId)).toEqual(APPLICATIONS.map((a) => a.teamId));
    expect(s.winners).toEqual([]);
    const team = (id: string) => s.teams.find((t: any) => t.teamId === id);
    for (const id of ['lg-ai-research', 'sk-telecom', 'upstage']) expect(team(id)).toMatchObject({ status: 'finalist', eliminated: null, winner: false });
    for (const id of [...CUT_IN_WRITTEN_REVIEW, ...CUT_AFTER_PRESENTATIONS]) {
      expect(team(id)).toMatchObject({ status: 'eliminated', rounds: [], eliminated: { stage: 'screening', grounds: 'not-shortlisted', ruleId: null } });
    }
    expect(team('nc-ai').eliminated).toEqual({ stage: 1, grounds: 'ranking', ruleId: null });
    expect(team('naver-cloud').eliminated).toEqual({ stage: 1, grounds: 'rule-violation', ruleId: INDEPENDENCE });
    expect(team('lg-ai-research').consortiumName).toBe('LG AI Research consortium');
    expect(team('lg-ai-research').rounds).toEqual([
      {
        round: 1,
        scores: { 'national-benchmark': 9.2, 'global-common-benchmark': 16.8, 'global-individual-benchmark': 7.6, 'expert-evaluation': 31.6, 'user-evaluation': 25 },
        total: 90.2,
        rank: 1,
      },
    ]);
    const ranking = ['lg-ai-research', 'sk-telecom', 'naver-cloud', 'upstage', 'nc-ai'].map((id) => [team(id).rounds[0].total, team(id).rounds[0].rank]);
    expect(ranking).toEqual([
      [90.2, 1],
      [86.4, 2],
      [85.7, 3],
      [84.9, 4],
      [78.3, 5],
    ]);
  });

  it('lists the programmes with phase and revision', async () => {
    const response = await api.get(`/api/programs?minPosition=${last}`, { role: 'evaluator' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      { programId: OTHER, title: 'Sovereign AI foundation model', phase: 'accepting-applications', revision: 2 },
      { programId: P, title: 'Sovereign AI foundation model', phase: 'between-rounds', revision: all.filter((i) => i.programId === P).length - 1 },
    ]);
  });

  it("shows a team's timeline: every event naming it, lists included", async () => {
    const response = await api.get(`/api/programs/${P}/teams/naver-cloud/timeline?minPosition=${last}`, { role: 'admin' });
    expect(response.status).toBe(200);
    expect(response.body.teamId).toBe('naver-cloud');
    expect(response.body.entries.map((e: any) => e.type)).toEqual([
      'ApplicationSubmitted',
      'FinalistSelected',
      ...Array(5).fill('ScoreRecorded'),
      'EvaluationRoundClosed',
      'ComplianceFindingRecorded',
      'TeamEliminated',
    ]);
    const elimination = response.body.entries.at(-1);
    const item = all.find((i) => i.position === elimination.position)!;
    expect(elimination).toEqual({
      position: item.position,
      type: 'TeamEliminated',
      occurredAt: item.metadata.occurredAt,
      recordedAt: item.metadata.recordedAt,
      actor: { id: 'kim.official', role: 'official' },
      reason: 'Disqualified under the independence rule',
      data: { teamId: 'naver-cloud', stage: 1, grounds: 'rule-violation', ruleId: INDEPENDENCE },
    });
    expect(elimination.occurredAt).toBe('2026-01-15T01:00:00.000Z');
  });

  it('answers the audit history with every item and its metadata, in order', async () => {
    const ours = await pages(`/api/programs/${P}/audit`, 1000);
    expect(ours.map((i) => i.revision)).toEqual(ours.map((_, n) => n));
    expect(ours.every((i) => i.programId === P)).toBe(true);
    const positions = ours.map((i) => BigInt(i.position));
    expect(positions.every((p, n) => n === 0 || p > positions[n - 1]!)).toBe(true);
    expect(ours[0]).toMatchObject({
      type: 'ProgramLaunched',
      data: { programId: P, finalistSlots: 5, winnerSlots: 2 },
      metadata: { actor: { id: 'kim.official', role: 'official' }, reason: 'Programme announced by the ministry', legalBasis: 'Programme notice 2025-1', occurredAt: '2025-06-01T00:00:00.000Z' },
    });
    expect(Object.keys(ours[0]!.metadata).sort()).toEqual(
      ['actor', 'reason', 'legalBasis', 'commandId', 'correlationId', 'causationId', 'idempotencyKey', 'occurredAt', 'recordedAt'].sort(),
    );
    expect(ours[0]!.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(ours[0]!.metadata.recordedAt)).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
  });

  it('pages through every filter with the same items as one big page', async () => {
    const ours = all.filter((i) => i.programId === P);
    const from = ours[10]!.metadata.recordedAt;
    const to = ours[30]!.metadata.recordedAt;
    const cases: Array<[query: string, expected: Item[]]> = [
      ['', ours],
      ['type=TeamEliminated,TeamWithdrew', ours.filter((i) => i.type === 'TeamEliminated' || i.type === 'TeamWithdrew')],
      ['teamId=lg-ai-research', ours.filter((i) => i.data.teamId === 'lg-ai-research' || i.type === 'EvaluationRoundClosed')],
      ['actor=eva.evaluator', ours.filter((i) => i.type === 'ScoreRecorded')],
      [`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, ours.filter((i) => i.metadata.recordedAt >= from && i.metadata.recordedAt <= to)],
      ['type=ScoreRecorded&teamId=nc-ai&actor=eva.evaluator', ours.filter((i) => i.type === 'ScoreRecorded' && i.data.teamId === 'nc-ai')],
    ];
    expect(cases[1]![1]).toHaveLength(12);
    expect(cases[3]![1]).toHaveLength(25);
    for (const [query, expected] of cases) {
      const path = `/api/programs/${P}/audit${query ? `?${query}` : ''}`;
      expect({ query, items: await pages(path, 4) }).toEqual({ query, items: expected });
    }
    // Across programmes: both appear, in global order.
    const global = await pages('/api/audit?type=ProgramLaunched', 1);
    expect(global.map((i) => i.programId)).toEqual([P, OTHER]);
    expect(await pages('/api/audit', 9)).toEqual(all);
    const launchesAndCloses = all.filter((i) => i.type === 'ProgramLaunched' || i.type === 'ApplicationsClosed');
    expect(await pages('/api/audit?type=ApplicationsClosed,ProgramLaunched', 1)).toEqual(launchesAndCloses);
    const lastFrom = all.at(-3)!.metadata.recordedAt;
    expect(await pages(`/api/audit?from=${encodeURIComponent(lastFrom)}`, 2)).toEqual(all.filter((i) => i.metadata.recordedAt >= lastFrom));
  });

  it('exports the whole history as JSON Lines and as CSV', async () => {
    const ours = all.filter((i) => i.programId === P);
    const jsonl = await fetch(`${app().baseUrl}/api/programs/${P}/audit/export?format=jsonl&minPosition=${last}`, { headers: { authorization: 'Bearer dev-auditor-token' } });
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(jsonl.headers.get('content-disposition')).toBe(`attachment; filename="${P}-audit.jsonl"`);
    const text = await jsonl.text();
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(ours);

    const csv = await fetch(`${app().baseUrl}/api/programs/${P}/audit/export?format=csv`, { headers: { authorization: 'Bearer dev-official-token' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(await csv.text());
    expect(rows[0]).toEqual(['position', 'programId', 'revision', 'eventId', 'type', 'occurredAt', 'recordedAt', 'actorId', 'actorRole', 'reason', 'legalBasis', 'data']);
    expect(rows.slice(1)).toEqual(
      ours.map((i) => [
        i.position,
        i.programId,
        String(i.revision),
        i.eventId,
        i.type,
        i.metadata.occurredAt,
        i.metadata.recordedAt,
        i.metadata.actor.id,
        i.metadata.actor.role,
        i.metadata.reason,
        i.metadata.legalBasis ?? '',
        JSON.stringify(i.data),
      ]),
    );
    // The default format is JSON Lines.
    const plain = await api.get(`/api/programs/${P}/audit/export`, { role: 'admin' });
    expect(plain.status).toBe(200);
  });

  it('reads its own writes with minPosition, and answers 503 for a position never reached', async () => {
    const decision = await api.post(`/api/programs/${OTHER}/applications`, { ...APPLICATIONS[2], reason: 'Late application' });
    expect(decision.status).toBe(201);
    const standings = await api.get(`/api/programs/${OTHER}/standings?minPosition=${decision.body.position}`);
    expect(standings.body.teams.map((t: any) => t.teamId)).toEqual([APPLICATIONS[0]!.teamId, APPLICATIONS[1]!.teamId, APPLICATIONS[2]!.teamId]);
    expect(standings.body.position).toBe(decision.body.position);
    const timeline = await api.get(`/api/programs/${OTHER}/teams/${APPLICATIONS[2]!.teamId}/timeline?minPosition=${decision.body.position}`);
    expect(timeline.body.entries.map((e: any) => e.position)).toEqual([decision.body.position]);
    const audit = await api.get(`/api/programs/${OTHER}/audit?after=${last}&minPosition=${decision.body.position}`, { role: 'auditor' });
    expect(audit.body.items.map((i: Item) => i.position)).toEqual([decision.body.position]);
    last = decision.body.position;

    const never = await api.get(`/api/programs?minPosition=9223372036854775807`);
    expect(never.status).toBe(503);
    expect(never.body.code).toBe('READ_MODEL_NOT_READY');
    expect(Number(never.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it('lets every role but subscriber read, and only auditor, official and admin read the audit', async () => {
    for (const role of ['official', 'evaluator', 'auditor', 'admin'] as const) {
      expect((await api.get('/api/programs', { role })).status).toBe(200);
      expect((await api.get(`/api/programs/${P}/standings`, { role })).status).toBe(200);
      expect((await api.get(`/api/programs/${P}/teams/upstage/timeline`, { role })).status).toBe(200);
    }
    for (const path of ['/api/programs', `/api/programs/${P}/standings`, `/api/programs/${P}/teams/upstage/timeline`, `/api/programs/${P}/audit`, '/api/audit', `/api/programs/${P}/audit/export`]) {
      expect((await api.get(path, { role: 'subscriber' })).body.code).toBe('FORBIDDEN');
      expect((await api.get(path, { role: null })).body.code).toBe('UNAUTHENTICATED');
    }
    for (const path of [`/api/programs/${P}/audit`, '/api/audit', `/api/programs/${P}/audit/export`]) {
      expect((await api.get(path, { role: 'evaluator' })).status).toBe(403);
      for (const role of ['auditor', 'official', 'admin'] as const) expect((await api.get(path, { role })).status).toBe(200);
    }
  });

  it('answers 404 for an unknown programme or team, before any byte of an export', async () => {
    for (const path of ['/standings', '/audit', '/audit/export', '/audit/export?format=csv', '/teams/upstage/timeline', '/standings?asOf=1']) {
      const [suffix, query] = path.split('?');
      const response = await api.get(`/api/programs/no-such-programme${suffix}${query ? `?${query}` : ''}`, { role: 'auditor' });
      expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 404, code: 'PROGRAM_NOT_FOUND' });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const team = await api.get(`/api/programs/${P}/teams/no-such-team/timeline`);
    expect(team.status).toBe(404);
    expect(team.body.code).toBe('TEAM_NOT_FOUND');
  });

  it('refuses bad parameters with 400 VALIDATION_FAILED naming the parameter', async () => {
    const bad: Array<[path: string, field: string]> = [
      [`/api/programs/${P}/audit?limit=0`, 'limit'],
      [`/api/programs/${P}/audit?limit=1001`, 'limit'],
      [`/api/programs/${P}/audit?limit=1e2`, 'limit'],
      [`/api/programs/${P}/audit?limit=10&limit=20`, 'limit'],
      [`/api/programs/${P}/audit?after=-1`, 'after'],
      [`/api/programs/${P}/audit?after=9223372036854775808`, 'after'],
      [`/api/programs/${P}/audit?after=`, 'after'],
      [`/api/programs/${P}/audit?type=TeamEliminated,Nope`, 'type'],
      [`/api/programs/${P}/audit?teamId=Not_A_Slug`, 'teamId'],
      [`/api/programs/${P}/audit?from=2026-01-15`, 'from'],
      [`/api/programs/${P}/audit?to=2026-01-15T10:00:00`, 'to'],
      [`/api/programs/${P}/audit?colour=red`, 'colour'],
      ['/api/audit?minPosition=abc', 'minPosition'],
      [`/api/programs/${P}/audit/export?format=xml`, 'format'],
      [`/api/programs/${P}/standings?asOf=yesterday`, 'asOf'],
      [`/api/programs/${P}/standings?effectiveAsOf=12`, 'effectiveAsOf'],
      [`/api/programs/${P}/standings?minPosition=1.5`, 'minPosition'],
      [`/api/programs/${P}/teams/upstage/timeline?after=1`, 'after'],
      ['/api/programs?limit=1', 'limit'],
      [`/api/programs/X/standings`, 'programId'],
      [`/api/programs/${P}/teams/UP/timeline`, 'teamId'],
    ];
    for (const [path, field] of bad) {
      const response = await api.get(path, { role: 'auditor' });
      expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED' });
      expect({ path, fields: response.body.errors.map((e: any) => e.field) }).toEqual({ path, fields: [field] });
    }
  });

  it('documents every read in the OpenAPI description', async () => {
    const doc = (await api.get('/api/docs-json', { role: null })).body;
    const paths = ['/api/programs', '/api/programs/{programId}/standings', '/api/programs/{programId}/teams/{teamId}/timeline', '/api/programs/{programId}/audit', '/api/audit', '/api/programs/{programId}/audit/export'];
    for (const path of paths) {
      const get = doc.paths[path]?.get;
      expect({ path, documented: get !== undefined }).toEqual({ path, documented: true });
      expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '503']));
    }
    const standingsParams = doc.paths['/api/programs/{programId}/standings'].get.parameters.map((p: any) => p.name);
    expect(standingsParams).toEqual(expect.arrayContaining(['programId', 'asOf', 'effectiveAsOf', 'minPosition']));
    const auditParams = doc.paths['/api/programs/{programId}/audit'].get.parameters;
    expect(auditParams.map((p: any) => p.name).sort()).toEqual(['actor', 'after', 'from', 'limit', 'minPosition', 'programId', 'teamId', 'to', 'type']);
    expect(auditParams.find((p: any) => p.name === 'limit').schema).toMatchObject({ minimum: 1, maximum: 1000, default: 100 });
    const exportOk = doc.paths['/api/programs/{programId}/audit/export'].get.responses['200'];
    expect(Object.keys(exportOk.content).sort()).toEqual(['application/x-ndjson', 'text/csv']);
    expect(doc.paths['/api/programs/{programId}/teams/{teamId}/timeline'].get.responses['404'].description).toContain('TEAM_NOT_FOUND');
  });
});
