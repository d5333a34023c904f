import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { collect } from '../event-store/event-store.contract.js';
import { TOKENS } from '../support/http-client.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const launch = {
  programId: 'traced',
  title: 'Traced programme',
  ministry: 'Ministry of Science and ICT',
  finalistSlots: 2,
  winnerSlots: 1,
  reason: 'Programme announced',
  rules: [{ ruleId: 'independent-development', text: 'Train from scratch.' }],
};

describe('tracing: from the request through the decision and the append to the projections and the feed', () => {
  const exporter = new InMemorySpanExporter();
  const data = tempDir('docket-trace-');
  let tracing: Tracing;
  let app: Awaited<ReturnType<typeof createApp>>;
  let baseUrl: string;

  beforeAll(async () => {
    // Before the application: its projections' thread learns at start that batches are to be traced.
    tracing = startTracing({ tracing: null }, exporter)!;
    app = await createApp(loadConfig({ PORT: '0', DATA_DIR: data.path }), { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await tracing?.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
    data.remove();
  });

  const named = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('continues the caller\'s trace, parents every span, stores the trace context in the event and sends it with the CloudEvent', async () => {
    const feed = await fetch(`${baseUrl}/api/events/stream?programId=traced`, { headers: { authorization: `Bearer ${TOKENS.subscriber}`, accept: 'text/event-stream' } });
    expect(feed.status).toBe(200);
    const response = await fetch(`${baseUrl}/api/programs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.official}`, 'content-type': 'application/json', traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
      body: JSON.stringify(launch),
    });
    expect(response.status).toBe(201);

    const http = await until(async () => named('POST /api/programs'), (spans) => spans.length === 1);
    const request = http[0]!;
    expect(request.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(parentOf(request)).toBe(CLIENT_SPAN);
    expect(request.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/api/programs', 'http.response.status_code': 201, 'enduser.id': 'kim.official' });
    const [decide] = named('decide LaunchProgram');
    expect(decide!.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(parentOf(decide!)).toBe(request.spanContext().spanId);
    expect(decide!.attributes).toMatchObject({ 'docket.command': 'LaunchProgram', 'docket.program': 'traced', 'docket.revision': 0, 'docket.replayed': false });
    const [append] = named('eventstore.append');
    expect(parentOf(append!)).toBe(decide!.spanContext().spanId);
    expect(append!.attributes).toMatchObject({ 'docket.stream': 'program-traced', 'docket.events': 1 });

    const [event] = await collect(app.get<EventStore>(EVENT_STORE).readStream('program-traced'));
    const traceparent = `00-${CLIENT_TRACE}-${decide!.spanContext().spanId}-01`;
    expect(event!.metadata['traceparent']).toBe(traceparent);

    // The subscriber reads the decision's trace context from the CloudEvent and continues the trace from it.
    const reader = feed.body!.getReader();
    let text = '';
    while (!text.includes('\n\n') || !text.includes('data: ')) text += new TextDecoder().decode((await reader.read()).value);
    const cloudEvent = JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as { traceparent?: string; type: string };
    expect(cloudEvent).toMatchObject({ type: 'ProgramLaunched', traceparent });
    await reader.cancel();
    const [delivery] = await until(async () => named('feed.deliver'), (spans) => spans.length >= 1);
    expect(delivery!.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(parentOf(delivery!)).toBe(decide!.spanContext().spanId);

    // The projections' batch that applied it links to the decision's trace.
    const batches = await until(async () => named('projections.batch'), (spans) => spans.some((span) => span.links.some((link) => link.context.traceId === CLIENT_TRACE)));
    const batch = batches.find((span) => span.links.some((link) => link.context.traceId === CLIENT_TRACE))!;
    expect(batch.attributes['docket.projections']).toEqual(expect.arrayContaining(['standings', 'audit', 'timeline']));
    expect(batch.links.find((link) => link.context.traceId === CLIENT_TRACE)!.context.spanId).toBe(decide!.spanContext().spanId);
  });

  it('starts a trace of its own for a request that brings none, and records a refusal on the request span', async () => {
    exporter.reset();
    const refused = await fetch(`${baseUrl}/api/programs`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.official}`, 'content-type': 'application/json' }, body: JSON.stringify(launch) });
    expect(refused.status).toBe(409);
    const [request] = await until(async () => named('POST /api/programs'), (spans) => spans.length === 1);
    expect(request!.parentSpanContext).toBeUndefined();
    expect(request!.attributes['http.response.status_code']).toBe(409);
    const [decide] = named('decide LaunchProgram');
    expect(decide!.spanContext().traceId).toBe(request!.spanContext().traceId);
    expect(decide!.status.code).toBe(2);
  });
});
