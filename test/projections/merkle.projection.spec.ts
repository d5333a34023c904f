import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { CHECKPOINT_STREAM } from '../../src/integrity/checkpoint.js';
import { eventHash } from '../../src/integrity/event-hash.js';
import { consistencyProof, inclusionProof, leafHash, treeRoot } from '../../src/integrity/merkle.js';
import { merkleProjection, STORED_FROM_LEVEL } from '../../src/projections/evidence/merkle.projection.js';
import { MerkleQueries } from '../../src/projections/evidence/merkle.queries.js';
import { subtreesOf } from '../support/chained-log.js';
import { ProjectionHarness, tempReadModels } from './standings.fixtures.js';

/** An event of the log, chained or not (events recorded before the chain existed carry no hash). */
function event(position: number, hashed = true): RecordedEvent {
  const base = { eventId: `e-${position}`, streamId: `program-p${position % 3}`, revision: position, position: BigInt(position), type: 'ScoreRecorded', data: { n: position }, recordedAt: new Date(0) };
  const metadata = { reason: `r${position}` };
  return { ...base, metadata: hashed ? { ...metadata, hash: eventHash({ ...base, metadata }) } : metadata };
}

const hex = (buffers: Buffer[]) => buffers.map((b) => b.toString('hex'));

describe('merkle projection (SQLite)', () => {
  let store: { db: Database; close(): void };
  let harness: ProjectionHarness;
  let queries: MerkleQueries;
  const events = Array.from({ length: 75 }, (_, i) => event(i + 1, i >= 5));
  const leaves = events.map((e) => leafHash(Buffer.from((e.metadata.hash as string | undefined) ?? eventHash(e), 'hex')));
  const reference = subtreesOf(leaves);

  beforeEach(() => {
    store = tempReadModels();
    harness = new ProjectionHarness(store.db, merkleProjection);
    queries = new MerkleQueries(store.db, harness.access());
  });
  afterEach(() => store.close());

  it('gives every root, inclusion and consistency proof the tree of the same leaves gives, whatever the batches', () => {
    // Batches of uneven sizes, a rolled-back one among them, and the checkpoints' own events interleaved (not leaves).
    const checkpoint = (position: number): RecordedEvent => ({ ...event(position), streamId: CHECKPOINT_STREAM, position: BigInt(position) * 1000n });
    harness.apply(events.slice(0, 3));
    harness.applyAndRollBack(events.slice(3, 40));
    harness.apply([...events.slice(3, 17), checkpoint(17)]);
    harness.apply(events.slice(17, 75));
    expect(queries.head()).toEqual({ size: 75, rootHash: treeRoot(reference, 75).toString('hex'), lastPosition: '75' });
    for (let size = 1; size <= 75; size++) {
      expect(queries.root(size)).toBe(treeRoot(reference, size).toString('hex'));
      for (const index of [0, Math.floor(size / 2), size - 1]) {
        expect(queries.inclusion(index, size)).toEqual({ root: treeRoot(reference, size).toString('hex'), proof: hex(inclusionProof(reference, index, size)) });
      }
      for (const from of [1, Math.floor(size / 3) || 1, size]) {
        expect(queries.consistency(from, size)?.proof).toEqual(hex(consistencyProof(reference, from, size)));
      }
    }
    expect(queries.root(76)).toBeNull();
    expect(queries.inclusion(0, 76)).toBeNull();
  });

  it('finds an event by its position, with its hash, the hash of its content for an unhashed one', () => {
    harness.apply(events);
    expect(queries.leafAt(3n)).toEqual({ index: 2, position: '3', eventHash: eventHash(events[2]!), leafHash: leaves[2]!.toString('hex') });
    expect(queries.leafAt(30n)).toMatchObject({ index: 29, eventHash: events[29]!.metadata.hash });
    expect(queries.leafAt(76n)).toBeNull();
  });

  it('stores only subtrees of 16 leaves and more, and picks up where it was after a restart', () => {
    harness.apply(events.slice(0, 37));
    const levels = store.db.prepare(`SELECT DISTINCT level FROM merkle_g1_nodes ORDER BY level`).pluck().all() as number[];
    expect(Math.min(...levels)).toBe(STORED_FROM_LEVEL);
    // A new writer (a restart) reloads its frontier from the tables, the small subtrees from their leaves.
    const restarted = new ProjectionHarness(store.db, merkleProjection);
    restarted.apply(events.slice(37));
    expect(queries.head().rootHash).toBe(treeRoot(reference, 75).toString('hex'));
  });
});
