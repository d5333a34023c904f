// Types of the standalone verifier's exports, for the tests that hold it to the server's verifier.
import type { KeyObject } from 'node:crypto';

export interface PackReport {
  ok: boolean;
  checkedEvents: number;
  unprotectedEvents: number;
  checkedCheckpoints: number;
  unsignedEvents: number;
  firstBrokenPosition: string | null;
  reason: string | null;
  detail: string | null;
  checkpoint: Record<string, unknown> | null;
}

export interface PackVerification {
  report: PackReport;
  proof: { kind: 'inclusion' | 'consistency' | null; failure: string | null } | null;
  keyFingerprint: string;
  packProblems: string[];
}

export function canonicalJson(value: unknown): string;
export function eventHash(event: { streamId: string; revision: number; type: string; data: unknown; metadata: Record<string, unknown> }): string;
export function leafHash(hash: Buffer): Buffer;
export function nodeHash(left: Buffer, right: Buffer): Buffer;
export function verifyInclusion(index: number, size: number, leaf: Buffer, proof: readonly Buffer[], root: Buffer): boolean;
export function verifyConsistency(from: number, to: number, fromRoot: Buffer, toRoot: Buffer, proof: readonly Buffer[]): boolean;
export function proofKind(proof: unknown): 'inclusion' | 'consistency' | null;
export function proofLookups(proof: unknown): { positions: string[]; sizes: number[] };
export function proofFailure(proof: unknown, publicKey: KeyObject, found: { leaves: Map<string, { index: number; eventHash: string }>; roots: Map<number, string> }): string | null;
export function verifyPack(dir: string, options?: { publicKey?: string; checkpoints?: string; proof?: unknown; progress?: (checked: number) => void }): Promise<PackVerification>;
