import { connect, type Socket } from 'node:net';
import { expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { FeedHub } from '../../src/feed/feed-hub.js';
import { FeedSettings } from '../../src/feed/feed-settings.js';
import { describeOnEachStore } from '../support/app-harness.js';
import { httpClient, TOKENS } from '../support/http-client.js';
import { openFeed } from '../feed/sse-client.js';

const IDLE = 1000;
const DRAIN_TIMEOUT_MS = 2000;
const DECISIONS = 30;
/** About 12 MB of history for the stalled consumer: more than the kernel buffers between it and the server hold. */
const BULK_APPENDS = 30;
const BULK_EVENTS_PER_APPEND = 10;
const BULK_EVENT_BYTES = 40_000;

/** An HTTP request on a raw socket that reads nothing (stalled) or only discards (idle): no client library in the way. */
function rawFeedRequest(port: number, query: string, stalled: boolean): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET /api/events/stream${query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKENS.subscriber}\r\n\r\n`);
      if (stalled) socket.pause();
      resolve(socket);
    });
    socket.on('error', reject);
    if (!stalled) socket.on('data', () => undefined);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Back-pressure: each connection reads the log at its own pace. A thousand idle connections and one consumer that
 * stopped reading must not slow the writers or a live consumer, and the stalled one is cut off after the bound. Timings
 * are compared with the same workload measured just before on the same machine, so a loaded CI box does not matter.
 */
describeOnEachStore('the event feed under back-pressure', (app) => {
  it('1000 idle connections and a stalled consumer slow neither the writers nor a live consumer; the stalled one is cut off', async () => {
    const http = httpClient(app().baseUrl);
    const port = Number(new URL(app().baseUrl).port);
    const hub = app().app.get(FeedHub);
    app().app.get(FeedSettings).drainTimeoutMs = DRAIN_TIMEOUT_MS;
    const programId = 'backpressure-2026';
    expect((await http.post('/api/programs', { programId, title: 'Load', ministry: 'MSIT', finalistSlots: 5, winnerSlots: 1, reason: 'test' })).status).toBe(201);
    const live = await openFeed(app().baseUrl, `?programId=${programId}`);
    await live.take(1);
    let team = 0;
    /** Sequential decisions, each timed from request to 201 and to its arrival at the live consumer. */
    const round = async () => {
      const took: number[] = [];
      const delivered: number[] = [];
      const started = performance.now();
      for (let i = 0; i < DECISIONS; i++) {
        const teamId = `team-${team++}`;
        const sent = performance.now();
        const response = await http.post(`/api/programs/${programId}/applications`, { teamId, consortiumName: teamId, leadOrganization: teamId, members: [teamId], reason: 'applied' });
        expect(response.status).toBe(201);
        took.push(performance.now() - sent);
        const [message] = await live.take(1);
        expect(message!.id).toBe(response.body.position);
        delivered.push(performance.now() - sent);
      }
      return { total: performance.now() - started, took: median(took), delivered: median(delivered) };
    };
    await round(); // warm-up
    const before = await round();

    const sockets: Socket[] = [];
    try {
      // Idle: subscribers that resumed at the head (Last-Event-ID) and are told nothing but heartbeats since their
      // programme is quiet, as a fleet of subscribers mostly is.
      const head = (await app().app.get<EventStore>(EVENT_STORE).headPosition())!.toString();
      for (let i = 0; i < IDLE; i += 100) {
        sockets.push(...(await Promise.all(Array.from({ length: 100 }, () => rawFeedRequest(port, `?programId=quiet-2026&after=${head}`, false)))));
      }
      // All caught up: the idle ones and the live consumer wait for their next event.
      await until(() => hub.waitingConnections === IDLE + 1, 60_000);

      // The stalled consumer asks for a history larger than the socket buffers and never reads it.
      const store = app().app.get<EventStore>(EVENT_STORE);
      const filler = 'x'.repeat(BULK_EVENT_BYTES);
      for (let a = 0; a < BULK_APPENDS; a++) {
        const events = Array.from({ length: BULK_EVENTS_PER_APPEND }, (_, e) => ({
          eventId: `00000000-0000-4000-8000-${String(a * BULK_EVENTS_PER_APPEND + e).padStart(12, '0')}`,
          type: 'EligibilityRuleClarified',
          data: { ruleId: `rule-${a}-${e}`, text: filler },
          metadata: { schemaVersion: 1 },
        }));
        await store.append('program-bulk-2026', events, { expectedRevision: a === 0 ? 'no-stream' : a * BULK_EVENTS_PER_APPEND - 1 });
      }
      const stalledAt = performance.now();
      sockets.push(await rawFeedRequest(port, '?programId=bulk-2026', true));
      await until(() => hub.openConnections >= IDLE + 2, 5_000);

      const during = await round();
      // Generous bounds (a loaded 2-core machine is noisy); a feed that made writers or readers wait on the stalled
      // consumer, or on the idle ones, would be slower by its drain timeout, or by orders of magnitude.
      expect(during.took).toBeLessThan(Math.max(before.took * 3, before.took + 15));
      expect(during.delivered).toBeLessThan(Math.max(before.delivered * 3, before.delivered + 15));
      // The stalled consumer was still connected, and stalled, the whole time.
      expect(performance.now() - stalledAt).toBeLessThan(DRAIN_TIMEOUT_MS);
      expect(hub.ends.stalled).toBe(0);

      await until(() => hub.ends.stalled === 1, DRAIN_TIMEOUT_MS + 10_000);
      const cutAfter = performance.now() - stalledAt;
      expect(cutAfter).toBeGreaterThanOrEqual(DRAIN_TIMEOUT_MS);
      expect(cutAfter).toBeLessThan(DRAIN_TIMEOUT_MS + 8_000);
      expect(hub.openConnections).toBe(IDLE + 1);
      // What an operator sees of it.
      const health = (await (await fetch(`${app().baseUrl}/api/health`)).json()) as { feed: { open: number; waiting: number; ended: Record<string, number> } };
      expect(health.feed).toMatchObject({ open: IDLE + 1, ended: { stalled: 1 } });
      expect(health.feed.waiting).toBeGreaterThanOrEqual(IDLE);
    } finally {
      for (const socket of sockets) socket.destroy();
      live.close();
    }
    await until(() => hub.openConnections === 0, 10_000);
  }, 120_000);
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
