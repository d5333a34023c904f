import type { DecisionContext, DecisionOutcome } from '../command-handling/decision.js';
import type { ProgramCommand } from '../program/program.commands.js';

/** The command-bus message for every decision of a programme. */
export class DecideOnProgram {
  constructor(
    readonly command: ProgramCommand,
    readonly context: DecisionContext,
  ) {}
}

/** What a decision on a programme answers: the loop's outcome, and the programme it was taken on. */
export interface ProgramDecisionOutcome extends DecisionOutcome {
  programId: string;
}
