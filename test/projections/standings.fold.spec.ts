import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { ProgramEvent } from '../../src/program/program.events.js';
import type { StandingsDocument, TeamStanding } from '../../src/projections/standings/standings.document.js';
import { ProgramStandings, standingsAfter } from '../../src/projections/standings/standings.fold.js';
import { randomHistory, seededRandom } from '../support/random-history.js';
import { evolveStandings, type StandingsState } from '../support/standings-oracle.js';
import { applied, History, inputOf, launched, opened, scored } from './standings.fixtures.js';

const P = 'sovereign-ai';

/**
 * Feeds events one at a time and keeps the standings after each, so every step can be asserted. At every step the
 * fold must agree with the oracle (the whole-document fold it replaced), must report every team whose standing
 * changed, and must never change a standing it handed out before (they are frozen: a change in place throws).
 */
class Run {
  readonly history = new History();
  standings: ProgramStandings | null = null;
  private oracle: StandingsState | null = null;

  constructor(private readonly programId = P) {}

  apply(event: ProgramEvent): ProgramStandings | null {
    const recorded = this.history.add(this.programId, event);
    const input = inputOf(recorded);
    const before = new Map<string, string>();
    for (const slot of this.standings?.teams() ?? []) {
      deepFrozen(slot.team);
      before.set(slot.team.teamId, JSON.stringify(slot.team));
    }
    const relaunch = input.event.type === 'ProgramLaunched';
    const changed = new Set<string>();
    if (relaunch || this.standings === null) this.standings = standingsAfter(this.standings, input);
    else for (const slot of this.standings.apply(input)) changed.add(slot.team.teamId);
    this.oracle = evolveStandings(this.oracle, input);
    expect(this.standings?.document() ?? null).toEqual(this.oracle?.standings ?? null);
    if (this.standings && !relaunch) {
      for (const slot of this.standings.teams()) {
        if (before.get(slot.team.teamId) !== JSON.stringify(slot.team)) expect({ reported: changed.has(slot.team.teamId), team: slot.team.teamId }).toEqual({ reported: true, team: slot.team.teamId });
      }
    }
    return this.standings;
  }

  get doc(): StandingsDocument {
    return this.standings!.document();
  }

  team(teamId: string): TeamStanding {
    return this.standings!.slot(teamId)!.team;
  }

  get last(): RecordedEvent {
    return this.history.events.at(-1)!;
  }
}

/** A standing handed out must never change: freezing it makes any change throw. */
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

  it('agrees with the whole-document fold after every event of random histories, reporting every team it changed', () => {
    let events = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const run = new Run(`random-${seed}`);
      for (const event of randomHistory(`random-${seed}`, seededRandom(seed), 250)) run.apply(event);
      events += run.history.events.length;
    }
    expect(events).toBeGreaterThan(2000);
  });

  it('restored from its snapshot, folds on as the standings it was taken of', () => {
    const run = new Run();
    const events = randomHistory(P, seededRandom(7), 300);
    const half = Math.floor(events.length / 2);
    for (const event of events.slice(0, half)) run.apply(event);
    const { teams, ...header } = JSON.parse(JSON.stringify(run.standings!.snapshot())) as ReturnType<ProgramStandings['snapshot']>;
    const restored = ProgramStandings.restored(header, teams);
    expect(restored.document()).toEqual(run.doc);
    expect(restored.slotUsage()).toEqual(run.standings!.slotUsage());
    for (const event of events.slice(half)) {
      run.apply(event);
      restored.apply(inputOf(run.last));
      expect(restored.document()).toEqual(run.doc);
    }
  });

  it('tells an event recorded, or in effect, before one it folded already', () => {
    const history = new History();
    const at = (iso: string) => ({ occurredAt: iso, recordedAt: new Date(iso) });
    const standings = ProgramStandings.launchedBy(inputOf(history.add(P, launched(P), at('2026-01-10T00:00:00Z'))))!;
    const onTime = inputOf(history.add(P, applied('a'), at('2026-01-11T00:00:00Z')));
    expect(standings.isLate(onTime)).toBe(false);
    standings.apply(onTime);
    const backdated = inputOf(history.add(P, applied('b'), { occurredAt: '2026-01-10T12:00:00Z', recordedAt: new Date('2026-01-12T00:00:00Z') }));
    expect(standings.isLate(backdated)).toBe(true);
    standings.apply(backdated);
    const clockBack = inputOf(history.add(P, applied('c'), { occurredAt: '2026-01-13T00:00:00Z', recordedAt: new Date('2026-01-11T12:00:00Z') }));
    expect(standings.isLate(clockBack)).toBe(true);
    const sameInstant = inputOf(history.add(P, applied('d'), { occurredAt: '2026-01-11T00:00:00Z', recordedAt: new Date('2026-01-12T00:00:00Z') }));
    expect(standings.isLate(sameInstant)).toBe(false);
  });
});
