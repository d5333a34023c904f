import type { JsonObject } from '../event-store/json.js';

/**
 * Event types are versioned: `metadata.schemaVersion` says which shape of its type an event was recorded in. Every
 * reader (the command loop's fold, the projection runner, the feed) passes recorded events through `upcast`, so the
 * rest of the code sees only the current shape of each type. Recorded events are never rewritten.
 */
export type Upcaster = (data: JsonObject) => JsonObject;

/** The current version of each event type that has had more than one; every other type is at version 1. */
export const CURRENT_SCHEMA_VERSIONS: Readonly<Record<string, number>> = {};

/** `UPCASTERS[type][v]` turns data of version `v` into version `v + 1`. */
const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {};

export function currentSchemaVersion(type: string): number {
  return CURRENT_SCHEMA_VERSIONS[type] ?? 1;
}

/** The event in the current shape of its type; the very same object when it is current already. */
export function upcast<E extends { type: string; data: JsonObject; metadata: JsonObject }>(event: E): E {
  const recorded = typeof event.metadata.schemaVersion === 'number' ? event.metadata.schemaVersion : 1;
  const current = currentSchemaVersion(event.type);
  if (recorded >= current) return event;
  let data = event.data;
  for (let version = recorded; version < current; version += 1) {
    const step = UPCASTERS[event.type]?.[version];
    if (!step) throw new Error(`No upcaster for ${event.type} from schema version ${version}`);
    data = step(data);
  }
  return { ...event, data, metadata: { ...event.metadata, schemaVersion: current } };
}
