import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  CompactTree,
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  nodeHash,
  type PerfectSubtrees,
  splitPoint,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/integrity/merkle.js';
import { seededRandom } from '../support/random-history.js';

/**
 * RFC 6962 test vectors of transparency-dev/merkle (see the file's `source`): the Certificate Transparency tests' eight
 * leaves, the roots of every size, valid proofs, and 184 proofs its verifier must reject.
 */
const vectors = JSON.parse(readFileSync(new URL('./rfc6962-vectors.json', import.meta.url), 'utf8')) as {
  leafData: string[];
  roots: Record<string, string>;
  emptyRoot: string;
  inclusion: Array<{ leafIndex: number; treeSize: number; path: string[]; leafHash: string; root: string }>;
  consistency: Array<{ size1: number; size2: number; proof: string[]; root1: string; root2: string }>;
  invalid: Array<{ kind: 'inclusion' | 'consistency'; description: string } & Record<string, unknown>>;
};
const hex = (value: string) => Buffer.from(value, 'hex');

/** The straightforward MTH of RFC 6962, recursive over the leaf hashes: the oracle. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** Perfect subtrees over leaf hashes held in memory, as the read model keeps them in tables. */
function subtreesOf(leaves: Buffer[]): PerfectSubtrees {
  return { node: (level, index) => mth(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)) };
}

const leaves = vectors.leafData.map((data) => leafHash(hex(data)));

describe('the Merkle tree of RFC 6962', () => {
  it('gives the published roots of every size, and the empty root', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(vectors.emptyRoot);
    for (let size = 1; size <= 8; size++) {
      expect({ size, root: treeRoot(subtreesOf(leaves), size).toString('hex') }).toEqual({ size, root: vectors.roots[String(size)] });
      const compact = new CompactTree();
      for (const leaf of leaves.slice(0, size)) compact.append(leaf);
      expect(compact.root().toString('hex')).toBe(vectors.roots[String(size)]);
    }
  });

  it('makes the published inclusion and consistency proofs, and accepts them', () => {
    const tree = subtreesOf(leaves);
    for (const { leafIndex, treeSize, path, leafHash: leaf, root } of vectors.inclusion) {
      expect(inclusionProof(tree, leafIndex, treeSize).map((h) => h.toString('hex'))).toEqual(path);
      expect(verifyInclusion(leafIndex, treeSize, hex(leaf), path.map(hex), hex(root))).toBe(true);
    }
    for (const { size1, size2, proof, root1, root2 } of vectors.consistency) {
      expect(consistencyProof(tree, size1, size2).map((h) => h.toString('hex'))).toEqual(proof);
      expect(verifyConsistency(size1, size2, hex(root1), hex(root2), proof.map(hex))).toBe(true);
    }
  });

  it('rejects every invalid proof of the published set', () => {
    let rejected = 0;
    for (const bad of vectors.invalid) {
      // This verifier accepts the trivial 0 → 0 consistency (nothing to prove); the library behind the vectors refuses any size1 of 0.
      if (bad.kind === 'consistency' && bad['size1'] === 0 && bad['size2'] === 0) continue;
      const hashes = (values: unknown) => (values as string[] | undefined ?? []).map(hex);
      const accepted =
        bad.kind === 'inclusion'
          ? verifyInclusion(bad['leafIndex'] as number, bad['treeSize'] as number, hex(bad['leafHash'] as string), hashes(bad['path']), hex(bad['root'] as string))
          : verifyConsistency(bad['size1'] as number, bad['size2'] as number, hex(bad['root1'] as string), hex(bad['root2'] as string), hashes(bad['proof']));
      expect({ description: `${bad.kind}: ${bad.description}`, accepted }).toEqual({ description: `${bad.kind}: ${bad.description}`, accepted: false });
      rejected += 1;
    }
    expect(rejected).toBeGreaterThan(170);
  });

  it('agrees with the recursive definition on random trees, and its proofs verify while any altered one does not', () => {
    const random = seededRandom(6962);
    for (let trial = 0; trial < 60; trial++) {
      const size = 1 + Math.floor(random() * 70);
      const hashes = Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`event ${trial}/${i}`)));
      const tree = subtreesOf(hashes);
      const root = treeRoot(tree, size);
      expect(root.equals(mth(hashes))).toBe(true);
      const index = Math.floor(random() * size);
      const path = inclusionProof(tree, index, size);
      expect(verifyInclusion(index, size, hashes[index]!, path, root)).toBe(true);
      const from = 1 + Math.floor(random() * size);
      const proof = consistencyProof(tree, from, size);
      const fromRoot = treeRoot(tree, from);
      expect(verifyConsistency(from, size, fromRoot, root, proof)).toBe(true);
      // Every field of a proof altered in turn must be rejected.
      const flipped = (hash: Buffer) => Buffer.from(hash.map((byte, i) => (i === 7 ? byte ^ 1 : byte)));
      expect(verifyInclusion(index, size, flipped(hashes[index]!), path, root)).toBe(false);
      expect(verifyInclusion(index, size, hashes[index]!, path, flipped(root))).toBe(false);
      if (size > 1) expect(verifyInclusion((index + 1) % size, size, hashes[index]!, path, root)).toBe(false);
      // (Another tree size is not among these: a path may fit several sizes, and proves inclusion in the tree of
      // that root whatever size is claimed; a signed checkpoint states the size with the root it signs.)
      for (let i = 0; i < path.length; i++) expect(verifyInclusion(index, size, hashes[index]!, path.map((h, j) => (j === i ? flipped(h) : h)), root)).toBe(false);
      expect(verifyInclusion(index, size, hashes[index]!, [...path, path[0] ?? root], root)).toBe(false);
      if (path.length > 0) expect(verifyInclusion(index, size, hashes[index]!, path.slice(1), root)).toBe(false);
      if (from < size) {
        expect(verifyConsistency(from, size, flipped(fromRoot), root, proof)).toBe(false);
        expect(verifyConsistency(from, size, fromRoot, flipped(root), proof)).toBe(false);
        expect(verifyConsistency(from + 1, size, fromRoot, root, proof)).toBe(false);
        for (let i = 0; i < proof.length; i++) expect(verifyConsistency(from, size, fromRoot, root, proof.map((h, j) => (j === i ? flipped(h) : h)))).toBe(false);
        expect(verifyConsistency(from, size, fromRoot, root, [...proof, root])).toBe(false);
        expect(verifyConsistency(from, size, fromRoot, root, proof.slice(1))).toBe(false);
      }
    }
  });

  it('refuses sizes and hashes that are not what they claim to be', () => {
    const tree = subtreesOf(leaves);
    const root = treeRoot(tree, 8);
    const path = inclusionProof(tree, 3, 8);
    expect(verifyInclusion(3, 8, leaves[3]!, path, root)).toBe(true);
    expect(verifyInclusion(-1, 8, leaves[3]!, path, root)).toBe(false);
    expect(verifyInclusion(3.5, 8, leaves[3]!, path, root)).toBe(false);
    expect(verifyInclusion(3, 2 ** 60, leaves[3]!, path, root)).toBe(false);
    expect(verifyInclusion(3, 8, leaves[3]!.subarray(0, 31), path, root)).toBe(false);
    expect(verifyInclusion(3, 8, leaves[3]!, [...path.slice(0, 2), Buffer.concat([path[2]!, Buffer.from([0])])], root)).toBe(false);
    expect(() => inclusionProof(tree, 8, 8)).toThrow(RangeError);
    expect(() => consistencyProof(tree, 5, 4)).toThrow(RangeError);
  });
});
