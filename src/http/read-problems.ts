import { ProgramRuleError } from '../program/program.errors.js';

/** The 404s of the reads, with the domain's codes (a read of a programme or team that is not there). */
export function programNotFound(programId: string): ProgramRuleError {
  return new ProgramRuleError('PROGRAM_NOT_FOUND', `Programme "${programId}" does not exist.`);
}

export function programNotFoundAsOf(programId: string): ProgramRuleError {
  return new ProgramRuleError('PROGRAM_NOT_FOUND', `Programme "${programId}" did not exist at that point.`);
}

export function teamNotFound(programId: string, teamId: string): ProgramRuleError {
  return new ProgramRuleError('TEAM_NOT_FOUND', `Team "${teamId}" never applied to programme "${programId}".`);
}
