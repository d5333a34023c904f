import { afterEach, beforeAll, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { FeedSettings } from '../../src/feed/feed-settings.js';
import { describeOnEachStore } from '../support/app-harness.js';
import { httpClient } from '../support/http-client.js';
import { programmeHistory } from '../support/programme-history.js';
import { contractValidator, expectValidCloudEvent } from '../feed/feed-contract-check.js';
import { openFeed, type FeedReader } from '../feed/sse-client.js';

const PROGRAM = 'sovereign-ai-2025';
/** Its stream id is a prefix of PROGRAM's: the programme filter must still keep the two apart. */
const SHORT = 'sovereign-ai';

describeOnEachStore('the event feed (GET /api/events/stream)', (app) => {
  const http = () => httpClient(app().baseUrl);
  const readers: FeedReader[] = [];
  const feed = async (query = '', options: Parameters<typeof openFeed>[2] = {}) => {
    const reader = await openFeed(app().baseUrl, query, options);
    readers.push(reader);
    return reader;
  };
  /** The types of the events the history's decisions recorded, in order, as their 201s reported them. */
  const recorded: Array<{ type: string; position: string; revision: number; effectiveAt: string }> = [];
  let validate: (event: unknown) => string | null;

  beforeAll(async () => {
    for (const { path, body } of programmeHistory(PROGRAM)) {
      const response = await http().post(path, body);
      expect(response.status).toBe(201);
      for (const event of response.body.events) recorded.push({ ...event, effectiveAt: new Date(String(body.effectiveAt)).toISOString() });
    }
    const contract = await http().get('/api/events/schema', { role: 'subscriber' });
    expect(contract.status).toBe(200);
    validate = contractValidator(contract.body);
  });
  afterEach(() => {
    for (const reader of readers.splice(0)) reader.close();
  });

  it('sends the whole history in order as CloudEvents that the SDK and the published schema accept', async () => {
    const reader = await feed(`?programId=${PROGRAM}`);
    expect(reader.status).toBe(200);
    expect(reader.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(reader.headers.get('cache-control')).toContain('no-cache');
    expect(reader.headers.get('x-accel-buffering')).toBe('no');
    const messages = await reader.take(recorded.length);
    expect(messages.map((m) => [m.id, m.event])).toEqual(recorded.map((e) => [e.position, e.type]));
    const events = messages.map((m) => expectValidCloudEvent(m.data, validate));
    events.forEach((event, i) => {
      expect(event).toMatchObject({
        specversion: '1.0',
        source: `/programs/${PROGRAM}`,
        subject: PROGRAM,
        type: recorded[i]!.type,
        time: recorded[i]!.effectiveAt,
        datacontenttype: 'application/json',
        position: recorded[i]!.position,
        revision: recorded[i]!.revision,
      });
      expect(new Date(event.recordedat).getTime()).not.toBeNaN();
    });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const ncAi = events.find((e) => e.type === 'TeamEliminated' && e.data.teamId === 'nc-ai')!;
    expect(ncAi).toMatchObject({ data: { grounds: 'ranking', round: 1, stage: 1 }, schemaversion: 2, dataschema: 'urn:docket:event-schema:TeamEliminated:2' });
    expect(events[0]).toMatchObject({ schemaversion: 1, dataschema: 'urn:docket:event-schema:ProgramLaunched:1', data: { programId: PROGRAM, finalistSlots: 5 } });
    // Nothing more of this programme: the stream stays open, waiting for live events.
    expect(await reader.drainFor(200)).toEqual([]);
  });

  it('hands over from history to live events without a gap or a repeat', async () => {
    await http().post('/api/programs', { programId: SHORT, title: 'Prefix twin', ministry: 'MSIT', finalistSlots: 2, winnerSlots: 1, reason: 'test' });
    const reader = await feed(`?programId=${SHORT}`);
    const [launched] = await reader.take(1);
    expect(launched!.event).toBe('ProgramLaunched');
    const positions: string[] = [];
    for (const teamId of ['team-a', 'team-b', 'team-c']) {
      const response = await http().post(`/api/programs/${SHORT}/applications`, { teamId, consortiumName: teamId, leadOrganization: teamId, members: [teamId], reason: 'applied' });
      positions.push(response.body.position);
    }
    const live = await reader.take(3);
    expect(live.map((m) => m.id)).toEqual(positions);
    expect(live.map((m) => JSON.parse(m.data!).data.teamId)).toEqual(['team-a', 'team-b', 'team-c']);
    // The longer programme's events never leak into the shorter id's feed although its stream id has the prefix.
    expect(live.every((m) => JSON.parse(m.data!).subject === SHORT)).toBe(true);
  });

  it('filters by event types', async () => {
    const reader = await feed(`?programId=${PROGRAM}&types=TeamEliminated,WildcardClosed`);
    const expected = recorded.filter((e) => e.type === 'TeamEliminated' || e.type === 'WildcardClosed');
    expect(expected.length).toBe(13);
    const messages = await reader.take(expected.length);
    expect(messages.map((m) => [m.id, m.event])).toEqual(expected.map((e) => [e.position, e.type]));
    expect(await reader.drainFor(150)).toEqual([]);
  });

  it('starts after a position, and a Last-Event-ID header wins over after', async () => {
    const tenth = recorded[9]!;
    const fromAfter = await feed(`?programId=${PROGRAM}&after=${tenth.position}`);
    expect((await fromAfter.take(recorded.length - 10)).map((m) => m.id)).toEqual(recorded.slice(10).map((e) => e.position));
    const resumed = await feed(`?programId=${PROGRAM}&after=${tenth.position}`, { headers: { 'Last-Event-ID': recorded[59]!.position } });
    expect((await resumed.take(recorded.length - 60)).map((m) => m.id)).toEqual(recorded.slice(60).map((e) => e.position));
    expect(await resumed.drainFor(150)).toEqual([]);
  });

  it('lets subscribers, auditors and admins in; refuses other roles with 403 and no token with 401', async () => {
    for (const role of ['subscriber', 'auditor', 'admin'] as const) {
      const reader = await feed(`?programId=${SHORT}&types=WinnerSelected`, { role });
      expect(reader.status).toBe(200);
    }
    for (const role of ['official', 'evaluator'] as const) {
      const refused = await http().get('/api/events/stream', { role });
      expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN', status: 403 } });
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(await http().get('/api/events/stream', { role: null })).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses bad parameters with 400 problem+json before the stream starts', async () => {
    const cases: Array<[query: string, field: string, headers?: Record<string, string>]> = [
      ['?after=abc', 'after'],
      ['?after=007', 'after'],
      ['?after=-1', 'after'],
      ['?after=9223372036854775808', 'after'],
      ['?types=TeamEliminated,TeamVanished', 'types'],
      ['?types=', 'types'],
      ['?types=TeamEliminated,', 'types'],
      ['?programId=Sovereign_AI', 'programId'],
      ['?programId=ab', 'programId'],
      ['?after=1&after=2', 'after'],
      ['?from=1', 'from'],
      ['', 'Last-Event-ID', { 'Last-Event-ID': 'x1' }],
      ['', 'Last-Event-ID', { 'Last-Event-ID': '99999999999999999999' }],
    ];
    for (const [query, field, headers] of cases) {
      const response = await http().get(`/api/events/stream${query}`, { role: 'subscriber', ...(headers ? { headers } : {}) });
      expect({ query, status: response.status, code: response.body?.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // The largest position there is, is a position: the stream starts (and has nothing after it).
    const last = await feed('?after=9223372036854775807');
    expect(last.status).toBe(200);
    expect(await last.drainFor(100)).toEqual([]);
  });

  it('keeps a quiet connection open with comment lines', async () => {
    const settings = app().app.get(FeedSettings);
    const before = settings.heartbeatMs;
    settings.heartbeatMs = 100;
    try {
      const reader = await feed(`?programId=${SHORT}&types=WinnerSelected`);
      await reader.drainFor(450);
      expect(reader.others.filter((m) => m.comment !== undefined).length).toBeGreaterThanOrEqual(3);
      expect(reader.others[0]).toEqual({ retry: '1000' });
    } finally {
      settings.heartbeatMs = before;
    }
  });

  it('resumes a consumer from the store when it fell behind the shared live tail, then hands it over to the tail', async () => {
    const settings = app().app.get(FeedSettings);
    const before = settings.tailEntries;
    settings.tailEntries = 2; // the tail keeps almost nothing: a resumed consumer is behind it at once
    try {
      const programId = 'tail-2026';
      const launched = await http().post('/api/programs', { programId, title: 'Tail', ministry: 'MSIT', finalistSlots: 2, winnerSlots: 1, reason: 'test' });
      const positions: string[] = [];
      const apply = async (teamId: string) => {
        const response = await http().post(`/api/programs/${programId}/applications`, { teamId, consortiumName: teamId, leadOrganization: teamId, members: [teamId], reason: 'applied' });
        expect(response.status).toBe(201);
        positions.push(response.body.position);
      };
      for (let i = 0; i < 12; i++) await apply(`early-${i}`);
      const resumed = await feed(`?programId=${programId}`, { headers: { 'Last-Event-ID': launched.body.position } });
      const late = (async () => {
        for (let i = 0; i < 12; i++) await apply(`late-${i}`);
      })();
      const messages = await resumed.take(24);
      await late;
      expect(messages.map((m) => m.id)).toEqual(positions);
      expect(messages.map((m) => JSON.parse(m.data!).data.teamId)).toEqual([...Array.from({ length: 12 }, (_, i) => `early-${i}`), ...Array.from({ length: 12 }, (_, i) => `late-${i}`)]);
      expect(await resumed.drainFor(150)).toEqual([]);
    } finally {
      settings.tailEntries = before;
    }
  });

  it('documents the feed and its contract in the OpenAPI description', async () => {
    const document = (await http().get('/api/docs-json', { role: null })).body;
    const stream = document.paths['/api/events/stream'].get;
    expect(stream.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['header:Last-Event-ID', 'query:after', 'query:programId', 'query:types']);
    expect(Object.keys(stream.responses).sort()).toEqual(['200', '400', '401', '403', '429']);
    expect(Object.keys(stream.responses['200'].content)).toEqual(['text/event-stream']);
    expect(document.paths['/api/events/schema'].get.responses['200'].content).toHaveProperty(['application/schema+json']);
    // Any role may read the contract; without a token it is refused like every other API route.
    expect((await http().get('/api/events/schema', { role: 'evaluator' })).status).toBe(200);
    expect((await http().get('/api/events/schema', { role: null })).status).toBe(401);
  });

  it('serves an event recorded in an old schema version in the current one', async () => {
    // What a Docket from before TeamEliminated v2 wrote: no `round`, schemaVersion 1, straight into the store.
    const store = app().app.get<EventStore>(EVENT_STORE);
    const stream = 'program-legacy-2025';
    const metadata = { schemaVersion: 1, occurredAt: '2026-01-15T01:00:00.000Z', reason: 'Eliminated on the first-stage ranking' };
    const appended = await store.append(
      stream,
      [
        { eventId: '0b7f7c1e-5d7a-4f43-9d59-1a3c1d6c0a01', type: 'TeamEliminated', data: { teamId: 'nc-ai', stage: 1, grounds: 'ranking' }, metadata },
        { eventId: '0b7f7c1e-5d7a-4f43-9d59-1a3c1d6c0a02', type: 'TeamEliminated', data: { teamId: 'team-x', stage: 2, grounds: 'ranking' }, metadata },
      ],
      { expectedRevision: 'no-stream' },
    );
    const reader = await feed('?programId=legacy-2025');
    const [first, second] = (await reader.take(2)).map((m) => expectValidCloudEvent(m.data, validate));
    expect(first).toMatchObject({ position: appended.events[0]!.position.toString(), schemaversion: 2, dataschema: 'urn:docket:event-schema:TeamEliminated:2' });
    expect(first!.data).toEqual({ teamId: 'nc-ai', stage: 1, grounds: 'ranking', round: 1 });
    // At stage 2 the round that ranked it is not known: left out, not guessed.
    expect(second!.data).toEqual({ teamId: 'team-x', stage: 2, grounds: 'ranking' });
    expect(second!.time).toBe('2026-01-15T01:00:00.000Z');
  });
});
