import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { startApp } from '../support/app-harness.js';
import { httpClient, TOKENS } from '../support/http-client.js';

/**
 * What a hostile or careless client can hold of the service: many idle feed connections, slow-loris requests that
 * never finish their headers, bodies at and over the limit, a client that never reads the export it asked for.
 * Meanwhile health and decisions keep answering (within a bound generous enough for a loaded CI machine: this checks
 * that nothing starves, not how fast).
 */
const FEEDS = process.env['DOCKET_SOAK'] ? 2000 : 1000;
const BOUND_MS = 5000;

function rawSocket(port: number, text: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

describe('resource limits: health and decisions keep answering', () => {
  let running: Awaited<ReturnType<typeof startApp>>;
  let port: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    running = await startApp('sqlite');
    port = Number(new URL(running.baseUrl).port);
    const launched = await httpClient(running.baseUrl).post('/api/programs', { programId: 'limits', title: 'Limits', ministry: 'MSIT', finalistSlots: 2, winnerSlots: 1, reason: 'launch', rules: [{ ruleId: 'independent-development', text: 'x' }] });
    expect(launched.status).toBe(201);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await running?.stop();
  });

  async function stillAnswering(label: string, team: string): Promise<void> {
    const http = httpClient(running.baseUrl);
    const started = Date.now();
    const health = await fetch(`${running.baseUrl}/api/health`);
    const decision = await http.post('/api/programs/limits/applications', { teamId: team, consortiumName: team, leadOrganization: team, members: [team], reason: 'received' });
    expect({ label, health: health.status, decision: decision.status }).toEqual({ label, health: 200, decision: 201 });
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
  }

  it(`holds ${FEEDS} idle feed connections`, async () => {
    const request = `GET /api/events/stream?programId=limits HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.subscriber}\r\nAccept: text/event-stream\r\n\r\n`;
    for (let i = 0; i < FEEDS; i += 100) sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, FEEDS - i) }, () => rawSocket(port, request)))));
    // Every connection is open and caught up (the server counts them), waiting for the next event.
    for (;;) {
      const health = (await (await fetch(`${running.baseUrl}/api/health`)).json()) as { feed: { open: number; waiting: number } };
      if (health.feed.open >= FEEDS && health.feed.waiting >= FEEDS) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await stillAnswering('with idle feeds', 'idle-feeds');
  }, 120_000);

  it('holds slow-loris requests that never finish their headers', async () => {
    const loris = await Promise.all(Array.from({ length: 200 }, () => rawSocket(port, 'POST /api/programs/limits/applications HTTP/1.1\r\nHost: x\r\nX-Slow: ')));
    sockets.push(...loris);
    for (const socket of loris) socket.write('a');
    await stillAnswering('with slow-loris requests', 'slow-loris');
  });

  it('takes a body at the limit and refuses one over it with 413, appending nothing', async () => {
    const http = httpClient(running.baseUrl);
    const padding = (bytes: number) => `{"teamId":"big","consortiumName":"big","leadOrganization":"big","members":["big"],"reason":"${'r'.repeat(bytes)}"}`;
    const base = padding(0).length;
    const store = running.app.get<EventStore>(EVENT_STORE);
    const head = await store.headPosition();
    const atLimit = await http.request('POST', '/api/programs/limits/applications', { rawBody: padding(64 * 1024 - base) });
    expect(atLimit.status).toBe(400); // read whole, then refused by validation (the reason is far over its length)
    expect(atLimit.body.code).toBe('VALIDATION_FAILED');
    const over = await http.request('POST', '/api/programs/limits/applications', { rawBody: padding(64 * 1024 - base + 1) });
    expect({ status: over.status, code: over.body.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(await store.headPosition()).toBe(head);
    await stillAnswering('after large bodies', 'large-bodies');
  });

  it('goes on while a client does not read the export it asked for', async () => {
    const http = httpClient(running.baseUrl);
    for (let i = 0; i < 200; i++) await http.post('/api/programs/limits/applications', { teamId: `bulk-${i}`, consortiumName: `bulk ${i} ${'x'.repeat(400)}`.slice(0, 200), leadOrganization: 'bulk', members: ['bulk'], reason: 'r'.repeat(1000) });
    const stuck = await Promise.all(Array.from({ length: 20 }, () => rawSocket(port, `GET /api/programs/limits/audit/export?format=jsonl HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.auditor}\r\n\r\n`)));
    for (const socket of stuck) socket.pause();
    sockets.push(...stuck);
    await stillAnswering('with unread exports', 'unread-exports');
  });
});
