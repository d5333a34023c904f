import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { JsonObject } from '../common/json.js';
import { PROGRAM_STREAM_PREFIX } from '../program/program.stream.js';
import { recordedSchemaVersion } from '../program/program.upcasters.js';
import { dataSchemaUri } from './event-data-schemas.js';

/** A CloudEvents 1.0 event in structured JSON mode, with Docket's extension attributes (lower-case, as the spec wants). */
export interface FeedCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema: string;
  subject: string;
  data: JsonObject;
  position: string;
  revision: number;
  recordedat: string;
  schemaversion: number;
  /** The decision's W3C trace context, when it was traced (the CloudEvents distributed-tracing extension). */
  traceparent?: string;
}

/**
 * The CloudEvent of an event already upcast to the current shape of its type. `time` is the decision's effective
 * time; an event without one (written by hand, not by a decision) falls back to when it was recorded.
 */
export function toCloudEvent(event: RecordedEvent): FeedCloudEvent {
  const programId = event.streamId.slice(PROGRAM_STREAM_PREFIX.length);
  const occurredAt = event.metadata.occurredAt;
  const version = recordedSchemaVersion(event.metadata);
  const traceparent = event.metadata.traceparent;
  return {
    specversion: '1.0',
    id: event.eventId,
    source: `/programs/${programId}`,
    type: event.type,
    time: typeof occurredAt === 'string' ? occurredAt : event.recordedAt.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataSchemaUri(event.type, version),
    subject: programId,
    data: event.data,
    position: event.position.toString(),
    revision: event.revision,
    recordedat: event.recordedAt.toISOString(),
    schemaversion: version,
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
  };
}

/**
 * One SSE message: `id` is the position, so a reconnecting client's `Last-Event-ID` is where to resume. JSON.stringify
 * escapes CR and LF inside strings, so the data is one line and cannot end the message early.
 */
export function sseMessage(event: FeedCloudEvent): string {
  return `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
