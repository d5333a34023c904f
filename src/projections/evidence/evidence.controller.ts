import { Controller, Param, Query } from '@nestjs/common';
import type { LoggedCheckpoint } from '../../integrity/log-verifier.js';
import { AUDIT_ROLES, ReadEndpoint } from '../read-endpoint.decorator.js';
import {
  CheckpointDto,
  CheckpointPageDto,
  CheckpointsQuery,
  ConsistencyProofDto,
  ConsistencyQuery,
  InclusionProofDto,
  NoQuery,
  PositionParams,
  ProofQuery,
  PublicKeyDto,
  VerificationDto,
} from './evidence.dto.js';
import { EvidenceService } from './evidence.service.js';

const DEFAULT_LIMIT = 100;

const CHECKS = 'Checks run in this order: authentication (401), role (403), parameters (400 VALIDATION_FAILED; unknown parameters are refused), then';

/**
 * Tamper evidence: the log verified from the store, the signed checkpoints and their key, and RFC 6962 proofs an
 * auditor checks with the checkpoint's signature and nothing of ours (see `tools/verify-evidence.mjs`).
 */
@Controller('audit')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @ReadEndpoint({
    path: 'verify',
    roles: [...AUDIT_ROLES],
    tag: 'tamper evidence',
    operationId: 'verifyLog',
    summary: 'Verify the whole event log against its hash chains and signed checkpoints',
    description:
      'Re-reads every event from the event store (never the read models), recomputes its hash and its stream\'s chain, ' +
      'rebuilds the Merkle tree and compares it with every signed checkpoint. `firstBrokenPosition` is the position of the ' +
      'first event that fails (null when `ok`); `reason` says what failed. Events recorded before the chain existed are ' +
      'counted in `unprotectedEvents`. Takes about a second per 100,000 events; concurrent calls share the run in progress.',
    checks: `${CHECKS} the verification.`,
    notFound: [],
    ok: { status: 200, type: VerificationDto },
  })
  async verify(@Query() _query: NoQuery): Promise<VerificationDto> {
    const report = await this.evidence.verify();
    return { ...report, checkpoint: report.checkpoint === null ? null : checkpointDto(report.checkpoint) };
  }

  @ReadEndpoint({
    path: 'checkpoints',
    roles: [...AUDIT_ROLES],
    tag: 'tamper evidence',
    operationId: 'listCheckpoints',
    summary: 'The signed checkpoints of the log, newest first',
    description: 'Each checkpoint signs the Merkle tree head of the first `treeSize` events. Keyset paging: pass `next` as `after`.',
    checks: `${CHECKS} the listing.`,
    notFound: [],
    ok: { status: 200, type: CheckpointPageDto },
  })
  async checkpoints(@Query() query: CheckpointsQuery): Promise<CheckpointPageDto> {
    const { items, next } = await this.evidence.checkpointPage(query.limit ?? DEFAULT_LIMIT, query.after);
    return { items: items.map(checkpointDto), next };
  }

  @ReadEndpoint({
    path: 'public-key',
    roles: [...AUDIT_ROLES],
    tag: 'tamper evidence',
    operationId: 'getAuditPublicKey',
    summary: 'The Ed25519 public key that signs the checkpoints',
    description: 'Compare its fingerprint with the one published out of band before trusting it.',
    checks: `${CHECKS} the key.`,
    notFound: [],
    ok: { status: 200, type: PublicKeyDto },
  })
  publicKey(@Query() _query: NoQuery): PublicKeyDto {
    return this.evidence.publicKey();
  }

  @ReadEndpoint({
    path: 'proof/:position',
    roles: [...AUDIT_ROLES],
    tag: 'tamper evidence',
    operationId: 'getInclusionProof',
    summary: 'An RFC 6962 inclusion proof of one event under a signed checkpoint',
    description:
      'Under the checkpoint of `treeSize` events, or without it under the latest checkpoint (one is signed first when the ' +
      'event came after it). Check: leafHash = SHA-256(0x00 ‖ eventHash), the audit path leads to the checkpoint\'s rootHash, ' +
      'and the checkpoint\'s signature holds under the public key.',
    checks: `${CHECKS} the event (404 EVENT_NOT_FOUND), the checkpoint (404 CHECKPOINT_NOT_FOUND; 409 EVENT_AFTER_CHECKPOINT when the event came after it), the tree read model (503).`,
    notFound: ['EVENT_NOT_FOUND', 'CHECKPOINT_NOT_FOUND'],
    conflict: ['EVENT_AFTER_CHECKPOINT'],
    unavailable: ['TREE_DIVERGED'],
    ok: { status: 200, type: InclusionProofDto },
  })
  async inclusion(@Param() params: PositionParams, @Query() query: ProofQuery): Promise<InclusionProofDto> {
    const proof = await this.evidence.inclusion(BigInt(params.position), query.treeSize);
    return { ...proof, checkpoint: checkpointDto(proof.checkpoint) };
  }

  @ReadEndpoint({
    path: 'consistency',
    roles: [...AUDIT_ROLES],
    tag: 'tamper evidence',
    operationId: 'getConsistencyProof',
    summary: 'An RFC 6962 consistency proof between two signed checkpoints',
    description:
      'Shows that the tree the checkpoint of `from` events signed is a prefix of the one the checkpoint of `to` events ' +
      '(default: the latest) signed: nothing recorded before was changed, removed or reordered since.',
    checks: `${CHECKS} both checkpoints (404 CHECKPOINT_NOT_FOUND), the tree read model (503).`,
    notFound: ['CHECKPOINT_NOT_FOUND'],
    unavailable: ['TREE_DIVERGED'],
    ok: { status: 200, type: ConsistencyProofDto },
  })
  async consistency(@Query() query: ConsistencyQuery): Promise<ConsistencyProofDto> {
    const proof = await this.evidence.consistency(query.from, query.to);
    return { ...proof, fromCheckpoint: checkpointDto(proof.fromCheckpoint), toCheckpoint: checkpointDto(proof.toCheckpoint) };
  }
}

function checkpointDto(checkpoint: LoggedCheckpoint): CheckpointDto {
  const { number, position, origin, treeSize, rootHash, lastPosition, time, keyFingerprint, signature } = checkpoint;
  return { number, position, origin, treeSize, rootHash, lastPosition, time, keyFingerprint, signature };
}
