import { propagation, ROOT_CONTEXT, trace, type Link } from '@opentelemetry/api';
import { tracer } from '../../common/tracing.js';
import type { ToHost } from './projection-thread.protocol.js';

/**
 * The span of one live batch of the projections' thread, recorded in the HTTP thread (where the tracer provider
 * is) with the times the thread measured. A batch carries many decisions' events: it links to each decision's trace
 * rather than belonging to one.
 */
export function recordBatchSpan(batch: Extract<ToHost, { kind: 'batch' }>): void {
  const links: Link[] = [];
  for (const traceparent of batch.traceparents) {
    const context = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
    if (context) links.push({ context });
  }
  tracer
    .startSpan('projections.batch', {
      startTime: batch.startedAt,
      links,
      attributes: { 'docket.events': batch.events, 'docket.first_position': batch.first, 'docket.last_position': batch.last, 'docket.projections': batch.projections },
    }, ROOT_CONTEXT)
    .end(batch.endedAt);
}
