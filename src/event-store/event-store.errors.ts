import type { ActualRevision, ExpectedRevision } from './event-store.port.js';

/** The stream was not at the revision the append expected. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(`stream ${streamId} expected at revision ${expected} but is at ${actual}`);
  }
}

/** The input to the store (an append, a read, a subscription) is not acceptable; nothing was written. */
export class EventStoreInputError extends Error {
  override readonly name = 'EventStoreInputError';
}

/** The store cannot be reached or failed; the operation may be retried. */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
}

/**
 * A stored event that cannot be read as the port's JSON objects: its bytes were written by another tool, or altered
 * in the store. Names where it is, so that a reader (a verifier, a projection) can say so.
 */
export class UnreadableEventError extends Error {
  override readonly name = 'UnreadableEventError';
  constructor(
    readonly position: bigint,
    readonly streamId: string,
    readonly revision: number,
    detail: string,
  ) {
    super(`the event at position ${position} (${streamId}@${revision}) cannot be read: ${detail}`);
  }
}
