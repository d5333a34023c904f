import type { KeyObject } from 'node:crypto';
import { type SignedCheckpoint, verifyCheckpoint } from './checkpoint.js';
import type { LogLookups } from './log-verifier.js';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.js';

export type ProofKind = 'inclusion' | 'consistency';

export interface ProofVerdict {
  ok: boolean;
  kind: ProofKind | null;
  /** The first check that failed, for a person; null when ok. */
  failure: string | null;
}

const HEX = /^[0-9a-f]{64}$/;
const isHash = (value: unknown): value is string => typeof value === 'string' && HEX.test(value);
const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const hex = (value: string) => Buffer.from(value, 'hex');

/** The kind of a proof as the API gives it (`GET /api/audit/proof/…` or `/consistency`), or null. */
export function proofKind(proof: unknown): ProofKind | null {
  if (!isRecord(proof)) return null;
  if ('leafIndex' in proof || 'eventHash' in proof) return 'inclusion';
  if ('fromRoot' in proof || 'toRoot' in proof) return 'consistency';
  return null;
}

/** What `checkProof` needs looked up in the log to hold a proof against it (see `LogVerifier.lookUp`). */
export function proofLookups(proof: unknown): { positions: string[]; sizes: number[] } {
  if (!isRecord(proof)) return { positions: [], sizes: [] };
  const positions = typeof proof.position === 'string' ? [proof.position] : [];
  const sizes = [proof.treeSize, proof.from, proof.to].filter(isSize);
  return { positions, sizes };
}

/**
 * Checks a proof as an auditor must: every field, not only the path. An inclusion proof holds when its checkpoint is
 * signed by the audit key and names its tree size and root, its leaf hash is that of its event hash, and the audit
 * path leads from the leaf to the root; a consistency proof when both checkpoints are signed and name its sizes and
 * roots, and the path proves the older tree a prefix of the newer. With `log` (what the verifier found reading the
 * log), the event must be at that leaf with that hash and the log's own roots at those sizes must be the proof's.
 */
export function checkProof(proof: unknown, publicKey: KeyObject, log?: LogLookups): ProofVerdict {
  const kind = proofKind(proof);
  if (kind === null || !isRecord(proof)) return { ok: false, kind: null, failure: 'this is neither an inclusion proof nor a consistency proof' };
  const failure = kind === 'inclusion' ? inclusionFailure(proof, publicKey, log) : consistencyFailure(proof, publicKey, log);
  return { ok: failure === null, kind, failure };
}

function inclusionFailure(proof: Record<string, unknown>, publicKey: KeyObject, log?: LogLookups): string | null {
  const { position, leafIndex, treeSize, eventHash, leafHash: leaf, proof: path, rootHash, checkpoint } = proof;
  if (typeof position !== 'string' || !/^[0-9]+$/.test(position)) return 'position is not a position';
  if (!isSize(leafIndex) || !isSize(treeSize)) return 'leafIndex and treeSize must be whole numbers';
  if (!isHash(eventHash) || !isHash(leaf) || !isHash(rootHash)) return 'eventHash, leafHash and rootHash must be SHA-256 hashes in hex';
  if (!Array.isArray(path) || !path.every(isHash)) return 'proof must be a list of SHA-256 hashes in hex';
  const signed = checkpointFailure(checkpoint, publicKey, 'checkpoint');
  if (signed) return signed;
  const cp = checkpoint as unknown as SignedCheckpoint;
  if (cp.treeSize !== treeSize) return `the checkpoint signs a tree of ${cp.treeSize} events, not ${treeSize}`;
  if (cp.rootHash !== rootHash) return 'the checkpoint signs another root than rootHash';
  if (leafHash(hex(eventHash)).toString('hex') !== leaf) return 'leafHash is not SHA-256(0x00 ‖ eventHash)';
  if (!verifyInclusion(leafIndex, treeSize, hex(leaf), path.map(hex), hex(rootHash))) return `the audit path does not lead from leaf ${leafIndex} to the root of the tree of ${treeSize} events`;
  if (log) {
    const found = log.leaves.get(position);
    if (!found) return `the log has no event at position ${position}`;
    if (found.index !== leafIndex) return `the event at position ${position} is leaf ${found.index} of the log, not ${leafIndex}`;
    if (found.eventHash !== eventHash) return `the event at position ${position} has hash ${found.eventHash} in the log, not ${eventHash}`;
    const root = log.roots.get(treeSize);
    if (root === undefined) return `the log holds fewer than ${treeSize} events`;
    if (root !== rootHash) return `the log's first ${treeSize} events make another root than the proof's`;
  }
  return null;
}

function consistencyFailure(proof: Record<string, unknown>, publicKey: KeyObject, log?: LogLookups): string | null {
  const { from, to, fromRoot, toRoot, proof: path, fromCheckpoint, toCheckpoint } = proof;
  if (!isSize(from) || !isSize(to)) return 'from and to must be whole numbers';
  if (!isHash(fromRoot) || !isHash(toRoot)) return 'fromRoot and toRoot must be SHA-256 hashes in hex';
  if (!Array.isArray(path) || !path.every(isHash)) return 'proof must be a list of SHA-256 hashes in hex';
  for (const [name, checkpoint, size, root] of [
    ['fromCheckpoint', fromCheckpoint, from, fromRoot],
    ['toCheckpoint', toCheckpoint, to, toRoot],
  ] as const) {
    const signed = checkpointFailure(checkpoint, publicKey, name);
    if (signed) return signed;
    const cp = checkpoint as unknown as SignedCheckpoint;
    if (cp.treeSize !== size) return `${name} signs a tree of ${cp.treeSize} events, not ${size}`;
    if (cp.rootHash !== root) return `${name} signs another root than the proof's`;
  }
  if (!verifyConsistency(from, to, hex(fromRoot), hex(toRoot), path.map(hex))) return `the proof does not show the tree of ${from} events a prefix of the tree of ${to}`;
  if (log) {
    for (const [size, root] of [
      [from, fromRoot],
      [to, toRoot],
    ] as const) {
      const own = log.roots.get(size);
      if (own === undefined) return `the log holds fewer than ${size} events`;
      if (own !== root) return `the log's first ${size} events make another root than the proof's`;
    }
  }
  return null;
}

function checkpointFailure(checkpoint: unknown, publicKey: KeyObject, name: string): string | null {
  if (!isRecord(checkpoint)) return `${name} is missing`;
  if (!verifyCheckpoint(checkpoint as unknown as SignedCheckpoint, publicKey)) return `${name} is not signed by the audit key`;
  return null;
}
