import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { eventMetadata } from '../../src/command-handling/event-metadata.js';
import { currentSchemaVersion } from '../../src/program/program.upcasters.js';
import type { JsonObject } from '../../src/common/json.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { READ_MODEL_FILE } from '../../src/projections/engine/read-model-db.js';
import { startApp } from '../support/app-harness.js';
import { httpClient } from '../support/http-client.js';
import { tempDir } from '../support/temp-dir.js';

const PROGRAMMES = 300;

/** Launches `PROGRAMMES` programmes, each followed by 60 applications: 18,300 events. */
async function seed(filename: string): Promise<void> {
  const store = new SqliteEventStore({ filename, durability: 'normal' });
  const context = { actor: { id: 'kim.official', role: 'official' as const }, reason: 'Seeded', correlationId: randomUUID() };
  const event = (type: string, data: JsonObject) => ({ eventId: randomUUID(), type, data, metadata: eventMetadata(context, randomUUID(), new Date().toISOString(), currentSchemaVersion(type)) });
  for (let p = 0; p < PROGRAMMES; p++) {
    const programId = `seeded-${p}`;
    const events = [
      event('ProgramLaunched', { programId, title: `Seeded ${p}`, ministry: 'Ministry of Science and ICT', finalistSlots: 5, winnerSlots: 1, rules: [] }),
      ...Array.from({ length: 60 }, (_, t) =>
        event('ApplicationSubmitted', { programId, teamId: `team-${t}`, consortiumName: `Team ${t}`, leadOrganization: `Org ${t}`, members: [`Org ${t}`] }),
      ),
    ];
    await store.append(`program-${programId}`, events, { expectedRevision: 'no-stream' });
  }
  await store.close();
}

/**
 * A server that finds a log but no read models (a new deployment on old data, read models lost, a new projection
 * version) builds them from the log. Meanwhile a read must not answer from the part built so far as if it were all:
 * it waits for the build, and answers either the whole of it or a 503 that says so.
 */
describe('reads while the read models are built from nothing [sqlite]', () => {
  it('answers the whole history or a 503 READ_MODEL_NOT_READY, never part of it', async () => {
    const data = tempDir('docket-e2e-build-');
    mkdirSync(data.path, { recursive: true });
    await seed(join(data.path, 'events.sqlite'));
    expect(existsSync(join(data.path, READ_MODEL_FILE))).toBe(false);
    const running = await startApp('sqlite', { DATA_DIR: data.path });
    try {
      const api = httpClient(running.baseUrl);
      const programs = await api.get('/api/programs', { role: 'auditor' });
      if (programs.status === 200) expect(programs.body).toHaveLength(PROGRAMMES);
      else {
        expect(programs.status).toBe(503);
        expect(programs.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(programs.headers.get('retry-after')).toBe('1');
        expect(programs.body).toMatchObject({ code: 'READ_MODEL_NOT_READY', detail: expect.stringContaining('is being built from the event log') });
      }
      const audit = await api.get('/api/programs/seeded-0/audit?limit=1000', { role: 'auditor' });
      if (audit.status === 200) expect(audit.body.items).toHaveLength(61);
      else expect(audit.body).toMatchObject({ code: 'READ_MODEL_NOT_READY' });

      // Once built, everything answers, in full.
      const admin = async () => {
        const response = await api.get('/api/admin/projections', { role: 'admin' });
        expect(response.status).toBe(200);
        return response.body as Array<{ status: string }>;
      };
      for (let i = 0; i < 600 && (await admin()).some((p) => p.status !== 'live'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await admin()).map((p) => p.status)).toEqual(['live', 'live', 'live', 'live']);
      expect((await api.get('/api/programs', { role: 'auditor' })).body).toHaveLength(PROGRAMMES);
      const timeline = await api.get(`/api/programs/seeded-${PROGRAMMES - 1}/teams/team-59/timeline`, { role: 'auditor' });
      expect(timeline.body.entries).toHaveLength(1);
    } finally {
      await running.stop();
      rmSync(data.path, { recursive: true, force: true });
    }
  }, 90_000);
});
