import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { consistencyProof, inclusionProof, leafHash, type PerfectSubtrees, treeRoot } from '../../integrity/merkle.js';
import { READ_MODEL_ACCESS, READ_MODEL_DB, type ReadModelAccess } from '../engine/projection.js';
import { StatementCache } from '../engine/statement-cache.js';
import { MERKLE, merkleTables, storedSubtrees } from './merkle.projection.js';

/** The tree as the read model holds it now: its size and the position of its last leaf. */
export interface TreeHead {
  size: number;
  rootHash: string;
  lastPosition: string | null;
}

export interface Leaf {
  index: number;
  position: string;
  eventHash: string;
  leafHash: string;
}

/**
 * Reads of the Merkle tree read model, each in one read transaction, so a root and its proofs are of one commit.
 * Hashes leave as lower-case hex.
 */
@Injectable()
export class MerkleQueries {
  private readonly statements: StatementCache;

  constructor(
    @Inject(READ_MODEL_DB) private readonly db: Database,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {
    this.statements = new StatementCache(db);
  }

  head(): TreeHead {
    return this.read((tree) => {
      const size = this.size();
      return { size, rootHash: treeRoot(tree, size).toString('hex'), lastPosition: size === 0 ? null : this.positionOf(size - 1) };
    });
  }

  /** The root of the first `size` leaves, or null when the tree is not that large yet. */
  root(size: number): string | null {
    return this.read((tree) => (size <= this.size() ? treeRoot(tree, size).toString('hex') : null));
  }

  /** The leaf of the event at `position`, or null when no event of the tree is there (yet). */
  leafAt(position: bigint): Leaf | null {
    const t = this.tables();
    const row = this.statements.get<[bigint], { idx: number; event_hash: Buffer }>(`SELECT idx, event_hash FROM ${t.leaves} WHERE position = ?`).get(position);
    return row ? { index: row.idx, position: position.toString(), eventHash: row.event_hash.toString('hex'), leafHash: leafHash(row.event_hash).toString('hex') } : null;
  }

  /**
   * The root of the first `size` leaves and the audit path of leaf `index` in it, read together; null when the tree
   * is not that large yet.
   */
  inclusion(index: number, size: number): { root: string; proof: string[] } | null {
    return this.read((tree) =>
      size <= this.size() ? { root: treeRoot(tree, size).toString('hex'), proof: inclusionProof(tree, index, size).map((h) => h.toString('hex')) } : null,
    );
  }

  /** Both roots and the consistency proof from `from` to `to` leaves, read together; null when the tree is not `to` large yet. */
  consistency(from: number, to: number): { fromRoot: string; toRoot: string; proof: string[] } | null {
    return this.read((tree) =>
      to <= this.size()
        ? {
            fromRoot: treeRoot(tree, from).toString('hex'),
            toRoot: treeRoot(tree, to).toString('hex'),
            proof: consistencyProof(tree, from, to).map((h) => h.toString('hex')),
          }
        : null,
    );
  }

  private read<T>(query: (tree: PerfectSubtrees) => T): T {
    const tree = storedSubtrees((sql) => this.statements.get(sql), this.access.tables(MERKLE));
    return this.db.transaction(() => query(tree))();
  }

  private size(): number {
    const t = this.tables();
    return this.statements.get<[], { size: number | null }>(`SELECT max(idx) + 1 AS size FROM ${t.leaves}`).get()?.size ?? 0;
  }

  private positionOf(index: number): string {
    const t = this.tables();
    return this.statements.get<[number], { position: string }>(`SELECT CAST(position AS TEXT) AS position FROM ${t.leaves} WHERE idx = ?`).get(index)!.position;
  }

  private tables() {
    return merkleTables(this.access.tables(MERKLE));
  }
}
