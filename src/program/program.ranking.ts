import type { RoundResult } from './program.events.js';

/** Points carry at most two decimals; summing them as integers keeps 33.6 + 31.6 + 25 at exactly 90.2. */
export function toHundredths(points: number): number {
  return Math.round(points * 100);
}

export function fromHundredths(hundredths: number): number {
  return hundredths / 100;
}

/** A team's total in a round, in hundredths of a point. */
export function totalHundredths(scores: ReadonlyMap<string, number> | undefined): number {
  let hundredths = 0;
  for (const points of scores?.values() ?? []) hundredths += toHundredths(points);
  return hundredths;
}

/**
 * The published ranking: highest total first, equal totals share a rank (1, 2, 2, 4). Within a shared rank teams
 * are listed by id, so the same scores always publish the same list whatever the order they were recorded in.
 */
export function rank(totals: ReadonlyArray<{ teamId: string; hundredths: number }>): RoundResult[] {
  const sorted = [...totals].sort((a, b) => b.hundredths - a.hundredths || compareIds(a.teamId, b.teamId));
  const results: RoundResult[] = [];
  sorted.forEach(({ teamId, hundredths }, index) => {
    const previous = results[index - 1];
    const sharesRank = previous !== undefined && sorted[index - 1]!.hundredths === hundredths;
    results.push({ teamId, total: fromHundredths(hundredths), rank: sharesRank ? previous.rank : index + 1 });
  });
  return results;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
