import { context, propagation, SpanStatusCode, trace, type Span, type SpanOptions } from '@opentelemetry/api';

/**
 * Whether spans are recorded: set once at start-up when an exporter is configured (see `observability/tracing.ts`).
 * Without it no span is even started, so tracing that is off costs a branch.
 */
let enabled = false;

export function tracingOn(): boolean {
  return enabled;
}

export function setTracingOn(on: boolean): void {
  enabled = on;
}

export const tracer = trace.getTracer('docket');

/** The W3C `traceparent` of the active span (what a decision stores in its events' metadata), if there is one. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Runs `work` in a new active span when tracing is on (ending it, with the error if it throws), else just runs it. */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span | null) => Promise<T>): Promise<T> {
  if (!enabled) return work(null);
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}
