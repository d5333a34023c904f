/** One field a request got wrong, as listed in a 400's `errors`. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An error that answers the client with an `application/problem+json` body: `{type, title, status, detail, code}`
 * (plus `errors` for validation). Thrown anywhere in the HTTP layer; the one exception filter renders it.
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extras: { errors?: FieldProblem[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}
