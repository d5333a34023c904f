import { CodedError, type ErrorKind } from '../common/coded-error.js';

/** How a refusal reads to a client, independent of transport: the HTTP layer maps these to 404, 409 and 422. */
export type ProgramErrorKind = Extract<ErrorKind, 'not-found' | 'conflict' | 'rule'>;

/** Every refusal the domain can give, with its kind. The codes are API.md's and clients switch on them. */
export const PROGRAM_ERROR_KINDS = {
  PROGRAM_NOT_FOUND: 'not-found',
  TEAM_NOT_FOUND: 'not-found',
  ROUND_NOT_FOUND: 'not-found',
  PROGRAM_ALREADY_EXISTS: 'conflict',
  PROGRAM_CONCLUDED: 'rule',
  APPLICATIONS_CLOSED: 'rule',
  APPLICATIONS_STILL_OPEN: 'rule',
  DUPLICATE_APPLICATION: 'rule',
  NOT_AN_APPLICANT: 'rule',
  FINALIST_SLOTS_FULL: 'rule',
  NO_FINALISTS: 'rule',
  ROUND_ALREADY_OPEN: 'rule',
  ROUND_NUMBER_INVALID: 'rule',
  NO_OPEN_ROUND: 'rule',
  TEAM_NOT_ACTIVE: 'rule',
  NOT_A_FINALIST: 'rule',
  UNKNOWN_CRITERION: 'rule',
  POINTS_OUT_OF_RANGE: 'rule',
  SCORE_ALREADY_RECORDED: 'rule',
  NO_SCORE_TO_CORRECT: 'rule',
  SCORES_MISSING: 'rule',
  ROUND_NOT_CLOSED: 'rule',
  NO_VIOLATION_FINDING: 'rule',
  UNKNOWN_RULE: 'rule',
  WINNER_CANNOT_WITHDRAW: 'rule',
  WILDCARD_ALREADY_OPEN: 'rule',
  NO_ELIMINATIONS: 'rule',
  WILDCARD_NOT_OPEN: 'rule',
  NOT_ELIGIBLE_FOR_WILDCARD: 'rule',
  WILDCARD_SLOTS_EXCEEDED: 'rule',
  NOT_A_WILDCARD_APPLICANT: 'rule',
} as const satisfies Record<string, ProgramErrorKind>;

export type ProgramErrorCode = keyof typeof PROGRAM_ERROR_KINDS;

export const PROGRAM_ERROR_CODES = Object.keys(PROGRAM_ERROR_KINDS) as ProgramErrorCode[];

/** A decision the programme refuses. `message` tells a person what stands in the way and what would unblock it. */
export class ProgramRuleError extends CodedError<ProgramErrorCode> {
  override readonly name = 'ProgramRuleError';
  declare readonly kind: ProgramErrorKind;

  constructor(code: ProgramErrorCode, message: string) {
    super(code, PROGRAM_ERROR_KINDS[code], message);
  }
}

export function refuse(code: ProgramErrorCode, message: string): never {
  throw new ProgramRuleError(code, message);
}
