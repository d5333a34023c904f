import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { inTree } from '../../integrity/checkpoint.js';
import { recordedHash } from '../../integrity/event-hash.js';
import { leafHash, nodeHash } from '../../integrity/merkle.js';
import type { Projection, ProjectionWriter, TableSet } from '../engine/projection.js';

export const MERKLE = 'merkle';

export function merkleTables(tables: TableSet) {
  return {
    /** One row per leaf: the event's position, its hash, and its leaf hash (level 0 of the tree). */
    leaves: `${tables.prefix}leaves`,
    /** The hash of every perfect subtree of 2^level leaves, level ≥ 1, by level and index. */
    nodes: `${tables.prefix}nodes`,
  };
}

/**
 * The RFC 6962 Merkle tree of every event hash in global order (see `inTree`), as derived data like any read model:
 * the leaves and the hashes of all perfect subtrees, from which any root, inclusion proof or consistency proof of a
 * past size is put together in O(log² n) lookups. A leaf is appended with the subtrees it completes, in O(1)
 * amortised; the frontier (the last complete subtree of each level not yet paired) is kept in memory.
 */
export const merkleProjection: Projection = {
  name: MERKLE,
  version: 1,
  createTables(db: Database, tables: TableSet): void {
    const t = merkleTables(tables);
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t.leaves} (
        idx INTEGER PRIMARY KEY,
        position INTEGER NOT NULL,
        event_hash BLOB NOT NULL,
        leaf_hash BLOB NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ${t.nodes} (
        level INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        hash BLOB NOT NULL,
        PRIMARY KEY (level, idx)
      ) WITHOUT ROWID;`);
  },
  indexes(tables: TableSet): readonly string[] {
    const t = merkleTables(tables);
    return [`CREATE UNIQUE INDEX IF NOT EXISTS ${t.leaves}_by_position ON ${t.leaves} (position)`];
  },
  openWriter(db: Database, tables: TableSet): ProjectionWriter {
    return new MerkleWriter(db, tables);
  },
};

class MerkleWriter implements ProjectionWriter {
  private readonly insertLeaf: Statement<[number, bigint, Buffer, Buffer]>;
  private readonly insertNode: Statement<[number, number, Buffer]>;
  private readonly countLeaves: Statement<[], { size: number | null }>;
  private readonly readLeaf: Statement<[number], { leaf_hash: Buffer }>;
  private readonly readNode: Statement<[number, number], { hash: Buffer }>;
  /** Leaves applied so far; undefined until read from the tables (again after a rollback). */
  private size: number | undefined;
  /** The hash of the last subtree of each level that waits for its right sibling. */
  private frontier = new Map<number, Buffer>();

  constructor(db: Database, tables: TableSet) {
    const t = merkleTables(tables);
    this.insertLeaf = db.prepare(`INSERT INTO ${t.leaves} (idx, position, event_hash, leaf_hash) VALUES (?, ?, ?, ?)`);
    this.insertNode = db.prepare(`INSERT INTO ${t.nodes} (level, idx, hash) VALUES (?, ?, ?)`);
    this.countLeaves = db.prepare(`SELECT max(idx) + 1 AS size FROM ${t.leaves}`);
    this.readLeaf = db.prepare(`SELECT leaf_hash FROM ${t.leaves} WHERE idx = ?`);
    this.readNode = db.prepare(`SELECT hash FROM ${t.nodes} WHERE level = ? AND idx = ?`);
  }

  apply(event: RecordedEvent): void {
    if (!inTree(event.streamId)) return;
    const index = this.loadedSize();
    const eventHash = Buffer.from(recordedHash(event), 'hex');
    let node = leafHash(eventHash);
    this.insertLeaf.run(index, event.position, eventHash, node);
    let level = 0;
    let at = index;
    while (at % 2 === 1) {
      node = nodeHash(this.frontier.get(level)!, node);
      this.frontier.delete(level);
      level += 1;
      at = Math.floor(at / 2);
      this.insertNode.run(level, at, node);
    }
    this.frontier.set(level, node);
    this.size = index + 1;
  }

  flush(): void {}

  discard(): void {
    this.size = undefined;
  }

  private loadedSize(): number {
    if (this.size !== undefined) return this.size;
    const size = this.countLeaves.get()?.size ?? 0;
    // The subtrees still waiting for a sibling: the level-L subtree that ends the tree where the size's bit L is set.
    this.frontier = new Map();
    for (let level = 0; 2 ** level <= size; level++) {
      const count = Math.floor(size / 2 ** level);
      if (count % 2 === 0) continue;
      const hash = level === 0 ? this.readLeaf.get(count - 1)!.leaf_hash : this.readNode.get(level, count - 1)!.hash;
      this.frontier.set(level, hash);
    }
    this.size = size;
    return size;
  }
}
