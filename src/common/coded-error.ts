/**
 * How a refusal reads to a client, whatever the transport: the one exception filter maps each kind to an HTTP status
 * (`not-found` 404, `conflict` 409, `precondition-failed` 412, `rule` 422, `unavailable` 503).
 */
export type ErrorKind = 'not-found' | 'conflict' | 'precondition-failed' | 'rule' | 'unavailable';

/**
 * An error with a stable code that clients switch on, thrown by the domain and the core, which know nothing of HTTP.
 * `retryAfterSeconds` tells a client of an `unavailable` error when to try again.
 */
export class CodedError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    readonly kind: ErrorKind,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
