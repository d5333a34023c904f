import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { runCli } from '../support/cli.js';
import { httpClient } from '../support/http-client.js';
import { programmeHistory } from '../support/programme-history.js';
import { tempDir } from '../support/temp-dir.js';

const cli = runCli;

describe('npm run cli -- rebuild <name>', () => {
  const data = tempDir('docket-cli-');
  let app: INestApplication | null = null;
  let url = '';
  let lastPosition = '';
  beforeAll(async () => {
    app = await createApp(loadConfig({ PORT: '0', DATA_DIR: data.path }), { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    for (const { path, body } of programmeHistory('sovereign-ai-2025')) lastPosition = (await httpClient(url).post(path, body)).body.position;
  });
  afterAll(async () => {
    await app?.close();
    data.remove();
  });

  it('asks the running server to rebuild, follows it to the swap, and exits 0', async () => {
    const before = (await httpClient(url).get('/api/admin/projections', { role: 'admin' })).body.find((p: { name: string }) => p.name === 'timeline');
    const result = await cli(['rebuild', 'timeline', '--url', url, '--no-progress']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain(`timeline: live at position ${lastPosition}, generation ${before.generation + 1}`);
    // Every event of the log was replayed (the embedded store numbers its events 1, 2, 3…), however fast it went.
    expect(result.stdout).toContain(`(${Number(lastPosition).toLocaleString('en-US')} events in`);
    const after = (await httpClient(url).get('/api/admin/projections', { role: 'admin' })).body.find((p: { name: string }) => p.name === 'timeline');
    expect(after).toMatchObject({ status: 'live', position: lastPosition, generation: before.generation + 1 });
  }, 30_000);

  it('exits 2 for an unknown projection or command, 1 for a refused token, and refuses --offline while a server answers', async () => {
    expect((await cli(['rebuild', 'leaderboard', '--url', url])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const refused = await cli(['rebuild', 'audit', '--url', url, '--token', 'dev-official-token']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('403');
    const offline = await cli(['rebuild', 'audit', '--url', url, '--offline']);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain('A Docket server answers');
    // A server this CLI cannot see at --url still holds the read models: an offline rebuild would drop its tables.
    const before = (await httpClient(url).get('/api/admin/projections', { role: 'admin' })).body;
    const unseen = await cli(['rebuild', 'audit', '--offline', '--no-progress', '--url', 'http://127.0.0.1:9'], { DATA_DIR: data.path });
    expect(unseen.code).toBe(1);
    expect(unseen.stderr).toContain(`Refused: the read models in this DATA_DIR are held by a Docket server (pid ${process.pid}`);
    expect((await httpClient(url).get('/api/admin/projections', { role: 'admin' })).body).toEqual(before);
    expect((await httpClient(url).get('/api/programs/sovereign-ai-2025/audit?limit=1', { role: 'auditor' })).status).toBe(200);
  }, 30_000);

  it('rebuilds in its own process from DATA_DIR when no server runs', async () => {
    await app!.close();
    app = null;
    const result = await cli(['rebuild', 'standings', '--offline', '--no-progress', '--url', 'http://127.0.0.1:9'], { DATA_DIR: data.path });
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain(`standings: live at position ${lastPosition}, generation 2 (${Number(lastPosition).toLocaleString('en-US')} events in`);
    const listed = await cli(['projections', '--offline', '--json'], { DATA_DIR: data.path });
    expect(listed.code).toBe(0);
    const standings = (JSON.parse(listed.stdout) as Array<{ name: string; position: string; generation: number }>).find((p) => p.name === 'standings');
    expect(standings).toMatchObject({ position: lastPosition, generation: 2 });
  }, 30_000);
});
