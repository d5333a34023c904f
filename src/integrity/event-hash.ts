import { hash } from 'node:crypto';
import { canonicalJson, canonicalObject } from '../common/canonical-json.js';
import type { JsonObject } from '../common/json.js';

/** The `prevHash` of a stream's first event: there is no event before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** The parts of an event its hash covers: all of it but the position and the time the store stamped. */
export interface HashedEvent {
  streamId: string;
  revision: number;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
}

/**
 * SHA-256 (hex) of the RFC 8785 canonical JSON of `{stream, revision, type, data, metadata}`, the metadata without
 * its own `hash` (but with `prevHash`, which chains the event to the one before it in its stream). Canonical JSON
 * writes numbers the shortest way that reads back the same (ECMAScript's), so a score of 33.6 hashes the same
 * whichever store it went through.
 */
export function eventHash(event: HashedEvent): string {
  // The canonical JSON of {stream, revision, type, data, metadata}, written member by member in their sorted order
  // (data, metadata, revision, stream, type): no copy of the metadata without its hash is made.
  const canonical =
    `{"data":${canonicalObject(event.data)},"metadata":${canonicalObject(event.metadata, 'hash')},` +
    `"revision":${canonicalJson(event.revision)},"stream":${canonicalJson(event.streamId)},"type":${canonicalJson(event.type)}}`;
  return hash('sha256', canonical, 'hex');
}

/**
 * The hash an event stands for in its stream's chain and in the log's Merkle tree: the one it carries, or, for an
 * event recorded before the chain existed (unprotected), the one computed from its content.
 */
export function recordedHash(event: HashedEvent): string {
  const own = event.metadata.hash;
  return typeof own === 'string' ? own : eventHash(event);
}

/** Events about to be appended, in order. */
export interface ChainLink {
  type: string;
  data: JsonObject;
  metadata?: JsonObject;
}

/**
 * The events with their place in the stream's hash chain: each one's metadata gets `prevHash` (the hash of the event
 * before it, `prevHash` for the first) and `hash` (its own). `firstRevision` is the revision the first will have.
 */
export function chained<E extends ChainLink>(streamId: string, firstRevision: number, prevHash: string, events: readonly E[]): Array<E & { metadata: JsonObject }> {
  let previous = prevHash;
  return events.map((event, index) => {
    // One copy of the metadata: its `hash` is left out of what it hashes, then filled in.
    const metadata: JsonObject = { ...(event.metadata ?? {}), prevHash: previous, hash: '' };
    const own = eventHash({ streamId, revision: firstRevision + index, type: event.type, data: event.data, metadata });
    metadata.hash = own;
    previous = own;
    return { ...event, metadata };
  });
}
