import { CodedError } from '../../common/coded-error.js';

export function eventNotFound(position: bigint): CodedError {
  return new CodedError('EVENT_NOT_FOUND', 'not-found', `No event of the log's tree is at position ${position} (the checkpoints' own events are not in it).`);
}

export function checkpointNotFound(treeSize: number, latest: number | null): CodedError {
  const known = latest === null ? 'No checkpoint has been signed yet.' : `The latest checkpoint signs a tree of ${latest} events.`;
  return new CodedError('CHECKPOINT_NOT_FOUND', 'not-found', `No checkpoint signs a tree of ${treeSize} events. ${known}`);
}

export function noCheckpointYet(): CodedError {
  return new CodedError('CHECKPOINT_NOT_FOUND', 'not-found', 'No checkpoint has been signed yet.');
}

export function eventAfterCheckpoint(position: bigint, treeSize: number): CodedError {
  return new CodedError(
    'EVENT_AFTER_CHECKPOINT',
    'conflict',
    `The event at position ${position} came after the checkpoint of tree size ${treeSize}: ask for a proof under a later checkpoint (or leave out treeSize).`,
  );
}

/** The tree read model is behind the checkpoint asked for, or a checkpoint could not be signed in time. */
export function treeNotReady(detail: string): CodedError {
  return new CodedError('READ_MODEL_NOT_READY', 'unavailable', detail, 1);
}

/**
 * The tree the read model holds does not give the root a checkpoint signed: the log or the read model was altered.
 * No proof is given from it; `GET /api/audit/verify` says where the log breaks, and a rebuild of `merkle` restores the
 * tree if the log holds.
 */
export function treeDiverged(checkpointNumber: number): CodedError {
  return new CodedError(
    'TREE_DIVERGED',
    'unavailable',
    `The Merkle tree read model does not match checkpoint ${checkpointNumber}: run GET /api/audit/verify, and rebuild the merkle projection if the log verifies.`,
    60,
  );
}
