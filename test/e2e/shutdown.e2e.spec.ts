import { afterEach, expect, it } from '@jest/globals';
import { describe } from '@jest/globals';
import { startApp, STORE_KINDS } from '../support/app-harness.js';
import { httpClient } from '../support/http-client.js';

/**
 * A stop (SIGTERM, a deploy) while decisions are in flight: every request the server accepted is answered as if
 * nothing happened, because the HTTP server stops taking requests and drains before the event store closes.
 */
for (const store of STORE_KINDS) {
  describe(`shutting down under load [${store}]`, () => {
    let running: Awaited<ReturnType<typeof startApp>> | null = null;
    afterEach(async () => {
      await running?.stop().catch(() => undefined);
      running = null;
    });

    it('answers every decision in flight and refuses none with a 5xx', async () => {
      running = await startApp(store);
      const http = httpClient(running.baseUrl);
      const launched = await http.post('/api/programs', {
        programId: 'drain-test',
        title: 'Drain test',
        ministry: 'Ministry of Science and ICT',
        finalistSlots: 5,
        winnerSlots: 1,
        reason: 'Test',
      });
      expect(launched.status).toBe(201);
      const applications = Array.from({ length: 300 }, (_, i) =>
        http.post('/api/programs/drain-test/applications', {
          teamId: `team-${i}`,
          consortiumName: `Team ${i}`,
          leadOrganization: `Org ${i}`,
          members: [`Org ${i}`],
          reason: 'Application received',
        }),
      );
      // Close once the server is busy with them: the app must finish what it accepted. Requests it has not read yet
      // may be cut (Node closes connections with no request in progress); the client never had an answer begun.
      let answered = 0;
      await new Promise<void>((resolve) => applications.forEach((application) => void application.then(() => ++answered === 5 && resolve(), () => undefined)));
      const closing = running.app.close();
      const answers = await Promise.allSettled(applications);
      await closing;
      const statuses = answers.map((answer) => (answer.status === 'fulfilled' ? answer.value.status : 'refused'));
      expect(statuses.filter((status) => typeof status === 'number' && status >= 500)).toEqual([]);
      const accepted = statuses.filter((status) => status === 201).length;
      expect(accepted).toBeGreaterThan(0);
      // Whatever the server recorded, it answered: no decision was taken whose client was cut off instead.
      await running.restart();
      const after = httpClient(running.baseUrl);
      const head = (await after.get('/api/health', { role: null })).body.eventStore.headPosition;
      const standings = await after.get(`/api/programs/drain-test/standings?minPosition=${head}`, { role: 'auditor' });
      expect(standings.body.teams).toHaveLength(accepted);
    });
  });
}
