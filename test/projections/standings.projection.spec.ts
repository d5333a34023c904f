import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { standingsProjection } from '../../src/projections/standings/standings.projection.js';
import { StandingsQueries } from '../../src/projections/standings/standings.queries.js';
import { type TeamSelection, WHOLE } from '../../src/projections/standings/standings.selection.js';
import { foldStandings } from '../support/standings-oracle.js';
import { applied, History, launched, opened, ProjectionHarness, scored, tempReadModels } from './standings.fixtures.js';

/** The oracle's document of a programme: the whole-document fold of its events. */
function folded(events: readonly RecordedEvent[], programId: string) {
  const inputs = events.filter((e) => e.streamId === `program-${programId}`).map((e) => ({ event: { type: e.type, data: e.data } as never, revision: e.revision, position: e.position }));
  return foldStandings(inputs)?.standings ?? null;
}

describe('standings projection (SQLite)', () => {
  let store: { db: Database; close(): void };
  let harness: ProjectionHarness;
  let queries: StandingsQueries;
  const standings = (programId: string, selection: TeamSelection = WHOLE) => {
    const answer = queries.standings(programId, selection);
    return answer.kind === 'found' ? JSON.parse(answer.json) : answer;
  };

  beforeEach(() => {
    store = tempReadModels();
    harness = new ProjectionHarness(store.db, standingsProjection({ snapshotEvery: 10 }));
    queries = new StandingsQueries(store.db, harness.access());
  });
  afterEach(() => store.close());

  it('names every table and index it creates with its generation prefix', () => {
    const names = store.db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
    expect(names.length).toBeGreaterThan(4);
    for (const name of names) expect(name.startsWith('standings_g1_')).toBe(true);
  });

  it('serves the document of the whole-document fold, and lists programmes with phase and revision', () => {
    const history = new History();
    history.add('beta', launched('beta'));
    history.add('alpha', launched('alpha'));
    history.add('beta', applied('lg'));
    history.add('beta', { type: 'ApplicationsClosed', data: { applicantCount: 1 } });
    history.add('beta', { type: 'FinalistSelected', data: { teamId: 'lg' } });
    history.add('beta', opened(1));
    history.add('beta', scored(1, 'lg', 'benchmark', 0.1));
    history.add('beta', scored(1, 'lg', 'expert', 0.2));
    harness.apply(history.events.slice(0, 4));
    harness.apply(history.events.slice(4));

    expect(queries.programs()).toEqual([
      { programId: 'alpha', title: 'Programme alpha', phase: 'accepting-applications', revision: 0 },
      { programId: 'beta', title: 'Programme beta', phase: 'round-open', revision: 6 },
    ]);
    const beta = standings('beta');
    expect(beta).toEqual(folded(history.events, 'beta'));
    expect(beta.teams[0]!.rounds[0]).toEqual({ round: 1, scores: { benchmark: 0.1, expert: 0.2 }, total: 0.3, rank: null });
    expect(standings('gamma')).toEqual({ kind: 'program-not-found' });
  });

  it('keeps 64-bit positions exact', () => {
    const history = new History(9_223_372_036_854_775_000n);
    history.add('big', launched('big'));
    harness.apply(history.events);
    expect(standings('big').position).toBe('9223372036854775037');
    const stored = store.db.prepare('SELECT position FROM standings_g1_programs').safeIntegers(true).pluck().get();
    expect(stored).toBe(9_223_372_036_854_775_037n);
  });

  it('forgets what a rolled-back transaction applied', () => {
    const history = new History();
    history.add('p', launched('p'));
    harness.apply(history.events);
    const lost = history.add('p', applied('lost'));
    harness.applyAndRollBack([lost]);
    expect(standings('p').teams).toEqual([]);

    // The runner applies the same event again after a rollback; it must count once.
    harness.apply([lost]);
    harness.apply([history.add('p', applied('kept'))]);
    expect(standings('p').teams.map((t: { teamId: string }) => t.teamId)).toEqual(['lost', 'kept']);
    expect(standings('p').revision).toBe(2);
  });

  it('writes programmes pushed out of its bounded cache, in one transaction across more programmes than it keeps', () => {
    const history = new History();
    const ids = Array.from({ length: 1500 }, (_, i) => `p-${i}`);
    for (const id of ids) history.add(id, launched(id));
    for (const id of ids) for (let t = 0; t < 150; t++) history.add(id, applied(`t-${t}`));
    harness.apply(history.events);
    expect(queries.programs()).toHaveLength(1500);
    for (const id of ['p-0', 'p-700', 'p-1499']) expect(standings(id)).toEqual(folded(history.events, id));
  });

  it('writes the rows of the teams an event changed, not the programme whole', () => {
    const history = new History();
    history.add('big', launched('big', 5, 1));
    for (let t = 0; t < 500; t++) history.add('big', applied(`team-${t}`));
    history.add('big', { type: 'ApplicationsClosed', data: { applicantCount: 500 } });
    harness.apply(history.events);
    const changes = () => store.db.prepare('SELECT total_changes()').pluck().get() as number;
    const before = changes();
    harness.apply([history.add('big', { type: 'FinalistSelected', data: { teamId: 'team-250' } })]);
    // The programme's row and the one team's row.
    expect(changes() - before).toBe(2);
    expect(standings('big')).toEqual(folded(history.events, 'big'));
  });

  it('pages the teams in order of application, of the statuses asked for, with the cursor of the next page', () => {
    const history = new History();
    history.add('p', launched('p', 5, 1));
    const ids = Array.from({ length: 12 }, (_, i) => `t-${String(i).padStart(2, '0')}`);
    for (const id of ids) history.add('p', applied(id));
    history.add('p', { type: 'ApplicationsClosed', data: { applicantCount: 12 } });
    for (const id of ['t-03', 't-07', 't-11']) history.add('p', { type: 'FinalistSelected', data: { teamId: id } });
    history.add('p', { type: 'TeamWithdrew', data: { teamId: 't-05', statement: 'We withdraw.' } });
    harness.apply(history.events);
    const whole = folded(history.events, 'p')!;
    const teamIds = (answer: { teams: Array<{ teamId: string }> }) => answer.teams.map((t) => t.teamId);

    const first = standings('p', { statuses: null, limit: 5, after: null });
    expect(first).toEqual({ ...whole, teams: whole.teams.slice(0, 5), next: 't-04' });
    const second = standings('p', { statuses: null, limit: 5, after: first.next });
    expect(teamIds(second)).toEqual(ids.slice(5, 10));
    const last = standings('p', { statuses: null, limit: 5, after: second.next });
    expect(last).toMatchObject({ teams: whole.teams.slice(10), next: null });
    expect(standings('p', { statuses: null, limit: 2, after: 't-09' })).toMatchObject({ next: null });

    expect(teamIds(standings('p', { statuses: ['finalist', 'withdrawn'], limit: null, after: null }))).toEqual(['t-03', 't-05', 't-07', 't-11']);
    const finalists = standings('p', { statuses: ['finalist'], limit: 2, after: null });
    expect(finalists).toMatchObject({ slots: whole.slots, next: 't-07' });
    expect(teamIds(finalists)).toEqual(['t-03', 't-07']);
    // The cursor is a team of the programme, whatever its status.
    expect(teamIds(standings('p', { statuses: ['finalist'], limit: 2, after: 't-04' }))).toEqual(['t-07', 't-11']);
    expect(standings('p', { statuses: ['finalist'], limit: 2, after: 't-99' })).toEqual({ kind: 'team-not-found', teamId: 't-99' });
    // Without limit and cursor: the whole document, no `next`.
    expect(standings('p', { statuses: ['applicant', 'finalist', 'withdrawn'], limit: null, after: null })).not.toHaveProperty('next');
  });

  it("serves one team's standing with the programme's revision and position", () => {
    const history = new History();
    history.add('p', launched('p'));
    history.add('p', applied('lg'));
    history.add('p', applied('sk'));
    harness.apply(history.events);
    const answer = queries.teamStanding('p', 'sk');
    expect(answer.kind === 'found' && JSON.parse(answer.json)).toEqual({
      programId: 'p',
      teamId: 'sk',
      consortiumName: 'sk consortium',
      status: 'applicant',
      rounds: [],
      eliminated: null,
      winner: false,
      revision: 2,
      position: history.events[2]!.position.toString(),
    });
    expect(queries.teamStanding('p', 'nobody')).toEqual({ kind: 'team-not-found', teamId: 'nobody' });
    expect(queries.teamStanding('q', 'sk')).toEqual({ kind: 'program-not-found' });
  });

  it('snapshots a programme every max(N, teams / 4) events, and keeps apart the events recorded or in effect late', () => {
    const history = new History();
    const at = (minute: number) => ({ occurredAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(), recordedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)) });
    history.add('p', launched('p'), at(0));
    for (let t = 1; t <= 79; t++) history.add('p', applied(`t-${t}`), at(t));
    // Decided on minute 5, recorded on minute 80.
    history.add('p', { type: 'ApplicationsClosed', data: { applicantCount: 79 } }, { occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 5)).toISOString(), recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 80)) });
    harness.apply(history.events);
    const snapshots = store.db.prepare('SELECT revision FROM standings_g1_snapshots ORDER BY revision').pluck().all();
    // Every 10 events while the programme has at most 40 teams, then every quarter as many events as it has teams.
    expect(snapshots).toEqual([9, 19, 29, 39, 52, 70]);
    const late = store.db.prepare('SELECT revision, occurred_at AS occurredAt FROM standings_g1_late').all();
    expect(late).toEqual([{ revision: 80, occurredAt: Date.UTC(2026, 0, 1, 0, 5) }]);
  });

  it('ignores events of other streams', () => {
    const history = new History();
    history.add('p', launched('p'));
    const other = { ...history.events[0]!, streamId: 'checkpoints', position: history.events[0]!.position + 1n };
    harness.apply([history.events[0]!, other]);
    expect(queries.programs().map((p) => p.programId)).toEqual(['p']);
  });

  it('refuses an unknown event type in a programme stream, so the runner halts there', () => {
    const history = new History();
    const event = history.add('p', launched('p'));
    expect(() => harness.apply([{ ...event, type: 'ProgramRenamed' }])).toThrow(/Unknown event type "ProgramRenamed"/);
  });
});
