import type { Worker } from 'node:worker_threads';
import { expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { AppConfig } from '../../src/config/app-config.js';
import { APP_CONFIG } from '../../src/config/config.module.js';
import { ProjectionHost } from '../../src/projections/engine/projection-host.js';
import { readModelPath } from '../../src/projections/engine/read-model-db.js';
import { ReadModelLease } from '../../src/projections/engine/read-model-lease.js';
import { describeOnEachStore } from '../support/app-harness.js';
import { until } from '../support/until.js';
import { httpClient } from '../support/http-client.js';
import { programmeHistory } from '../support/programme-history.js';

const P = 'sovereign-ai-2025';


/** The projections run in a thread of their own (`ProjectionHost`): what the HTTP side sees of it. */
describeOnEachStore('the projections thread', (app) => {
  const http = () => httpClient(app().baseUrl);
  const health = async () => (await http().get('/api/health', { role: null })).body;
  let last = '';

  it('feeds every read model while decisions are taken, and reads wait for their own writes', async () => {
    for (const { path, body } of programmeHistory(P)) {
      const response = await http().post(path, body);
      expect(response.status).toBe(201);
      last = response.body.position;
      // Read-your-writes: woken through the positions the thread shares, not by polling.
      const standings = await http().get(`/api/programs/${P}/standings?minPosition=${last}`);
      expect(standings.status).toBe(200);
      expect(BigInt(standings.body.position)).toBeGreaterThanOrEqual(BigInt(last));
    }
    const audit = await http().get(`/api/programs/${P}/audit?minPosition=${last}&limit=1000`, { role: 'auditor' });
    expect(audit.body.items.at(-1).position).toBe(last);
  });

  it('drops the tables of a generation a rebuild replaced, once reads have moved to the new one', async () => {
    const db = new Database(readModelPath(app().app.get<AppConfig>(APP_CONFIG).dataDir), { readonly: true });
    const generations = () => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'audit_g%'").pluck().all() as string[];
    try {
      const before = (await http().get('/api/admin/projections', { role: 'admin' })).body.find((p: { name: string }) => p.name === 'audit');
      expect(generations().every((table) => table.startsWith(`audit_g${before.generation}_`))).toBe(true);
      expect((await http().post('/api/admin/projections/audit/rebuild', undefined, { role: 'admin' })).status).toBe(202);
      const generation = before.generation + 1;
      const tables = await until(async () => generations(), (names) => names.length > 0 && names.every((table) => table.startsWith(`audit_g${generation}_`)));
      expect(tables.length).toBeGreaterThan(0);
      const audit = await http().get(`/api/programs/${P}/audit?minPosition=${last}&limit=1000`, { role: 'auditor' });
      expect(audit.status).toBe(200);
      expect(audit.body.items.at(-1).position).toBe(last);
    } finally {
      db.close();
    }
  });

  it('starts the thread again when it dies; meanwhile reads that wait answer 503 and health says degraded', async () => {
    const host = app().app.get(ProjectionHost);
    await (host as unknown as { worker: Worker }).worker.terminate();
    const down = await until(health, (body) => body.status === 'degraded');
    expect(down.projections.standings).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('restarting') } });
    // A read that must wait is refused at once while the thread is down (asked of the host directly: an HTTP round
    // trip on a slow machine could land after the restart, which comes 1 s after the exit).
    const head = BigInt(last) + 1_000_000n;
    await expect(host.waitForPosition('standings', head, 5000)).rejects.toMatchObject({ kind: 'unavailable', code: 'READ_MODEL_NOT_READY' });
    // Decisions go on: the event store is in this thread.
    const launch = programmeHistory('launched-while-down')[0]!;
    const decision = await http().post(launch.path, launch.body);
    expect(decision.status).toBe(201);
    const position: string = decision.body.position;
    // Back within its first restart delay (1 s), caught up on what happened meanwhile.
    await until(health, (body) => body.status === 'ok');
    const standings = await http().get(`/api/programs/launched-while-down/standings?minPosition=${position}`);
    expect(standings.status).toBe(200);
    expect(standings.body.position).toBe(position);
  });
});

describeOnEachStore('the projections thread, when the read models lease is taken over', (app) => {
  const http = () => httpClient(app().baseUrl);

  it('stops for good: reads answer from the read models as they stand, reads that wait and health say why', async () => {
    const launch = programmeHistory('before-the-takeover')[0]!;
    const first = await http().post(launch.path, launch.body);
    expect(first.status).toBe(201);
    expect((await http().get(`/api/programs/before-the-takeover/standings?minPosition=${first.body.position}`)).status).toBe(200);

    // Another process took the lease over (this one was not heard from in time); this one finds out at its renewal.
    const db = new Database(readModelPath(app().app.get<AppConfig>(APP_CONFIG).dataDir));
    try {
      db.prepare(`UPDATE read_model_lease SET token = 'another-taking', host = 'node-b', pid = 4242`).run();
    } finally {
      db.close();
    }
    app().app.get(ReadModelLease).renew();
    // The renewal asked the thread to stop; the same suspension, asked again, settles once it has.
    await app().app.get(ProjectionHost).suspend('asked again by the test');
    const health = await until(async () => (await http().get('/api/health', { role: null })).body, (body) => body.status === 'degraded');
    expect(health.projections.standings.error.message).toContain("the read models' lease was taken over by pid 4242 on node-b");

    const later = await http().post(programmeHistory('after-the-takeover')[0]!.path, programmeHistory('after-the-takeover')[0]!.body);
    expect(later.status).toBe(201);
    const waiting = await http().get(`/api/programs/after-the-takeover/standings?minPosition=${later.body.position}`);
    expect(waiting.status).toBe(503);
    expect(waiting.body.detail).toContain('stopped');
    // What was projected before still answers; nothing after the takeover is projected by this process.
    expect((await http().get('/api/programs/before-the-takeover/standings')).status).toBe(200);
    // No wait needed: `suspend` resolved once the thread had stopped, so nothing in this process can project it now.
    expect((await http().get('/api/programs/after-the-takeover/standings')).status).toBe(404);
  });
});
