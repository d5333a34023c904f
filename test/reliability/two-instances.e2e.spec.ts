import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { EventStoreDbTestServer } from '../support/eventstoredb-test-server/eventstoredb-test-server.js';
import { httpClient, TOKENS } from '../support/http-client.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Two Docket instances, each with its own DATA_DIR, on one EventStoreDB (the protocol-level test server): the
 * scale-out deployment. They share nothing but the store, as two processes would (two applications in this process:
 * the built service cannot start under tsx, which has no decorator metadata).
 */
describe('two instances on one EventStoreDB', () => {
  let server: EventStoreDbTestServer;
  const instances: Array<{ app: Awaited<ReturnType<typeof createApp>>; http: ReturnType<typeof httpClient>; baseUrl: string; data: ReturnType<typeof tempDir> }> = [];
  const [a, b] = [() => instances[0]!, () => instances[1]!];

  beforeAll(async () => {
    server = await EventStoreDbTestServer.start();
    for (let i = 0; i < 2; i++) {
      const data = tempDir(`docket-instance-${i}-`);
      const app = await createApp(loadConfig({ PORT: '0', DATA_DIR: data.path, EVENTSTORE_CONNECTION_STRING: server.connectionString }), { logger: false });
      await app.listen(0, '127.0.0.1');
      const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      instances.push({ app, http: httpClient(baseUrl), baseUrl, data });
    }
  });
  afterAll(async () => {
    for (const instance of instances) {
      await instance.app.close();
      instance.data.remove();
    }
    await server?.stop();
  });

  const launch = (programId: string, finalistSlots: number) => ({
    programId,
    title: 'Shared programme',
    ministry: 'Ministry of Science and ICT',
    finalistSlots,
    winnerSlots: 1,
    reason: 'Programme announced',
    rules: [{ ruleId: 'independent-development', text: 'Train from scratch.' }],
  });
  const application = (teamId: string) => ({ teamId, consortiumName: `${teamId} consortium`, leadOrganization: teamId, members: [teamId], reason: 'Application received' });

  it('gives the last finalist slot, raced for on both, to exactly one', async () => {
    expect((await a().http.post('/api/programs', launch('race', 2))).status).toBe(201);
    for (const team of ['t-one', 't-two', 't-three']) expect((await a().http.post('/api/programs/race/applications', application(team))).status).toBe(201);
    expect((await a().http.post('/api/programs/race/applications/close', { reason: 'Deadline' })).status).toBe(201);
    // Both instances fold the programme first, so each decides on a cached state the other will make stale.
    expect((await b().http.post('/api/programs/race/finalists', { teamId: 't-one', reason: 'Selected' })).status).toBe(201);
    await a().http.get('/api/programs/race/standings', { role: 'auditor' });
    const [fromA, fromB] = await Promise.all([
      a().http.post('/api/programs/race/finalists', { teamId: 't-two', reason: 'Selected' }),
      b().http.post('/api/programs/race/finalists', { teamId: 't-three', reason: 'Selected' }),
    ]);
    expect([fromA.status, fromB.status].sort()).toEqual([201, 422]);
    const [won, refused] = fromA.status === 201 ? [fromA, fromB] : [fromB, fromA];
    expect(refused.body.code).toBe('FINALIST_SLOTS_FULL');
    for (const instance of instances) {
      const standings = await instance.http.get(`/api/programs/race/standings?minPosition=${won.body.position}`, { role: 'auditor' });
      expect(standings.body.slots.finalists.used).toBe(2);
    }
  });

  it('records the same keyed request sent to both at once once: one answers 201, the other 200 with the same outcome', async () => {
    expect((await a().http.post('/api/programs', launch('keyed', 5))).status).toBe(201);
    let last = '0';
    for (let i = 0; i < 8; i++) {
      // Both instances hold the programme folded at the same revision, so both decide and both append.
      await Promise.all([a().http.get('/api/programs/keyed/standings', { role: 'auditor' }), b().http.post('/api/programs/keyed/applications', application(`warm-${i}`))]);
      await a().http.post('/api/programs/keyed/applications', application(`warm-a-${i}`));
      await b().http.post('/api/programs/keyed/applications', application(`warm-b-${i}`));
      const headers = { 'idempotency-key': `same-request-${i}` };
      const [fromA, fromB] = await Promise.all([
        a().http.post('/api/programs/keyed/applications', application(`keyed-${i}`), { headers }),
        b().http.post('/api/programs/keyed/applications', application(`keyed-${i}`), { headers }),
      ]);
      expect([fromA.status, fromB.status].sort()).toEqual([200, 201]);
      expect(fromA.body).toEqual(fromB.body);
      last = fromA.body.position;
    }
    const audit = await a().http.get(`/api/programs/keyed/audit?type=ApplicationSubmitted&limit=1000&minPosition=${last}`, { role: 'auditor' });
    const keyed = (audit.body.items as Array<{ data: { teamId: string } }>).filter((item) => item.data.teamId.startsWith('keyed-'));
    expect(keyed).toHaveLength(8);
  });

  it('reads a decision taken on one instance from the other with minPosition, and delivers every event once on either feed', async () => {
    expect((await a().http.post('/api/programs', launch('seen', 5))).status).toBe(201);
    const positions: string[] = [];
    for (let i = 0; i < 10; i++) {
      const on = i % 2 === 0 ? a() : b();
      const other = i % 2 === 0 ? b() : a();
      const response = await on.http.post('/api/programs/seen/applications', application(`team-${i}`));
      expect(response.status).toBe(201);
      positions.push(response.body.position);
      const read = await other.http.get(`/api/programs/seen/teams/team-${i}/standing?minPosition=${response.body.position}`, { role: 'auditor' });
      expect({ status: read.status, team: read.body.teamId }).toEqual({ status: 200, team: `team-${i}` });
    }
    for (const instance of instances) {
      const feed = await fetch(`${instance.baseUrl}/api/events/stream?programId=seen`, { headers: { authorization: `Bearer ${TOKENS.subscriber}`, accept: 'text/event-stream' } });
      const reader = feed.body!.getReader();
      let text = '';
      while ((text.match(/^id: /gm)?.length ?? 0) < 11) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]!);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.slice(1)).toEqual(positions);
    }
  });
});
