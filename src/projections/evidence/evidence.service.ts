import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { CHECKPOINT_SIGNER, type CheckpointSigner, verifyCheckpoint } from '../../integrity/checkpoint.js';
import type { LoggedCheckpoint, VerificationReport } from '../../integrity/log-verifier.js';
import { verifyInThread } from '../../integrity/verify-thread.js';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../engine/projection.js';
import { CheckpointLog } from './checkpoint-log.js';
import { Checkpointer } from './checkpointer.js';
import { checkpointNotFound, eventAfterCheckpoint, eventNotFound, noCheckpointYet, treeDiverged, treeNotReady } from './evidence-errors.js';
import { MERKLE } from './merkle.projection.js';
import { type Leaf, MerkleQueries } from './merkle.queries.js';

export interface InclusionProof {
  position: string;
  leafIndex: number;
  treeSize: number;
  eventHash: string;
  leafHash: string;
  proof: string[];
  rootHash: string;
  checkpoint: LoggedCheckpoint;
}

export interface ConsistencyProof {
  from: number;
  to: number;
  fromRoot: string;
  toRoot: string;
  proof: string[];
  fromCheckpoint: LoggedCheckpoint;
  toCheckpoint: LoggedCheckpoint;
}

/** How many times a proof of an event after the latest checkpoint asks for a checkpoint that covers it. */
const SIGN_ATTEMPTS = 3;

/**
 * What an auditor asks of the log's integrity: a verification of the whole log (in a thread of its own, one at a
 * time: callers meanwhile share the one running), the checkpoints and the key that signs them, and RFC 6962 proofs
 * from the Merkle tree read model, each checked against the root its checkpoint signed before it is given.
 */
@Injectable()
export class EvidenceService {
  private readonly logger = new Logger('Evidence');
  private running: Promise<VerificationReport> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_SIGNER) private readonly signer: CheckpointSigner,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
    private readonly checkpoints: CheckpointLog,
    private readonly checkpointer: Checkpointer,
    private readonly tree: MerkleQueries,
  ) {}

  verify(): Promise<VerificationReport> {
    this.running ??= this.runVerification().finally(() => (this.running = null));
    return this.running;
  }

  publicKey(): { algorithm: 'Ed25519'; publicKey: string; fingerprint: string; origin: string } {
    return { algorithm: 'Ed25519', publicKey: this.signer.publicKeyPem(), fingerprint: this.signer.fingerprint, origin: this.config.auditOrigin };
  }

  /** Newest first: the `limit` checkpoints numbered below `after` (all of them without it). */
  async checkpointPage(limit: number, after?: number): Promise<{ items: LoggedCheckpoint[]; next: number | null }> {
    const all = await this.checkpoints.all();
    const end = after === undefined ? all.length : Math.min(after, all.length);
    const items = all.slice(Math.max(0, end - limit), end).reverse();
    const last = items.at(-1);
    return { items, next: last !== undefined && last.number > 0 ? last.number : null };
  }

  /**
   * The inclusion proof of the event at `position` under the checkpoint of `treeSize` events, or, without one, under
   * the latest checkpoint; an event after the latest checkpoint has one signed for it first.
   */
  async inclusion(position: bigint, treeSize?: number): Promise<InclusionProof> {
    await this.access.waitUntilServing(MERKLE);
    const leaf = await this.leafAt(position);
    const checkpoint = treeSize === undefined ? await this.covering(leaf) : await this.checkpointOfSize(treeSize);
    if (leaf.index >= checkpoint.treeSize) throw eventAfterCheckpoint(position, checkpoint.treeSize);
    const { root, proof } = await this.fromTreeOf(checkpoint, () => this.tree.inclusion(leaf.index, checkpoint.treeSize));
    if (root !== checkpoint.rootHash) throw this.diverged(checkpoint);
    return { position: leaf.position, leafIndex: leaf.index, treeSize: checkpoint.treeSize, eventHash: leaf.eventHash, leafHash: leaf.leafHash, proof, rootHash: root, checkpoint };
  }

  /** The consistency proof between the checkpoints of `from` and `to` events (`to`: the latest checkpoint by default). */
  async consistency(from: number, to?: number): Promise<ConsistencyProof> {
    await this.access.waitUntilServing(MERKLE);
    const toCheckpoint = to === undefined ? await this.latest() : await this.checkpointOfSize(to);
    const fromCheckpoint = await this.checkpointOfSize(from);
    if (from > toCheckpoint.treeSize) throw checkpointNotFound(from, toCheckpoint.treeSize);
    const proof = await this.fromTreeOf(toCheckpoint, () => this.tree.consistency(from, toCheckpoint.treeSize));
    if (proof.fromRoot !== fromCheckpoint.rootHash) throw this.diverged(fromCheckpoint);
    if (proof.toRoot !== toCheckpoint.rootHash) throw this.diverged(toCheckpoint);
    return { from, to: toCheckpoint.treeSize, fromRoot: proof.fromRoot, toRoot: proof.toRoot, proof: proof.proof, fromCheckpoint, toCheckpoint };
  }

  private async runVerification(): Promise<VerificationReport> {
    // The checkpoints this server has read before count too: a log cut back together with its checkpoints since is
    // still found truncated.
    const seen = (await this.checkpoints.all()).filter((checkpoint) => verifyCheckpoint(checkpoint, this.signer.publicKey));
    const started = Date.now();
    const report = await verifyInThread({ config: this.config, publicKeyPem: this.signer.publicKeyPem(), trusted: seen.map(({ number: _n, position: _p, ...signed }) => signed) });
    const seconds = (Date.now() - started) / 1000;
    if (report.ok) this.logger.log(`the log verifies: ${report.checkedEvents} events, ${report.checkedCheckpoints} checkpoints checked in ${seconds.toFixed(1)} s`);
    else this.logger.error(`the log does NOT verify: ${report.reason} at position ${report.firstBrokenPosition}: ${report.detail}`);
    return report;
  }

  /** The tree's leaf of the event at `position`, once the tree has caught up with it if the log has it. */
  private async leafAt(position: bigint): Promise<Leaf> {
    const found = this.tree.leafAt(position);
    if (found) return found;
    const applied = this.access.position(MERKLE);
    if (applied !== null && applied >= position) throw eventNotFound(position);
    const head = await this.store.headPosition();
    if (head === null || position > head) throw eventNotFound(position);
    await this.access.waitForPosition(MERKLE, position);
    const leaf = this.tree.leafAt(position);
    if (!leaf) throw eventNotFound(position);
    return leaf;
  }

  private async covering(leaf: Leaf): Promise<LoggedCheckpoint> {
    for (let attempt = 0; attempt < SIGN_ATTEMPTS; attempt++) {
      const latest = await this.checkpoints.latest();
      if (latest !== null && latest.treeSize > leaf.index) return latest;
      await this.checkpointer.checkpointIfDue(true);
    }
    throw treeNotReady(`No checkpoint could be signed over position ${leaf.position} yet; try again shortly.`);
  }

  private async latest(): Promise<LoggedCheckpoint> {
    const latest = await this.checkpoints.latest();
    if (latest === null) throw noCheckpointYet();
    return latest;
  }

  private async checkpointOfSize(size: number): Promise<LoggedCheckpoint> {
    const checkpoint = await this.checkpoints.ofSize(size);
    if (checkpoint === null) throw checkpointNotFound(size, (await this.checkpoints.latest())?.treeSize ?? null);
    return checkpoint;
  }

  /** Reads from the tree once it holds the checkpoint's events (another instance may have signed ahead of this one's tree). */
  private async fromTreeOf<T>(checkpoint: LoggedCheckpoint, read: () => T | null): Promise<T> {
    const now = read();
    if (now !== null) return now;
    if (checkpoint.lastPosition !== null) await this.access.waitForPosition(MERKLE, BigInt(checkpoint.lastPosition));
    const later = read();
    if (later === null) throw treeNotReady(`The Merkle tree has not reached checkpoint ${checkpoint.number} yet; try again shortly.`);
    return later;
  }

  private diverged(checkpoint: LoggedCheckpoint): Error {
    this.logger.error(`the Merkle tree read model does not give the root checkpoint ${checkpoint.number} signed: the log or the read model was altered`);
    return treeDiverged(checkpoint.number);
  }
}
