import { beforeAll, expect, it } from '@jest/globals';
import { describeOnEachStore } from '../support/app-harness.js';
import { httpClient } from '../support/http-client.js';
import { APPLICATIONS, programmeHistory } from '../support/programme-history.js';

const P = 'sovereign-ai-2025';

describeOnEachStore('standings pages and one team\'s standing', (app) => {
  let api: ReturnType<typeof httpClient>;
  let whole: any;
  let midway: { position: string; standings: any };
  const get = (path: string) => api.get(path, { role: 'auditor' });

  beforeAll(async () => {
    api = httpClient(app().baseUrl);
    let last = '';
    const decisions = programmeHistory(P);
    for (const [index, decision] of decisions.entries()) {
      const response = await api.post(decision.path, decision.body);
      expect(response.status).toBe(201);
      last = response.body.position;
      if (index === 30) midway = { position: last, standings: (await get(`/api/programs/${P}/standings?minPosition=${last}`)).body };
    }
    whole = (await get(`/api/programs/${P}/standings?minPosition=${last}`)).body;
  }, 90_000);

  it('serves the whole document without paging, as before: every team, no next', () => {
    expect(whole.teams.map((t: any) => t.teamId)).toEqual(APPLICATIONS.map((a) => a.teamId));
    expect(whole).not.toHaveProperty('next');
  });

  it('pages the teams in order of application; following next gives every team once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const response = await get(`/api/programs/${P}/standings?limit=4${after ? `&after=${after}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const { teams, next, ...head } = response.body;
      const { teams: _all, ...wholeHead } = whole;
      expect(head).toEqual(wholeHead);
      seen.push(...teams.map((t: any) => t.teamId));
      expect(teams).toEqual(whole.teams.slice(seen.length - teams.length, seen.length));
      if (next === null) break;
      expect(next).toBe(teams.at(-1).teamId);
      after = next;
    }
    expect(seen).toEqual(APPLICATIONS.map((a) => a.teamId));
  });

  it('keeps the teams of the statuses asked for, paged or whole', async () => {
    const finalists = whole.teams.filter((t: any) => ['finalist', 'winner'].includes(t.status));
    const kept = await get(`/api/programs/${P}/standings?status=finalist,winner`);
    expect(kept.body.teams).toEqual(finalists);
    expect(kept.body.slots).toEqual(whole.slots);
    const page = await get(`/api/programs/${P}/standings?status=eliminated&limit=2`);
    const eliminated = whole.teams.filter((t: any) => t.status === 'eliminated');
    expect(page.body).toMatchObject({ teams: eliminated.slice(0, 2), next: eliminated[1].teamId });
    const rest = await get(`/api/programs/${P}/standings?status=eliminated&limit=1000&after=${eliminated[1].teamId}`);
    expect(rest.body).toMatchObject({ teams: eliminated.slice(2), next: null });
  });

  it("serves one team's standing: its entry with the programme's id, revision and position", async () => {
    const lg = whole.teams.find((t: any) => t.teamId === 'lg-ai-research');
    const response = await get(`/api/programs/${P}/teams/lg-ai-research/standing`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ programId: P, ...lg, revision: whole.revision, position: whole.position });
    expect(lg.rounds[0]).toMatchObject({ total: 90.2, rank: 1 });
  });

  it('answers pages and one team as of a past point exactly as the live read answered then', async () => {
    const { position, standings } = midway;
    const page = await get(`/api/programs/${P}/standings?asOf=${position}&limit=3&after=upstage`);
    const index = standings.teams.findIndex((t: any) => t.teamId === 'upstage');
    expect(page.body).toMatchObject({ revision: standings.revision, teams: standings.teams.slice(index + 1, index + 4) });
    const team = await get(`/api/programs/${P}/teams/naver-cloud/standing?asOf=${position}`);
    expect(team.body).toEqual({ programId: P, ...standings.teams.find((t: any) => t.teamId === 'naver-cloud'), revision: standings.revision, position: standings.position });
    const effective = await get(`/api/programs/${P}/teams/naver-cloud/standing?effectiveAsOf=${encodeURIComponent('2026-01-15T09:59:59+09:00')}`);
    expect(effective.body).toMatchObject({ teamId: 'naver-cloud', status: 'finalist' });
    const before = await get(`/api/programs/${P}/teams/naver-cloud/standing?effectiveAsOf=${encodeURIComponent('2025-07-01T00:00:00+09:00')}`);
    expect(before.status).toBe(404);
  });

  it('answers 404 TEAM_NOT_FOUND for a team or a cursor the programme never had, and PROGRAM_NOT_FOUND first', async () => {
    for (const path of [`/api/programs/${P}/teams/nobody/standing`, `/api/programs/${P}/standings?limit=2&after=nobody`, `/api/programs/${P}/teams/nobody/standing?asOf=${whole.position}`]) {
      const response = await get(path);
      expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 404, code: 'TEAM_NOT_FOUND' });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await get('/api/programs/no-such-programme/teams/lg-ai-research/standing')).body.code).toBe('PROGRAM_NOT_FOUND');
  });

  it('refuses bad paging parameters with 400 and the field named', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'limit=1.5', 'status=champion', 'status=', 'after=Not_A_Slug', 'page=2']) {
      const response = await get(`/api/programs/${P}/standings?${query}`);
      expect({ query, status: response.status, code: response.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
    const unknown = await get(`/api/programs/${P}/teams/lg-ai-research/standing?limit=5`);
    expect(unknown.status).toBe(400);
    expect((await api.get(`/api/programs/${P}/teams/lg-ai-research/standing`, { role: 'subscriber' })).status).toBe(403);
  });
});
