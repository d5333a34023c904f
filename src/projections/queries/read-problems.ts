import { ProblemError } from '../../http/problem.js';

export function programNotFound(programId: string): ProblemError {
  return new ProblemError(404, 'PROGRAM_NOT_FOUND', `Programme "${programId}" does not exist.`);
}

export function programNotFoundAsOf(programId: string): ProblemError {
  return new ProblemError(404, 'PROGRAM_NOT_FOUND', `Programme "${programId}" did not exist at that point.`);
}

export function teamNotFound(programId: string, teamId: string): ProblemError {
  return new ProblemError(404, 'TEAM_NOT_FOUND', `Team "${teamId}" never applied to programme "${programId}".`);
}
