import { beforeAll, expect, it } from '@jest/globals';
import { describeOnEachStore } from '../support/app-harness.js';
import { httpClient } from '../support/http-client.js';
import { APPLICATIONS, programmeHistory } from '../support/programme-history.js';

const P = 'sovereign-ai-2025';
const B = 'back-dated';

interface Recorded {
  position: string;
  recordedAt: string;
  standings: any;
}

describeOnEachStore('standings time travel', (app) => {
  let api: ReturnType<typeof httpClient>;
  /** After each decision of the history: the live standings, read with minPosition = its position. */
  const recorded: Recorded[] = [];
  const standings = (query: string) => api.get(`/api/programs/${P}/standings?${query}`, { role: 'auditor' });

  beforeAll(async () => {
    api = httpClient(app().baseUrl);
    for (const decision of programmeHistory(P)) {
      const response = await api.post(decision.path, decision.body);
      expect(response.status).toBe(201);
      const live = await api.get(`/api/programs/${P}/standings?minPosition=${response.body.position}`);
      expect(live.status).toBe(200);
      recorded.push({ position: response.body.position, recordedAt: '', standings: live.body });
    }
    const audit = await api.get(`/api/programs/${P}/audit?limit=1000`, { role: 'auditor' });
    const recordedAt = new Map<string, string>(audit.body.items.map((i: any) => [i.position, i.metadata.recordedAt]));
    for (const entry of recorded) entry.recordedAt = recordedAt.get(entry.position)!;
  }, 90_000);

  it('answers asOf a position with exactly what the live projection showed then, after every decision', async () => {
    expect(recorded.length).toBeGreaterThan(50);
    for (const { position, standings: live } of recorded) {
      const past = await standings(`asOf=${position}`);
      expect({ position, status: past.status }).toEqual({ position, status: 200 });
      expect(past.body).toEqual(live);
    }
    // The history's last answer is today's.
    expect((await standings('asOf=9223372036854775807')).body).toEqual(recorded.at(-1)!.standings);
  }, 60_000);

  it('answers asOf a recorded time with the standings as recorded at or before it', async () => {
    for (const index of [0, 16, 27, recorded.length - 1]) {
      const time = recorded[index]!.recordedAt;
      // Decisions recorded within the same millisecond are all known at that time: the last of them answers.
      const expected = recorded.filter((r) => Date.parse(r.recordedAt) <= Date.parse(time)).at(-1)!.standings;
      const past = await standings(`asOf=${encodeURIComponent(time)}`);
      expect(past.status).toBe(200);
      expect(past.body).toEqual(expected);
      // The same instant written with an offset means the same.
      const inSeoul = new Date(Date.parse(time) + 9 * 3600_000).toISOString().replace('Z', '+09:00');
      expect((await standings(`asOf=${encodeURIComponent(inSeoul)}`)).body).toEqual(expected);
    }
    const before = await standings(`asOf=${encodeURIComponent('2020-01-01T00:00:00Z')}`);
    expect(before.status).toBe(404);
    expect(before.body.code).toBe('PROGRAM_NOT_FOUND');
  });

  it('answers effectiveAsOf with the standings in force then, whenever the decisions were recorded', async () => {
    // Applications closed on 2025-07-21 18:00 KST; the written review cut five teams on 2025-07-25.
    const closed = await standings(`effectiveAsOf=${encodeURIComponent('2025-07-22T00:00:00+09:00')}`);
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual(recorded[1 + APPLICATIONS.length]!.standings);
    expect(closed.body.phase).toBe('screening');
    expect(closed.body.teams.every((t: any) => t.status === 'applicant')).toBe(true);

    // On 2026-01-15 at 10:00 the results, NC AI's elimination and Naver Cloud's disqualification all took effect.
    const results = await standings(`effectiveAsOf=${encodeURIComponent('2026-01-15T10:00:00+09:00')}`);
    const team = (id: string) => results.body.teams.find((t: any) => t.teamId === id);
    expect(team('naver-cloud').eliminated).toMatchObject({ grounds: 'rule-violation' });
    expect(team('lg-ai-research').rounds[0]).toMatchObject({ total: 90.2, rank: 1 });
    expect(results.body.phase).toBe('between-rounds');
    const justBefore = await standings(`effectiveAsOf=${encodeURIComponent('2026-01-15T09:59:59+09:00')}`);
    expect(justBefore.body.phase).toBe('round-open');
    expect(justBefore.body.teams.find((t: any) => t.teamId === 'naver-cloud').status).toBe('finalist');

    const before = await standings(`effectiveAsOf=${encodeURIComponent('2025-05-31T23:59:59+09:00')}`);
    expect(before.status).toBe(404);
    expect(before.body.code).toBe('PROGRAM_NOT_FOUND');
  });

  it('applies back-dated decisions on the effective axis, and combines both axes', async () => {
    const base = `/api/programs/${B}`;
    const decide = async (path: string, body: Record<string, unknown>) => {
      const response = await api.post(`${base}${path}`, body);
      expect(response.status).toBe(201);
      return response.body as { position: string; revision: number };
    };
    await api.post('/api/programs', {
      programId: B,
      title: 'Back-dated',
      ministry: 'Ministry',
      finalistSlots: 2,
      winnerSlots: 1,
      reason: 'Launch',
      effectiveAt: '2026-01-01T00:00:00Z',
    });
    const late = await decide('/applications', { ...APPLICATIONS[0], reason: 'On time', effectiveAt: '2026-01-10T00:00:00Z' });
    // Recorded after the first, but in force five days before it.
    const early = await decide('/applications', { ...APPLICATIONS[1], reason: 'Back-dated', effectiveAt: '2026-01-05T00:00:00Z' });
    const at = (query: string) => api.get(`${base}/standings?${query}`, { role: 'official' });
    const ids = (response: any) => response.body.teams.map((t: any) => t.teamId);

    const seventh = await at(`effectiveAsOf=${encodeURIComponent('2026-01-07T00:00:00Z')}`);
    expect(ids(seventh)).toEqual([APPLICATIONS[1]!.teamId]);
    // revision and position are those of the last event applied.
    expect(seventh.body).toMatchObject({ revision: early.revision, position: early.position });

    const twelfth = await at(`effectiveAsOf=${encodeURIComponent('2026-01-12T00:00:00Z')}`);
    expect(ids(twelfth)).toEqual([APPLICATIONS[0]!.teamId, APPLICATIONS[1]!.teamId]);

    // Known at the time the first application was recorded, and in force on the 7th: neither application yet.
    const both = await at(`asOf=${late.position}&effectiveAsOf=${encodeURIComponent('2026-01-07T00:00:00Z')}`);
    expect(both.status).toBe(200);
    expect(ids(both)).toEqual([]);
    expect(both.body.revision).toBe(0);
    expect(ids(await at(`asOf=${late.position}`))).toEqual([APPLICATIONS[0]!.teamId]);

    const live = await at(`minPosition=${early.position}`);
    expect(await at(`asOf=${early.position}&effectiveAsOf=${encodeURIComponent('2030-01-01T00:00:00Z')}`)).toMatchObject({ body: live.body });
  });
});
