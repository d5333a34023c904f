import { expect, it } from '@jest/globals';
import { EventSource, type FetchLike } from 'eventsource';
import { PROGRAM_EVENT_TYPES as EVENT_TYPES } from '../../src/program/program.events.js';
import { describeOnEachStore } from '../support/app-harness.js';
import { httpClient, TOKENS } from '../support/http-client.js';
import { programmeHistory } from '../support/programme-history.js';

const PROGRAM = 'sovereign-ai-2025';

/**
 * The resume guarantee, shown with the `eventsource` package (a client none of us wrote): it keeps the last id it
 * dispatched and sends it as `Last-Event-ID` when it reconnects after the connection breaks.
 */
describeOnEachStore('the event feed with the eventsource client', (app) => {
  it('resumes after a dropped connection with Last-Event-ID: every event exactly once, in order', async () => {
    const http = httpClient(app().baseUrl);
    const decisions = programmeHistory(PROGRAM);
    const recorded: string[] = [];
    const decide = async (from: number, to: number) => {
      for (const { path, body } of decisions.slice(from, to)) {
        const response = await http.post(path, body);
        expect(response.status).toBe(201);
        recorded.push(...response.body.events.map((e: { position: string }) => e.position));
      }
    };
    await decide(0, 40);

    // The client's fetch, as the package lets one pass it: adds the token, records what each connection sent, and
    // lets the test cut the first connection (a network failure) and hold the reconnection until it says so.
    const sent: Array<{ lastEventId: string | null }> = [];
    const received: Array<{ id: string; type: string; position: string }> = [];
    const cut = new AbortController();
    let releaseReconnect!: () => void;
    const reconnectAllowed = new Promise<void>((resolve) => (releaseReconnect = resolve));
    const authorisedFetch: FetchLike = async (url, init) => {
      const headers = new Headers(init.headers as Record<string, string>);
      headers.set('authorization', `Bearer ${TOKENS.subscriber}`);
      sent.push({ lastEventId: headers.get('last-event-id') });
      if (sent.length === 1) return fetch(url, { ...init, headers, signal: AbortSignal.any([init.signal as AbortSignal, cut.signal]) });
      await reconnectAllowed;
      return fetch(url, { ...init, headers });
    };

    const source = new EventSource(`${app().baseUrl}/api/events/stream?programId=${PROGRAM}`, { fetch: authorisedFetch });
    let lastBeforeCut: string | null = null;
    let released = false;
    let everythingArrived!: () => void;
    const done = new Promise<void>((resolve) => (everythingArrived = resolve));
    const onMessage = (event: MessageEvent) => {
      const cloudEvent = JSON.parse(event.data as string);
      received.push({ id: event.lastEventId, type: event.type, position: cloudEvent.position });
      if (received.length === 25 && lastBeforeCut === null) {
        lastBeforeCut = event.lastEventId;
        // Mid-stream (more of the history is on its way): a network failure, not an abort the client asked for.
        cut.abort(Object.assign(new Error('connection reset'), { name: 'NetworkError' }));
      }
      if (released && received.length === recorded.length) everythingArrived();
    };
    // Named events (`event: <type>`) reach listeners of that name only, as in a browser.
    for (const type of EVENT_TYPES) source.addEventListener(type, onMessage);
    try {
      await until(() => sent.length === 2, 10_000); // the client noticed the cut and is reconnecting
      const beforeReconnect = received.length;
      // Decisions taken while the subscriber is away: it must get them after the history it missed.
      await decide(40, decisions.length);
      released = true;
      releaseReconnect();
      await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${received.length} of ${recorded.length} events arrived`)), 15_000))]);
      // A last decision as a marker: once it has arrived, anything extra (a repeat) would have arrived before it.
      const marker = await http.post(`/api/programs/${PROGRAM}/rules`, { ruleId: 'independent-development', text: 'A marker clarification.', reason: 'Marker' });
      expect(marker.status).toBe(201);
      recorded.push(marker.body.position);
      await until(() => received.some((event) => event.id === marker.body.position), 15_000);
      expect(beforeReconnect).toBeGreaterThanOrEqual(25);
      expect(beforeReconnect).toBeLessThan(recorded.length);
      // The cut came after the 25th event; what was already in the client's hands was still dispatched.
      expect(BigInt(sent[1]!.lastEventId!)).toBeGreaterThanOrEqual(BigInt(lastBeforeCut!));
      // It resumed from exactly the last event it had dispatched when it reconnected.
      expect(sent.map((request) => request.lastEventId)).toEqual([null, received[beforeReconnect - 1]!.id]);
      expect(received.map((e) => e.id)).toEqual(recorded);
      expect(received.map((e) => e.position)).toEqual(recorded);
    } finally {
      source.close();
      releaseReconnect();
    }
  });
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
