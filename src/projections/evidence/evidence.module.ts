import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../projections.module.js';
import { CheckpointLog } from './checkpoint-log.js';
import { Checkpointer } from './checkpointer.js';
import { EvidenceController } from './evidence.controller.js';
import { EvidenceService } from './evidence.service.js';
import { MerkleQueries } from './merkle.queries.js';

/**
 * Tamper evidence: the checkpointer that signs the Merkle tree read model's head, and the auditors' routes (verify,
 * checkpoints, public key, proofs). The signing key comes from `IntegrityModule`.
 */
@Module({
  imports: [ProjectionsModule],
  controllers: [EvidenceController],
  providers: [MerkleQueries, CheckpointLog, Checkpointer, EvidenceService],
})
export class EvidenceModule {}
