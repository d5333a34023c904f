import { rank, toHundredths, totalHundredths } from '../../src/program/program.ranking.js';

describe('ranking: totals in hundredths, equal totals share a rank', () => {
  it('sums points with two decimals exactly', () => {
    expect(totalHundredths(new Map([['a', 0.1], ['b', 0.2]]))).toBe(30);
    expect(totalHundredths(new Map([['a', 33.6], ['b', 31.6], ['c', 25]]))).toBe(9020);
    expect([0.29, 1.13, 4.35].map(toHundredths)).toEqual([29, 113, 435]);
  });

  it('ranks 1, 2, 2, 4 and lists ties by team id', () => {
    expect(
      rank([
        { teamId: 'd', hundredths: 7050 },
        { teamId: 'a', hundredths: 6000 },
        { teamId: 'c', hundredths: 8000 },
        { teamId: 'b', hundredths: 7050 },
      ]),
    ).toEqual([
      { teamId: 'c', total: 80, rank: 1 },
      { teamId: 'b', total: 70.5, rank: 2 },
      { teamId: 'd', total: 70.5, rank: 2 },
      { teamId: 'a', total: 60, rank: 4 },
    ]);
  });

  it('gives everyone rank 1 when all are equal, and nothing for nobody', () => {
    expect(rank([{ teamId: 'b', hundredths: 0 }, { teamId: 'a', hundredths: 0 }]).map((r) => r.rank)).toEqual([1, 1]);
    expect(rank([])).toEqual([]);
  });
});
