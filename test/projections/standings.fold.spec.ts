import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { ProgramEvent } from '../../src/program/program.events.js';
import { programRecordOf } from '../../src/projections/common/program-event.js';
import type { StandingsState, TeamStanding } from '../../src/projections/standings/standings.document.js';
import { evolveStandings, foldStandings, type StandingsInput } from '../../src/projections/standings/standings.fold.js';
import { applied, History, launched, opened, scored } from './standings.fixtures.js';

const P = 'sovereign-ai';

function inputOf(recorded: RecordedEvent): StandingsInput {
  return { event: programRecordOf(recorded)!.event, revision: recorded.revision, position: recorded.position };
}

/** Feeds events one at a time and keeps the standings after each, so every step can be asserted. */
class Run {
  readonly history = new History();
  state: StandingsState | null = null;

  apply(event: ProgramEvent): StandingsState | null {
    const recorded = this.history.add(P, event);
    this.state = evolveStandings(deepFrozen(this.state), inputOf(recorded));
    return this.state;
  }

  get doc() {
    return this.state!.standings;
  }

  team(teamId: string): TeamStanding {
    return this.doc.teams.find((team) => team.teamId === teamId)!;
  }

  get last(): RecordedEvent {
    return this.history.events.at(-1)!;
  }
}

/** The fold must never change the state it is given: freezing it makes any change throw. */
function deepFrozen<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFrozen(child);
  }
  return value;
}

describe('standings fold', () => {
  it('ignores events of a programme that was not launched', () => {
    const run = new Run();
    expect(run.apply(applied('lg'))).toBeNull();
  });

  it('follows every event type of a programme to its conclusion', () => {
    const run = new Run();
    run.apply(launched(P, 4, 1));
    expect(run.doc).toEqual({
      programId: P,
      title: `Programme ${P}`,
      phase: 'accepting-applications',
      revision: 0,
      position: run.last.position.toString(),
      slots: { finalists: { total: 4, used: 0 }, winners: { total: 1, used: 0 } },
      teams: [],
      winners: [],
    });

    for (const teamId of ['a', 'b', 'c', 'd', 'e']) run.apply(applied(teamId));
    expect(run.doc.teams.map((t) => [t.teamId, t.consortiumName, t.status])).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((id) => [id, `${id} consortium`, 'applicant']),
    );
    expect(run.team('a')).toEqual({ teamId: 'a', consortiumName: 'a consortium', status: 'applicant', rounds: [], eliminated: null, winner: false });

    run.apply({ type: 'ApplicationsClosed', data: { applicantCount: 5 } });
    expect(run.doc.phase).toBe('screening');

    run.apply({ type: 'TeamEliminated', data: { teamId: 'e', stage: 'screening', grounds: 'not-shortlisted' } });
    expect(run.team('e')).toMatchObject({ status: 'eliminated', eliminated: { stage: 'screening', grounds: 'not-shortlisted', ruleId: null } });

    for (const teamId of ['a', 'b', 'c', 'd']) run.apply({ type: 'FinalistSelected', data: { teamId } });
    expect(run.doc.slots.finalists).toEqual({ total: 4, used: 4 });
    expect(run.team('d').status).toBe('finalist');

    run.apply(opened(1));
    expect(run.doc.phase).toBe('round-open');
    expect(run.team('a').rounds).toEqual([]);

    run.apply(scored(1, 'a', 'benchmark', 0.1));
    run.apply(scored(1, 'a', 'expert', 0.2));
    expect(run.team('a').rounds).toEqual([{ round: 1, scores: { benchmark: 0.1, expert: 0.2 }, total: 0.3, rank: null }]);
    run.apply({ type: 'ScoreCorrected', data: { round: 1, teamId: 'a', criterion: 'expert', previousPoints: 0.2, points: 0.25 } });
    expect(run.team('a').rounds[0]).toEqual({ round: 1, scores: { benchmark: 0.1, expert: 0.25 }, total: 0.35, rank: null });
    for (const [teamId, benchmark, expert] of [
      ['b', 40, 20],
      ['c', 20.5, 30.25],
      ['d', 20.25, 30.5],
    ] as const) {
      run.apply(scored(1, teamId, 'benchmark', benchmark));
      run.apply(scored(1, teamId, 'expert', expert));
    }
    expect(run.team('c').rounds[0]).toEqual({ round: 1, scores: { benchmark: 20.5, expert: 30.25 }, total: 50.75, rank: null });

    run.apply({
      type: 'EvaluationRoundClosed',
      data: {
        round: 1,
        results: [
          { teamId: 'b', total: 60, rank: 1 },
          { teamId: 'c', total: 50.75, rank: 2 },
          { teamId: 'd', total: 50.75, rank: 2 },
          { teamId: 'a', total: 0.35, rank: 4 },
        ],
      },
    });
    expect(run.doc.phase).toBe('between-rounds');
    expect(['b', 'c', 'd', 'a'].map((id) => [run.team(id).rounds[0]!.total, run.team(id).rounds[0]!.rank])).toEqual([
      [60, 1],
      [50.75, 2],
      [50.75, 2],
      [0.35, 4],
    ]);
    expect(run.team('e').rounds).toEqual([]);

    const beforeRule = run.doc;
    run.apply({ type: 'EligibilityRuleClarified', data: { ruleId: 'independence', text: 'Original training.' } });
    expect(run.doc).toEqual({ ...beforeRule, revision: beforeRule.revision + 1, position: run.last.position.toString() });

    const beforeFinding = run.doc;
    run.apply({ type: 'ComplianceFindingRecorded', data: { teamId: 'c', ruleId: 'independence', verdict: 'violation', findings: 'Reused weights.' } });
    expect(run.doc).toEqual({ ...beforeFinding, revision: beforeFinding.revision + 1, position: run.last.position.toString() });

    run.apply({ type: 'TeamEliminated', data: { teamId: 'c', stage: 1, grounds: 'rule-violation', ruleId: 'independence' } });
    expect(run.team('c')).toMatchObject({ status: 'eliminated', eliminated: { stage: 1, grounds: 'rule-violation', ruleId: 'independence' } });
    run.apply({ type: 'TeamEliminated', data: { teamId: 'a', stage: 1, grounds: 'ranking', round: 1 } });
    expect(run.team('a').eliminated).toEqual({ stage: 1, grounds: 'ranking', ruleId: null });
    // Scores stay visible after an elimination: the auditors need to see why.
    expect(run.team('a').rounds[0]!.rank).toBe(4);

    run.apply({ type: 'TeamWithdrew', data: { teamId: 'd', statement: 'We withdraw.' } });
    expect(run.team('d')).toMatchObject({ status: 'withdrawn', eliminated: null });
    expect(run.doc.slots.finalists.used).toBe(1);

    run.apply({ type: 'WildcardOpened', data: { slots: 1, closesAt: '2026-02-12T18:00:00+09:00' } });
    expect(run.doc.phase).toBe('wildcard-open');
    run.apply({ type: 'WildcardApplicationSubmitted', data: { teamId: 'a' } });
    run.apply({ type: 'WildcardApplicationSubmitted', data: { teamId: 'c' } });
    expect(run.team('a')).toMatchObject({ status: 'wildcard-applicant', eliminated: { grounds: 'ranking' } });
    expect(run.team('c').status).toBe('wildcard-applicant');

    run.apply({ type: 'WildcardClosed', data: { admitted: ['c'] } });
    expect(run.doc.phase).toBe('between-rounds');
    expect(run.team('c')).toMatchObject({ status: 'finalist', eliminated: null });
    expect(run.team('a')).toMatchObject({ status: 'eliminated', eliminated: { stage: 1, grounds: 'ranking', ruleId: null } });
    expect(run.team('e').status).toBe('eliminated');
    expect(run.doc.slots.finalists.used).toBe(2);

    run.apply({ type: 'WinnerSelected', data: { teamId: 'b' } });
    expect(run.team('b')).toMatchObject({ status: 'winner', winner: true });
    expect(run.doc.winners).toEqual(['b']);
    expect(run.doc.slots).toEqual({ finalists: { total: 4, used: 2 }, winners: { total: 1, used: 1 } });

    run.apply({ type: 'ProgramConcluded', data: { winners: ['b'] } });
    expect(run.doc.phase).toBe('concluded');
    expect(run.doc.winners).toEqual(['b']);
    expect(run.doc.revision).toBe(run.history.events.length - 1);
    expect(run.doc.position).toBe(run.last.position.toString());
  });

  it('returns to screening when a wild-card call closes before any round was opened', () => {
    const run = new Run();
    run.apply(launched(P));
    run.apply(applied('a'));
    run.apply({ type: 'ApplicationsClosed', data: { applicantCount: 1 } });
    run.apply({ type: 'TeamEliminated', data: { teamId: 'a', stage: 'screening', grounds: 'not-shortlisted' } });
    run.apply({ type: 'WildcardOpened', data: { slots: 1, closesAt: '2026-02-12T18:00:00+09:00' } });
    run.apply({ type: 'WildcardApplicationSubmitted', data: { teamId: 'a' } });
    run.apply({ type: 'WildcardClosed', data: { admitted: ['a'] } });
    expect(run.doc.phase).toBe('screening');
    expect(run.team('a')).toMatchObject({ status: 'finalist', eliminated: null });
    expect(run.doc.slots.finalists.used).toBe(1);
  });

  it('sums points in hundredths, so totals are exact to two decimals', () => {
    const run = new Run();
    run.apply(launched(P));
    run.apply(applied('lg'));
    run.apply({ type: 'ApplicationsClosed', data: { applicantCount: 1 } });
    run.apply({ type: 'FinalistSelected', data: { teamId: 'lg' } });
    run.apply({ type: 'EvaluationRoundOpened', data: { round: 1, title: 'One', scorecard: [{ criterion: 'x', maxPoints: 40 }, { criterion: 'y', maxPoints: 35 }, { criterion: 'z', maxPoints: 25 }] } });
    run.apply(scored(1, 'lg', 'x', 33.6));
    run.apply(scored(1, 'lg', 'y', 31.6));
    run.apply(scored(1, 'lg', 'z', 25));
    expect(run.team('lg').rounds[0]!.total).toBe(90.2);
  });

  it('shows each round a team has scores in, in round order, ranks only for the rounds that closed', () => {
    const run = new Run();
    run.apply(launched(P));
    run.apply(applied('a'));
    run.apply({ type: 'ApplicationsClosed', data: { applicantCount: 1 } });
    run.apply({ type: 'FinalistSelected', data: { teamId: 'a' } });
    run.apply(opened(1));
    run.apply(scored(1, 'a', 'benchmark', 10));
    run.apply(scored(1, 'a', 'expert', 10));
    run.apply({ type: 'EvaluationRoundClosed', data: { round: 1, results: [{ teamId: 'a', total: 20, rank: 1 }] } });
    run.apply(opened(2));
    run.apply(scored(2, 'a', 'expert', 7.5));
    expect(run.team('a').rounds).toEqual([
      { round: 1, scores: { benchmark: 10, expert: 10 }, total: 20, rank: 1 },
      { round: 2, scores: { expert: 7.5 }, total: 7.5, rank: null },
    ]);
    expect(run.doc.phase).toBe('round-open');
  });

  it('changes only revision and position for an event about a team it never saw', () => {
    const run = new Run();
    run.apply(launched(P));
    const before = run.doc;
    run.apply({ type: 'FinalistSelected', data: { teamId: 'ghost' } });
    expect(run.doc).toEqual({ ...before, revision: 1, position: run.last.position.toString() });
  });

  it('folds a whole sequence to the same standings as one event at a time', () => {
    const run = new Run();
    for (const event of [launched(P), applied('a'), applied('b'), { type: 'ApplicationsClosed', data: { applicantCount: 2 } } as ProgramEvent]) run.apply(event);
    expect(foldStandings(run.history.events.map(inputOf))).toEqual(run.state);
  });
});
