import { CodedError } from '../common/coded-error.js';

/** `If-Match` named a revision the stream is not at. */
export class RevisionMismatchError extends CodedError<'REVISION_MISMATCH'> {
  override readonly name = 'RevisionMismatchError';
  constructor(
    readonly actual: number,
    readonly expected: number,
  ) {
    super('REVISION_MISMATCH', 'precondition-failed', `The programme is at revision ${actual}, not ${expected}; read it again and decide anew.`);
  }
}

/** An idempotency key seen before with another request. */
export class IdempotencyKeyReusedError extends CodedError<'IDEMPOTENCY_KEY_REUSED'> {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'conflict', 'This Idempotency-Key was used before with another request; use a new key for a new decision.');
  }
}
