import type { JsonObject } from '../common/json.js';

/**
 * Event types are versioned: `metadata.schemaVersion` says which shape of its type an event was recorded in. Every
 * reader (the command loop's fold, the projection runner, the feed) passes recorded events through `upcast`, so the
 * rest of the code sees only the current shape of each type. Recorded events are never rewritten.
 *
 * The rule: a change a reader could miss (a new field, a changed meaning) makes a new version of the type; writers
 * always write the current version (`currentSchemaVersion`), and each older version has one upcaster to the next.
 * An upcaster fills in only what the old event itself proves; what it cannot know stays absent.
 */
export type Upcaster = (data: JsonObject) => JsonObject;

/** The current version of each event type that has had more than one; every other type is at version 1. */
export const CURRENT_SCHEMA_VERSIONS: Readonly<Record<string, number>> = {
  // v2: `round` (with `ranking` grounds), the closed round whose ranking decided.
  TeamEliminated: 2,
};

/**
 * Version 1 of `TeamEliminated` did not say which round's ranking put a team out; only `stage`, the latest round
 * opened. A ranking elimination needs a closed round no later than that, so at stage 1 it can only have been round 1.
 * At a later stage any earlier closed round was possible, and `round` stays absent rather than guessed.
 */
const teamEliminatedV1ToV2: Upcaster = (data) => {
  if (data.grounds !== 'ranking' || data.round !== undefined || data.stage !== 1) return data;
  return { ...data, round: 1 };
};

/** `UPCASTERS[type][v]` turns data of version `v` into version `v + 1`. */
const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {
  TeamEliminated: { 1: teamEliminatedV1ToV2 },
};

export function currentSchemaVersion(type: string): number {
  return CURRENT_SCHEMA_VERSIONS[type] ?? 1;
}

/** The schema version an event was recorded in: events from before versioning carry none and are version 1. */
export function recordedSchemaVersion(metadata: JsonObject): number {
  const version = metadata.schemaVersion;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1;
}

/**
 * The event in the current shape of its type; the very same object when it is current already. An event written by
 * a newer version of Docket than this one (a higher version) is passed on as it is: its reader cannot downcast.
 */
export function upcast<E extends { type: string; data: JsonObject; metadata: JsonObject }>(event: E): E {
  const current = currentSchemaVersion(event.type);
  // A type that never changed is current whatever the event says; its metadata need not be read.
  if (current === 1) return event;
  const recorded = recordedSchemaVersion(event.metadata);
  if (recorded >= current) return event;
  let data = event.data;
  for (let version = recorded; version < current; version += 1) {
    const step = UPCASTERS[event.type]?.[version];
    if (!step) throw new Error(`No upcaster for ${event.type} from schema version ${version}`);
    data = step(data);
  }
  return { ...event, data, metadata: { ...event.metadata, schemaVersion: current } };
}
