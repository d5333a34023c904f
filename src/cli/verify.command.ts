import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/app-config.js';
import { createEventStore } from '../event-store/event-store.module.js';
import type { SignedCheckpoint } from '../integrity/checkpoint.js';
import { type LogLookups, UntrustedCheckpointError, type VerificationReport, verifyLog } from '../integrity/log-verifier.js';
import { checkProof, proofLookups, type ProofVerdict } from '../integrity/proof-check.js';
import { auditPublicKey } from './audit-key.js';
import { EXIT, fail } from './cli-options.js';
import { LogProgress } from './log-progress.js';

export interface VerifyOptions {
  publicKey?: string;
  checkpoints?: string;
  proof?: string;
  json?: boolean;
  progress: boolean;
}

/**
 * `verify`: reads the whole log from the configured event store (read-only: safe beside a running server) and
 * checks every hash, every stream's chain and the Merkle tree against every signed checkpoint, with a progress bar.
 * `--checkpoints` adds checkpoints held from elsewhere (an earlier evidence pack's checkpoints.jsonl); `--proof`
 * checks a proof saved from the API against the key and the log. Exit 0: all holds; 1: something does not.
 */
export async function verifyCommand(options: VerifyOptions): Promise<number> {
  const config = loadConfig(process.env);
  const publicKey = auditPublicKey(config, options.publicKey);
  const trusted = options.checkpoints ? readCheckpoints(options.checkpoints) : [];
  const proof: unknown = options.proof ? JSON.parse(readFileSync(options.proof, 'utf8')) : undefined;
  const store = createEventStore(config, { readOnly: true });
  let report: VerificationReport;
  let lookups: LogLookups | undefined;
  try {
    const progress = new LogProgress('verify', await store.headPosition(), options.progress && process.stderr.isTTY === true && !options.json);
    report = await verifyLog(store, publicKey, {
      trusted,
      progress: (events, position) => progress.update(events, position),
      ...(proof === undefined ? {} : { lookUp: proofLookups(proof), lookups: (found: LogLookups) => (lookups = found) }),
    });
    progress.stop(report.checkedEvents);
  } catch (error) {
    if (error instanceof UntrustedCheckpointError) return fail(`Refused: ${error.message}.`);
    throw error;
  } finally {
    await store.close();
  }
  const verdict = proof === undefined ? null : checkProof(proof, publicKey, lookups);
  if (options.json) process.stdout.write(`${JSON.stringify({ ...report, ...(verdict ? { proof: verdict } : {}) }, null, 2)}\n`);
  else printReport(report, verdict);
  return report.ok && (verdict === null || verdict.ok) ? EXIT.ok : EXIT.failed;
}

function readCheckpoints(file: string): SignedCheckpoint[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SignedCheckpoint);
}

function printReport(report: VerificationReport, proof: ProofVerdict | null): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const latest = report.checkpoint;
  if (report.ok) {
    out(`The log verifies: ${report.checkedEvents.toLocaleString('en-US')} events, ${report.checkedCheckpoints} signed checkpoints.`);
    if (latest) out(`Latest checkpoint: #${latest.number}, ${latest.treeSize.toLocaleString('en-US')} events to position ${latest.lastPosition}, root ${latest.rootHash}, signed ${latest.time}.`);
    if (report.unsignedEvents > 0) out(`${report.unsignedEvents.toLocaleString('en-US')} events after it: their hashes and chains hold; no checkpoint signs them yet.`);
  } else {
    out(`The log does NOT verify: ${report.reason} at position ${report.firstBrokenPosition}.`);
    out(`  ${report.detail}`);
    if (latest) out(`  The log matches checkpoint #${latest.number} (${latest.treeSize.toLocaleString('en-US')} events); look after it.`);
  }
  if (report.unprotectedEvents > 0) out(`${report.unprotectedEvents.toLocaleString('en-US')} events were recorded before the hash chain existed: unprotected until a checkpoint signed them.`);
  if (proof) out(proof.ok ? `The ${proof.kind} proof holds.` : `The proof does NOT hold: ${proof.failure}.`);
}
