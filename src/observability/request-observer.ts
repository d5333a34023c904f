import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { tracer, tracingOn } from '../common/tracing.js';
import type { Logger as PinoLogger } from 'pino';
import { logRequest } from './logging.js';
import type { DocketMetrics } from './metrics.js';
import { correlationIdOf, notesOf } from './request-notes.js';

const REQUEST_SPAN = Symbol('docket:request-span');

/**
 * Fastify hooks around every request: its route pattern and correlation id noted first (for the log line and the
 * decision's metadata), its HTTP span started under the caller's `traceparent` when tracing is on (the rest of the
 * request runs in that span's context), and, once answered, its log line and its metrics: HTTP counters and latency,
 * and for a decision its outcome and refusal code.
 */
export function observeRequests(app: NestFastifyApplication, metrics: DocketMetrics, logger: PinoLogger): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const notes = notesOf(request.raw);
    const pattern = request.routeOptions.url;
    if (typeof pattern === 'string') notes.route = pattern;
    correlationIdOf(request.raw);
    if (!tracingOn()) return done();
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(`${request.method} ${notes.route ?? 'unmatched'}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': notes.route ?? '', 'url.path': request.url.split('?', 1)[0]! },
    }, parent);
    (request.raw as { [REQUEST_SPAN]?: Span })[REQUEST_SPAN] = span;
    // What follows in this request (guards, handler, the command bus, the append) runs in the span's context.
    context.with(trace.setSpan(parent, span), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const notes = notesOf(request.raw);
    const route = notes.route ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    const status = reply.statusCode;
    logRequest(logger, request.raw, status, reply.elapsedTime, correlationIdOf(request.raw));
    metrics.httpRequests.inc({ method: request.method, route, status: String(status) });
    metrics.httpSeconds.observe({ method: request.method, route }, seconds);
    if (notes.code) metrics.problems.inc({ status: String(status), code: notes.code });
    if (notes.decision) {
      const outcome = notes.decision.outcome ?? (status >= 400 ? 'refused' : 'recorded');
      metrics.decisions.inc({ command: notes.decision.command, outcome });
      metrics.decisionSeconds.observe({ command: notes.decision.command, outcome }, seconds);
      if (outcome === 'refused') metrics.refusals.inc({ command: notes.decision.command, code: notes.code ?? String(status) });
    }
    const span = (request.raw as { [REQUEST_SPAN]?: Span })[REQUEST_SPAN];
    if (span) {
      span.setAttribute('http.response.status_code', status);
      if (notes.actor) span.setAttribute('enduser.id', notes.actor.id);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}
