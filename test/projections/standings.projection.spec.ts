import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import { programRecordOf } from '../../src/projections/common/program-event.js';
import { foldStandings } from '../../src/projections/standings/standings.fold.js';
import { standingsProjection } from '../../src/projections/standings/standings.projection.js';
import { StandingsQueries } from '../../src/projections/standings/standings.queries.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { applied, History, launched, opened, ProjectionHarness, scored, tempReadModels } from './standings.fixtures.js';

function folded(events: readonly RecordedEvent[], programId: string) {
  const inputs = events
    .filter((e) => e.streamId === `program-${programId}`)
    .map((e) => ({ event: programRecordOf(e)!.event, revision: e.revision, position: e.position }));
  return foldStandings(inputs)?.standings ?? null;
}

describe('standings projection (SQLite)', () => {
  let store: { db: Database; close(): void };
  let harness: ProjectionHarness;
  let queries: StandingsQueries;

  beforeEach(() => {
    store = tempReadModels();
    harness = new ProjectionHarness(store.db, standingsProjection);
    queries = new StandingsQueries(store.db, harness.access());
  });
  afterEach(() => store.close());

  it('names every table and index it creates with its generation prefix', () => {
    const names = store.db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name.startsWith('standings_g1_')).toBe(true);
  });

  it('stores the document of the fold, and lists programmes with phase and revision', () => {
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
    const beta = queries.standings('beta')!;
    expect(beta).toEqual(folded(history.events, 'beta'));
    expect(beta.teams[0]!.rounds[0]).toEqual({ round: 1, scores: { benchmark: 0.1, expert: 0.2 }, total: 0.3, rank: null });
    expect(queries.standings('gamma')).toBeNull();
  });

  it('keeps 64-bit positions exact', () => {
    const history = new History(9_223_372_036_854_775_000n);
    history.add('big', launched('big'));
    harness.apply(history.events);
    expect(queries.standings('big')!.position).toBe('9223372036854775037');
    const stored = store.db.prepare('SELECT position FROM standings_g1_programs').safeIntegers(true).pluck().get();
    expect(stored).toBe(9_223_372_036_854_775_037n);
  });

  it('forgets what a rolled-back transaction applied', () => {
    const history = new History();
    history.add('p', launched('p'));
    harness.apply(history.events);
    const lost = history.add('p', applied('lost'));
    harness.applyAndRollBack([lost]);
    expect(queries.standings('p')!.teams).toEqual([]);

    // The runner applies the same event again after a rollback; it must count once.
    harness.apply([lost]);
    harness.apply([history.add('p', applied('kept'))]);
    expect(queries.standings('p')!.teams.map((t) => t.teamId)).toEqual(['lost', 'kept']);
    expect(queries.standings('p')!.revision).toBe(2);
  });

  it('writes documents pushed out of its bounded cache, in one transaction across more programmes than it keeps', () => {
    const history = new History();
    const ids = Array.from({ length: 1500 }, (_, i) => `p-${i}`);
    for (const id of ids) history.add(id, launched(id));
    for (const id of ids) history.add(id, applied('t'));
    harness.apply(history.events);
    expect(queries.programs()).toHaveLength(1500);
    for (const id of ['p-0', 'p-700', 'p-1499']) expect(queries.standings(id)).toEqual(folded(history.events, id));
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
