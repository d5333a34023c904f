import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { collect } from '../event-store/event-store.contract.js';
import { runCli } from '../support/cli.js';
import { httpClient } from '../support/http-client.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const cli = runCli;

const launch = {
  programId: 'backed-up',
  title: 'Backed-up programme',
  ministry: 'Ministry of Science and ICT',
  finalistSlots: 5,
  winnerSlots: 2,
  reason: 'Programme announced',
  rules: [{ ruleId: 'independent-development', text: 'Train from scratch.' }],
};
const application = (teamId: string) => ({ teamId, consortiumName: `${teamId} consortium`, leadOrganization: teamId, members: [teamId], reason: 'Application received' });

async function startOn(dataDir: string, keyFile: string) {
  const app = await createApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, AUDIT_SIGNING_KEY_FILE: keyFile }), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, http: httpClient(`http://127.0.0.1:${port}`) };
}

describe('backup under load and restore (embedded store)', () => {
  const files = tempDir('docket-backup-');
  afterAll(() => files.remove());

  it('backs up while decisions go on; the restore holds every decision acknowledged before the backup began, and the server rebuilds from it', async () => {
    // The signing key lives outside DATA_DIR, as in production: a backup of the log does not carry it.
    const keyFile = join(files.path, 'audit-key.pem');
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const original = join(files.path, 'original');
    const server = await startOn(original, keyFile);
    expect((await server.http.post('/api/programs', launch)).status).toBe(201);

    // Four clients apply teams without pause; each 201 is an acknowledged decision, noted in order.
    const acknowledged: string[] = [];
    let stop = false;
    let next = 0;
    const clients = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const teamId = `team-${next++}`;
        const response = await server.http.post('/api/programs/backed-up/applications', application(teamId));
        if (response.status !== 201) throw new Error(`${teamId}: ${response.status} ${JSON.stringify(response.body)}`);
        acknowledged.push(teamId);
      }
    });
    await until(async () => acknowledged.length, (count) => count >= 150);

    const backupFile = join(files.path, 'docket.backup');
    const before = new Set(acknowledged);
    const backup = await cli(['backup', backupFile, '--json'], { DATA_DIR: original });
    const during = acknowledged.length - before.size;
    stop = true;
    await Promise.all(clients);
    const server1Events = await collect(server.app.get<EventStore>(EVENT_STORE).readStream('program-backed-up'));
    await server.app.close();
    expect({ code: backup.code, stderr: backup.stderr }).toEqual({ code: 0, stderr: '' });
    const summary = JSON.parse(backup.stdout) as { events: number; headPosition: string };
    expect(summary.events).toBeGreaterThanOrEqual(before.size + 1);
    expect(during).toBeGreaterThan(0); // decisions really went on while the backup ran
    expect(existsSync(`${backupFile}.partial`)).toBe(false);

    // Never over a folder that holds anything, and never from a file that is not a backup.
    const refused = await cli(['restore', backupFile], { DATA_DIR: original });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refused: DATA_DIR .* is not empty/);
    const bogus = join(files.path, 'bogus.backup');
    writeFileSync(bogus, 'not a database at all');
    const empty = join(files.path, 'empty');
    mkdirSync(empty);
    expect(await cli(['restore', bogus], { DATA_DIR: empty })).toMatchObject({ code: 1, stderr: expect.stringMatching(/Refused: .*bogus\.backup/) });
    expect(readdirSync(empty)).toEqual([]);
    expect((await cli(['backup', backupFile], { DATA_DIR: original })).stderr).toMatch(/exists already/);

    const restoredDir = join(files.path, 'restored');
    const restored = await cli(['restore', backupFile, '--json'], { DATA_DIR: restoredDir });
    expect({ code: restored.code, stderr: restored.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(restored.stdout)).toMatchObject({ events: summary.events, headPosition: summary.headPosition });

    // The restored log verifies (every hash and chain), and the server on it rebuilds its read models from nothing.
    const verified = await cli(['verify', '--json', '--no-progress'], { DATA_DIR: restoredDir, AUDIT_SIGNING_KEY_FILE: keyFile });
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, checkedEvents: summary.events });
    const again = await startOn(restoredDir, keyFile);
    try {
      const events = await collect(again.app.get<EventStore>(EVENT_STORE).readStream('program-backed-up'));
      // A prefix of what the original server recorded, event for event, with every acknowledged-before decision in it.
      expect(events.map((e) => e.eventId)).toEqual(server1Events.slice(0, events.length).map((e) => e.eventId));
      const applied = new Set(events.filter((e) => e.type === 'ApplicationSubmitted').map((e) => e.data['teamId'] as string));
      expect([...before].filter((teamId) => !applied.has(teamId))).toEqual([]);
      const standings = await until(
        async () => again.http.get(`/api/programs/backed-up/standings?minPosition=${summary.headPosition}&limit=1000`, { role: 'auditor' }),
        (response) => response.status === 200,
        60_000,
      );
      const teams = (standings.body.teams ?? standings.body.items) as Array<{ teamId: string }>;
      expect(new Set(teams.map((team) => team.teamId))).toEqual(applied);
      // And it decides on from there.
      expect((await again.http.post('/api/programs/backed-up/applications', application('after-restore'))).status).toBe(201);
    } finally {
      await again.app.close();
    }
  }, 120_000);

  it('refuses to back up an EventStoreDB deployment, pointing to its own procedure', async () => {
    const result = await cli(['backup', join(files.path, 'x.backup')], { DATA_DIR: join(files.path, 'esdb'), EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/EventStoreDB keeps the log: back it up with its own procedure/);
  });
});
