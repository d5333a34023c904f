import { expect, it } from '@jest/globals';
import { describeOnEachStore } from '../support/app-harness.js';
import { until } from '../support/until.js';
import { httpClient } from '../support/http-client.js';
import { programmeHistory } from '../support/programme-history.js';

const NAMES = ['audit', 'merkle', 'standings', 'timeline'];


describeOnEachStore('projection operations over HTTP', (app) => {
  const http = () => httpClient(app().baseUrl);
  const list = () => http().get('/api/admin/projections', { role: 'admin' });
  let lastPosition = '';

  it('lets only admins see the projections', async () => {
    expect((await http().get('/api/admin/projections', { role: null })).body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    for (const role of ['official', 'auditor', 'subscriber', 'evaluator'] as const) {
      const response = await http().get('/api/admin/projections', { role });
      expect({ role, status: response.status, code: response.body.code }).toEqual({ role, status: 403, code: 'FORBIDDEN' });
    }
    expect((await http().post('/api/admin/projections/standings/rebuild', undefined, { role: 'official' })).status).toBe(403);
    const response = await list();
    expect(response.status).toBe(200);
    expect(response.body.map((p: { name: string }) => p.name).sort()).toEqual(NAMES);
  });

  it('shows every projection live at the position of the last decision, with no lag', async () => {
    for (const { path, body } of programmeHistory('sovereign-ai-2025')) {
      const response = await http().post(path, body);
      expect(response.status).toBe(201);
      lastPosition = response.body.position;
    }
    const projections = await until(list, (r) => r.body.every((p: { position: string | null }) => p.position === lastPosition));
    for (const projection of projections.body) {
      expect(projection).toMatchObject({ status: 'live', position: lastPosition, lag: 0, rebuild: null, error: null });
    }
    const health = await http().get('/api/health', { role: null });
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    for (const name of NAMES) expect(health.body.projections[name]).toMatchObject({ position: lastPosition, lag: 0, status: 'live' });
  });

  it('rebuilds a projection (202) and brings it back live at the same position, in a new generation', async () => {
    const before = (await list()).body.find((p: { name: string }) => p.name === 'standings');
    const started = await http().post('/api/admin/projections/standings/rebuild', undefined, { role: 'admin' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ name: 'standings', position: lastPosition });
    expect(['rebuilding', 'live']).toContain(started.body.status);
    const after = await until(
      async () => (await list()).body.find((p: { name: string }) => p.name === 'standings'),
      (p) => p.status === 'live' && p.generation > before.generation,
    );
    expect(after).toMatchObject({ status: 'live', position: lastPosition, lag: 0, rebuild: null, error: null });
    // The rebuilt standings answer like the live ones did.
    const standings = await http().get(`/api/programs/sovereign-ai-2025/standings?minPosition=${lastPosition}`, { role: 'auditor' });
    expect(standings.status).toBe(200);
    expect(standings.body.position).toBe(lastPosition);
  });

  it('answers 404 PROJECTION_NOT_FOUND for an unknown projection and 400 for a malformed name', async () => {
    const unknown = await http().post('/api/admin/projections/leaderboard/rebuild', undefined, { role: 'admin' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'PROJECTION_NOT_FOUND' });
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const malformed = await http().post('/api/admin/projections/Not%20A%20Name/rebuild', undefined, { role: 'admin' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('VALIDATION_FAILED');
  });

  it('documents the admin routes and their error codes in OpenAPI', async () => {
    const docs = await http().get('/api/docs-json', { role: null });
    const rebuild = docs.body.paths['/api/admin/projections/{name}/rebuild'].post;
    expect(Object.keys(rebuild.responses)).toEqual(expect.arrayContaining(['202', '401', '403', '404', '409']));
    expect(rebuild.responses['404'].description).toContain('PROJECTION_NOT_FOUND');
    expect(docs.body.paths['/api/admin/projections'].get.responses['200']).toBeDefined();
  });
});
