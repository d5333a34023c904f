import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { timelineProjection, type TimelineEntry } from '../../src/projections/timeline/timeline.projection.js';
import { TimelineQueries } from '../../src/projections/timeline/timeline.queries.js';
import { everyEventType, History, launched, ProjectionHarness, tempReadModels } from './standings.fixtures.js';

describe('timeline projection (SQLite)', () => {
  let store: { db: Database; close(): void };
  let harness: ProjectionHarness;
  let queries: TimelineQueries;
  let history: History;
  let one: RecordedEvent[];

  beforeEach(() => {
    store = tempReadModels();
    harness = new ProjectionHarness(store.db, timelineProjection);
    queries = new TimelineQueries(store.db, harness.access());
    history = new History();
    one = everyEventType(history, 'one');
    everyEventType(history, 'two');
    history.add('empty', launched('empty'));
    harness.apply(history.events);
  });
  afterEach(() => store.close());

  function entries(programId: string, teamId: string): TimelineEntry[] {
    const answer = queries.timeline(programId, teamId);
    if (answer.kind !== 'found') throw new Error(answer.kind);
    return answer.entries.map((entry) => JSON.parse(entry) as TimelineEntry);
  }

  it('names every table and index with its generation prefix', () => {
    const names = store.db.prepare(`SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
    for (const name of names) expect(name.startsWith('timeline_g1_')).toBe(true);
  });

  it("lists a team's events from its application on, including the lists that name it", () => {
    expect(entries('one', 'c').map((e) => e.type)).toEqual([
      'ApplicationSubmitted',
      'FinalistSelected',
      'ScoreRecorded',
      'ScoreRecorded',
      'EvaluationRoundClosed',
      'ComplianceFindingRecorded',
      'TeamEliminated',
      'WildcardApplicationSubmitted',
      'WildcardClosed',
    ]);
    expect(entries('one', 'a').map((e) => e.type)).toEqual([
      'ApplicationSubmitted',
      'FinalistSelected',
      'ScoreRecorded',
      'ScoreRecorded',
      'ScoreCorrected',
      'EvaluationRoundClosed',
      'TeamEliminated',
    ]);
    expect(entries('one', 'b').slice(-2).map((e) => e.type)).toEqual(['WinnerSelected', 'ProgramConcluded']);
    expect(entries('one', 'd').at(-1)!.type).toBe('TeamWithdrew');
    expect(entries('one', 'e').map((e) => e.type)).toEqual(['ApplicationSubmitted', 'TeamEliminated']);
  });

  it('gives each entry its position, times, actor, reason and data', () => {
    const event = one.find((e) => e.type === 'TeamWithdrew')!;
    expect(entries('one', 'd').at(-1)).toEqual({
      position: event.position.toString(),
      type: 'TeamWithdrew',
      occurredAt: event.metadata.occurredAt,
      recordedAt: event.recordedAt.toISOString(),
      actor: { id: 'kim.official', role: 'official' },
      reason: event.metadata.reason,
      data: { teamId: 'd', statement: 'We withdraw.' },
    });
    // Each programme's timeline is its own.
    expect(entries('two', 'd').at(-1)!.position).not.toBe(event.position.toString());
  });

  it('tells an unknown programme from a team that never applied', () => {
    expect(queries.timeline('nowhere', 'a')).toEqual({ kind: 'program-not-found' });
    expect(queries.timeline('empty', 'a')).toEqual({ kind: 'team-not-found' });
    expect(queries.timeline('one', 'z')).toEqual({ kind: 'team-not-found' });
  });
});
