import { hash } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 (section 2.1; RFC 9162 section 2.1 for the verification algorithms) over the log's
 * event hashes in global order: a leaf is SHA-256(0x00 || data), a node SHA-256(0x01 || left || right), and a tree of
 * n leaves splits at the largest power of two below n. Tree sizes are plain numbers: exact up to 2^53 leaves.
 */

export const HASH_BYTES = 32;

const sha256 = (data: Buffer): Buffer => hash('sha256', data, 'buffer');

/**
 * The bytes of a leaf's and a node's hash input, filled anew for each hash: a leaf or node hash is computed on every
 * event a verification reads, and one-shot hashes over one reused buffer cost half of a Hash object's updates.
 * (Hashing is synchronous: nothing else can use them meanwhile.)
 */
const LEAF_INPUT = Buffer.alloc(1 + HASH_BYTES, 0);
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_BYTES, 1);

/** The root of the tree of no leaf: the hash of the empty string. */
export const EMPTY_ROOT = sha256(Buffer.alloc(0));

/** SHA-256(0x00 || data), for the 32 bytes of an event hash (any other length is hashed as it is). */
export function leafHash(data: Buffer): Buffer {
  if (data.length !== HASH_BYTES) return sha256(Buffer.concat([LEAF_INPUT.subarray(0, 1), data]));
  data.copy(LEAF_INPUT, 1);
  return sha256(LEAF_INPUT);
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) return sha256(Buffer.concat([NODE_INPUT.subarray(0, 1), left, right]));
  left.copy(NODE_INPUT, 1);
  right.copy(NODE_INPUT, 1 + HASH_BYTES);
  return sha256(NODE_INPUT);
}

/** The largest power of two strictly below `n` (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number) => n > 0 && Number.isInteger(Math.log2(n));

/**
 * Where a tree's hashes are kept: the hash of the perfect subtree of 2^level leaves that starts at leaf
 * `index * 2^level` (level 0: the leaf hashes). Every range the proofs need splits into such subtrees.
 */
export interface PerfectSubtrees {
  node(level: number, index: number): Buffer;
}

/** MTH of the leaves [lo, hi), where lo is a multiple of the largest power of two not above hi - lo. */
export function rangeHash(tree: PerfectSubtrees, lo: number, hi: number): Buffer {
  const size = hi - lo;
  if (size === 1) return tree.node(0, lo);
  if (isPowerOfTwo(size) && lo % size === 0) return tree.node(Math.log2(size), lo / size);
  const k = splitPoint(size);
  return nodeHash(rangeHash(tree, lo, lo + k), rangeHash(tree, lo + k, hi));
}

/** The Merkle tree head of the first `size` leaves. */
export function treeRoot(tree: PerfectSubtrees, size: number): Buffer {
  return size === 0 ? EMPTY_ROOT : rangeHash(tree, 0, size);
}

/** RFC 6962 PATH(m, D[0:n]): the audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(tree: PerfectSubtrees, index: number, size: number): Buffer[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path = (m: number, lo: number, hi: number): Buffer[] => {
    if (hi - lo === 1) return [];
    const k = splitPoint(hi - lo);
    return m < lo + k ? [...path(m, lo, lo + k), rangeHash(tree, lo + k, hi)] : [...path(m, lo + k, hi), rangeHash(tree, lo, lo + k)];
  };
  return path(index, 0, size);
}

/** RFC 6962 PROOF(m, D[n]): the consistency proof of the tree of `from` leaves with the tree of `to` leaves. */
export function consistencyProof(tree: PerfectSubtrees, from: number, to: number): Buffer[] {
  if (!(from >= 0 && from <= to)) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  if (from === 0 || from === to) return [];
  const subproof = (m: number, lo: number, hi: number, complete: boolean): Buffer[] => {
    const size = hi - lo;
    if (m === size) return complete ? [] : [rangeHash(tree, lo, hi)];
    const k = splitPoint(size);
    return m <= k
      ? [...subproof(m, lo, lo + k, complete), rangeHash(tree, lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), rangeHash(tree, lo, lo + k)];
  };
  return subproof(from, 0, to, true);
}

const odd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
const validHash = (hash: Buffer) => Buffer.isBuffer(hash) && hash.length === HASH_BYTES;

/** RFC 9162 2.1.3.2: whether `proof` shows the leaf hash at `index` in the tree of `size` leaves with `root`. */
export function verifyInclusion(index: number, size: number, leaf: Buffer, proof: readonly Buffer[], root: Buffer): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!validHash(leaf) || !validHash(root) || !proof.every(validHash)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!odd(fn) && fn !== 0);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2: whether `proof` shows the tree of `from` leaves with `fromRoot` a prefix of the one of `to` with `toRoot`. */
export function verifyConsistency(from: number, to: number, fromRoot: Buffer, toRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) return false;
  if (!validHash(fromRoot) || !validHash(toRoot) || !proof.every(validHash)) return false;
  if (from === to) return proof.length === 0 && fromRoot.equals(toRoot);
  if (from === 0) return proof.length === 0 && fromRoot.equals(EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!odd(fn) && fn !== 0);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(fromRoot) && sr.equals(toRoot) && sn === 0;
}

/**
 * The tree of the leaves appended so far, kept as its perfect subtrees from the largest (the binary digits of its
 * size): appending a leaf merges equal ones, in O(1) amortised, and the root folds them from the right. What a
 * verifier needs to rebuild the tree of a whole log in a stream, with memory that grows with log(n) only.
 */
export class CompactTree {
  private readonly subtrees: Array<{ level: number; hash: Buffer }> = [];
  size = 0;

  append(leaf: Buffer): void {
    let node = { level: 0, hash: leaf };
    while (this.subtrees.length > 0 && this.subtrees.at(-1)!.level === node.level) {
      const left = this.subtrees.pop()!;
      node = { level: node.level + 1, hash: nodeHash(left.hash, node.hash) };
    }
    this.subtrees.push(node);
    this.size += 1;
  }

  root(): Buffer {
    if (this.subtrees.length === 0) return EMPTY_ROOT;
    let root = this.subtrees.at(-1)!.hash;
    for (let i = this.subtrees.length - 2; i >= 0; i--) root = nodeHash(this.subtrees[i]!.hash, root);
    return root;
  }
}
