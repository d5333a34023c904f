import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp } from '../support/app-harness.js';
import { httpClient } from '../support/http-client.js';
import { openFeed } from '../feed/sse-client.js';

const PROGRAM = 'outage-2026';

/**
 * EventStoreDB goes away under an open feed (the protocol-level server drops every call, then restarts): the feed's
 * subscription resubscribes from its last event, and the subscriber sees every decision once, in order, on the same
 * connection. (The embedded store cannot go away without the process.)
 */
describe('the event feed across EventStoreDB outages', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    app = await startApp('eventstoredb');
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('delivers every event once, in order, on the same connection, across dropped calls and a restart', async () => {
    const http = httpClient(app.baseUrl);
    const positions: string[] = [];
    const launched = await http.post('/api/programs', { programId: PROGRAM, title: 'Outage', ministry: 'MSIT', finalistSlots: 2, winnerSlots: 1, reason: 'test' });
    positions.push(launched.body.position);
    const apply = async (teamId: string) => {
      const response = await http.post(`/api/programs/${PROGRAM}/applications`, { teamId, consortiumName: teamId, leadOrganization: teamId, members: [teamId], reason: 'applied' });
      expect(response.status).toBe(201);
      positions.push(response.body.position);
    };
    const reader = await openFeed(app.baseUrl, `?programId=${PROGRAM}`);
    try {
      await apply('team-a');
      expect((await reader.take(2)).map((m) => m.id)).toEqual(positions.slice(0, 2));
      app.eventStoreDb!.dropConnections('error');
      await apply('team-b');
      await apply('team-c');
      await app.eventStoreDb!.restart({ downtimeMs: 300 });
      await apply('team-d');
      const after = await reader.take(3, 20_000);
      expect(after.map((m) => m.id)).toEqual(positions.slice(2));
      expect(after.map((m) => JSON.parse(m.data!).data.teamId)).toEqual(['team-b', 'team-c', 'team-d']);
      expect(await reader.drainFor(300)).toEqual([]);
      expect(reader.status).toBe(200);
    } finally {
      reader.close();
    }
  }, 60_000);
});
