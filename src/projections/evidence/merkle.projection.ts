import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { inTree } from '../../integrity/checkpoint.js';
import { recordedHash } from '../../integrity/event-hash.js';
import { leafHash, nodeHash, type PerfectSubtrees } from '../../integrity/merkle.js';
import type { Projection, ProjectionWriter, TableSet } from '../engine/projection.js';

export const MERKLE = 'merkle';

/**
 * Subtrees of fewer than 2^STORED_FROM_LEVEL leaves are not stored: they are hashed again from their leaves when a
 * proof or a root needs one (16 leaves at most, one range read). A leaf then costs one row, not two: measured under
 * the decisions benchmark, the tree was the projections thread's second largest cost.
 */
export const STORED_FROM_LEVEL = 4;

export function merkleTables(tables: TableSet) {
  return {
    /** One row per leaf: the event's position and hash (its leaf hash is SHA-256(0x00 || event_hash)). */
    leaves: `${tables.prefix}leaves`,
    /** The hash of every perfect subtree of 2^level leaves, level ≥ STORED_FROM_LEVEL, by level and index. */
    nodes: `${tables.prefix}nodes`,
  };
}

/**
 * The RFC 6962 Merkle tree of every event hash in global order (see `inTree`), as derived data like any read model:
 * the leaves and the hashes of the larger perfect subtrees, from which any root, inclusion proof or consistency
 * proof of a past size is put together in O(log² n) lookups. A leaf is appended with the subtrees it completes, in
 * O(1) amortised; the frontier (the last complete subtree of each level not yet paired) is kept in memory.
 */
export const merkleProjection: Projection = {
  name: MERKLE,
  version: 2,
  createTables(db: Database, tables: TableSet): void {
    const t = merkleTables(tables);
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t.leaves} (
        idx INTEGER PRIMARY KEY,
        position INTEGER NOT NULL,
        event_hash BLOB NOT NULL
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

/** Prepares (or finds prepared) a statement: `Database.prepare`, or a `StatementCache`'s `get`. */
type Prepare = <Params extends unknown[], Row>(sql: string) => Statement<Params, Row>;

/** The tree's perfect subtrees as the tables hold them, the small ones hashed again from their leaves. */
export function storedSubtrees(prepare: Prepare, tables: TableSet): PerfectSubtrees {
  const t = merkleTables(tables);
  const leaves = prepare<[number, number], { event_hash: Buffer }>(`SELECT event_hash FROM ${t.leaves} WHERE idx >= ? AND idx < ? ORDER BY idx`);
  const node = prepare<[number, number], { hash: Buffer }>(`SELECT hash FROM ${t.nodes} WHERE level = ? AND idx = ?`);
  return {
    node(level: number, index: number): Buffer {
      if (level >= STORED_FROM_LEVEL) {
        const stored = node.get(level, index)?.hash;
        if (!stored) throw new Error(`the Merkle tree has no subtree ${level}/${index}`);
        return stored;
      }
      const width = 2 ** level;
      const hashes = leaves.all(index * width, (index + 1) * width).map((row) => leafHash(row.event_hash));
      if (hashes.length !== width) throw new Error(`the Merkle tree has no subtree ${level}/${index}`);
      return foldPerfect(hashes);
    },
  };
}

/** The root of a perfect subtree from its leaf hashes (a power of two of them). */
function foldPerfect(hashes: Buffer[]): Buffer {
  let level = hashes;
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(nodeHash(level[i]!, level[i + 1]!));
    level = up;
  }
  return level[0]!;
}

class MerkleWriter implements ProjectionWriter {
  private readonly insertLeaf: Statement<[number, bigint, Buffer]>;
  private readonly insertNode: Statement<[number, number, Buffer]>;
  private readonly countLeaves: Statement<[], { size: number | null }>;
  private readonly subtrees: PerfectSubtrees;
  /** Leaves applied so far; undefined until read from the tables (again after a rollback). */
  private size: number | undefined;
  /** The hash of the last subtree of each level that waits for its right sibling. */
  private frontier = new Map<number, Buffer>();

  constructor(db: Database, tables: TableSet) {
    const t = merkleTables(tables);
    this.insertLeaf = db.prepare(`INSERT INTO ${t.leaves} (idx, position, event_hash) VALUES (?, ?, ?)`);
    this.insertNode = db.prepare(`INSERT INTO ${t.nodes} (level, idx, hash) VALUES (?, ?, ?)`);
    this.countLeaves = db.prepare(`SELECT max(idx) + 1 AS size FROM ${t.leaves}`);
    this.subtrees = storedSubtrees((sql) => db.prepare(sql), tables);
  }

  apply(event: RecordedEvent): void {
    if (!inTree(event.streamId)) return;
    const index = this.loadedSize();
    const eventHash = Buffer.from(recordedHash(event), 'hex');
    this.insertLeaf.run(index, event.position, eventHash);
    let node = leafHash(eventHash);
    let level = 0;
    let at = index;
    while (at % 2 === 1) {
      node = nodeHash(this.frontier.get(level)!, node);
      this.frontier.delete(level);
      level += 1;
      at = Math.floor(at / 2);
      if (level >= STORED_FROM_LEVEL) this.insertNode.run(level, at, node);
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
      if (count % 2 === 1) this.frontier.set(level, this.subtrees.node(level, count - 1));
    }
    this.size = size;
    return size;
  }
}
