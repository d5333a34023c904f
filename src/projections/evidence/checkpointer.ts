import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { WrongExpectedRevisionError } from '../../event-store/event-store.errors.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { CHECKPOINT_EVENT, CHECKPOINT_SIGNER, CHECKPOINT_STREAM, type CheckpointSigner } from '../../integrity/checkpoint.js';
import type { LoggedCheckpoint } from '../../integrity/log-verifier.js';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../engine/projection.js';
import { CheckpointLog } from './checkpoint-log.js';
import { MERKLE } from './merkle.projection.js';
import { MerkleQueries } from './merkle.queries.js';

/** How often the checkpointer looks whether a checkpoint is due. */
const TICK_MS = 1000;

/**
 * Signs the Merkle tree's head as a checkpoint once it has grown by `CHECKPOINT_EVERY` events since the latest
 * checkpoint, or events have waited `CHECKPOINT_SECONDS` unsigned, and appends it to `audit-checkpoints` with the
 * stream's revision as the expected one: of two instances on one EventStoreDB, one appends and the other finds the
 * stream moved and reads it again, so the checkpoints never fork. The tree is the read model's: a checkpoint signs
 * the head it has reached, a prefix of the log, whatever the lag. It signs nothing while the tree is being built from
 * nothing, nor a tree that does not extend the last checkpoint (the log or the read model was altered).
 */
@Injectable()
export class Checkpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Checkpoints');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<LoggedCheckpoint | null> | null = null;
  private diverged = false;
  /** When this instance first saw events after the latest checkpoint; null when there are none. */
  private unsignedSince: number | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_SIGNER) private readonly signer: CheckpointSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly checkpoints: CheckpointLog,
    private readonly tree: MerkleQueries,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.checkpointIfDue().catch((error: unknown) => this.logger.error(`no checkpoint this time: ${(error as Error).message}`)), TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Signs and appends a checkpoint if one is due (or `force`d and the tree grew); resolves to it, or null. */
  checkpointIfDue(force = false): Promise<LoggedCheckpoint | null> {
    this.running ??= this.checkpoint(force).finally(() => (this.running = null));
    return this.running;
  }

  private async checkpoint(force: boolean): Promise<LoggedCheckpoint | null> {
    if (!(await this.treeServes())) return null;
    const last = await this.checkpoints.latest();
    const head = this.tree.head();
    const grown = head.size - (last?.treeSize ?? 0);
    const now = Date.now();
    if (grown <= 0) {
      this.unsignedSince = null;
      return null;
    }
    // The events not signed yet wait CHECKPOINT_SECONDS at most from when this instance first saw them.
    this.unsignedSince ??= now;
    const late = now - this.unsignedSince >= this.config.checkpointSeconds * 1000;
    if (!(force || grown >= this.config.checkpointEvery || late)) return null;
    if (last !== null && this.tree.root(last.treeSize) !== last.rootHash) {
      // Signing would put the key's name under a history that contradicts what it signed before.
      if (!this.diverged) this.logger.error(`the Merkle tree no longer extends checkpoint ${last.number}: the log or the read model was altered; no checkpoint is signed until GET /api/audit/verify is clean and the merkle projection rebuilt`);
      this.diverged = true;
      return null;
    }
    this.diverged = false;
    const time = new Date(now).toISOString();
    const signed = this.signer.sign({ origin: this.config.auditOrigin, treeSize: head.size, rootHash: head.rootHash, lastPosition: head.lastPosition, time });
    try {
      await this.store.append(CHECKPOINT_STREAM, [{ eventId: randomUUID(), type: CHECKPOINT_EVENT, data: { ...signed }, metadata: { schemaVersion: 1, occurredAt: time } }], {
        expectedRevision: last === null ? 'no-stream' : last.number,
      });
    } catch (error) {
      // Another instance signed one first: the next look reads it and goes on from there.
      if (error instanceof WrongExpectedRevisionError) return null;
      throw error;
    }
    this.unsignedSince = null;
    return this.checkpoints.latest();
  }

  /** Whether the tree read model serves: one being built from nothing is only part of the log. */
  private async treeServes(): Promise<boolean> {
    try {
      await this.access.waitUntilServing(MERKLE, 0);
      return true;
    } catch {
      return false;
    }
  }
}
