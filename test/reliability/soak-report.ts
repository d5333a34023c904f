import { appendFileSync } from 'node:fs';

/** What a reliability test tried and found, for the report `npm run test:soak` prints at the end. */
export interface SoakFigures {
  operations?: number;
  faults?: Record<string, number>;
  invalidInputs?: number;
  acknowledged?: number;
  lost?: number;
  duplicates?: number;
}

/** Appends a test's figures to the report file (a line each), when a soak run asked for one. */
export function recordSoak(test: string, figures: SoakFigures): void {
  if (!process.env['DOCKET_SOAK_REPORT']) return;
  appendFileSync(process.env['DOCKET_SOAK_REPORT'], `${JSON.stringify({ test, ...figures })}\n`);
}
