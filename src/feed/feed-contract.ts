import { currentSchemaVersion } from '../program/program.upcasters.js';
import { PROGRAM_EVENT_TYPES } from '../program/program.events.js';
import { DATA_SCHEMAS, dataSchemaUri, type JsonSchema } from './event-data-schemas.js';

export const FEED_CONTRACT_ID = 'urn:docket:event-feed';

const VERSIONING_RULE = [
  'Each event type is versioned on its own, by `metadata.schemaVersion` in the store and the `schemaversion` extension',
  'attribute here. A change a reader could miss makes a new version, published here beside the old ones. Events are',
  'never rewritten: an event recorded in an older version is upcast when read, so the feed always delivers the current',
  'version of every type, and `dataschema` names the schema its `data` follows (`$id` of one of `$defs`).',
].join(' ');

const position: JsonSchema = { type: 'string', pattern: '^(0|[1-9][0-9]{0,18})$', description: 'Global position in the event store (64-bit), the SSE `id`.' };

/** The CloudEvents 1.0 structured envelope the feed sends as each SSE message's `data`, for one event type. */
function envelopeOf(type: string): JsonSchema {
  const version = currentSchemaVersion(type);
  return {
    type: 'object',
    required: ['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'dataschema', 'subject', 'data', 'position', 'revision', 'recordedat', 'schemaversion'],
    additionalProperties: false,
    properties: {
      specversion: { const: '1.0' },
      id: { type: 'string', format: 'uuid', description: 'The event id: the same on every delivery of the event.' },
      source: { type: 'string', pattern: '^/programs/[a-z0-9]+(-[a-z0-9]+)*$' },
      type: { const: type },
      time: { type: 'string', format: 'date-time', description: "The decision's effective time (`occurredAt`)." },
      datacontenttype: { const: 'application/json' },
      dataschema: { const: dataSchemaUri(type, version) },
      subject: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'The programme.' },
      data: { $ref: dataSchemaUri(type, version) },
      position,
      revision: { type: 'integer', minimum: 0, description: "The event's revision in its programme's stream." },
      recordedat: { type: 'string', format: 'date-time', description: 'When the store recorded the event.' },
      schemaversion: { const: version },
      traceparent: {
        type: 'string',
        pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
        description: "The W3C trace context of the decision that recorded the event (CloudEvents distributed-tracing extension), when it was traced: a subscriber continues the decision's trace from it.",
      },
    },
  };
}

/**
 * The feed's machine-readable contract: one JSON Schema (draft 2020-12) whose root validates any CloudEvent the feed
 * sends, with the schema of every published version of every type's data in `$defs` (each with its own `$id`).
 */
export function feedContract(): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  for (const type of PROGRAM_EVENT_TYPES) {
    defs[type] = envelopeOf(type);
    for (const [version, schema] of Object.entries(DATA_SCHEMAS[type] as Record<number, JsonSchema>)) {
      defs[`${type}.v${version}`] = { $id: dataSchemaUri(type, Number(version)), title: `${type} data, version ${version}`, ...schema };
    }
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: FEED_CONTRACT_ID,
    title: 'Docket event feed: CloudEvents 1.0 (structured JSON) of GET /api/events/stream',
    description: VERSIONING_RULE,
    'x-current-versions': Object.fromEntries(PROGRAM_EVENT_TYPES.map((type) => [type, currentSchemaVersion(type)])),
    oneOf: PROGRAM_EVENT_TYPES.map((type) => ({ $ref: `#/$defs/${type}` })),
    $defs: defs,
  };
}
