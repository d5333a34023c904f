import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { auditProjection } from '../../src/projections/audit/audit.projection.js';
import { type AuditFilter, AuditQueries } from '../../src/projections/audit/audit.queries.js';
import { PROGRAM_EVENT_TYPES } from '../../src/program/program.events.js';
import { applied, everyEventType, History, launched, ProjectionHarness, tempReadModels } from './standings.fixtures.js';

interface Item {
  position: string;
  programId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: { actor: { id: string }; recordedAt: string };
}

describe('audit projection (SQLite)', () => {
  let store: { db: Database; close(): void };
  let harness: ProjectionHarness;
  let queries: AuditQueries;
  let history: History;
  let one: RecordedEvent[];
  let two: RecordedEvent[];

  beforeEach(() => {
    store = tempReadModels();
    harness = new ProjectionHarness(store.db, auditProjection);
    queries = new AuditQueries(store.db, harness.access());
    history = new History();
    one = everyEventType(history, 'one');
    two = everyEventType(history, 'two', { actorId: 'eva.evaluator', actorRole: 'evaluator' });
    harness.apply(history.events);
  });
  afterEach(() => store.close());

  const all = (filter: AuditFilter, limit = 1000): Item[] => queries.page(filter, limit).items.map((item) => JSON.parse(item) as Item);
  const positions = (events: readonly RecordedEvent[]) => events.map((e) => e.position.toString());

  it('names every table and index with its generation prefix', () => {
    const names = store.db.prepare(`SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
    for (const name of names) expect(name.startsWith('audit_g1_')).toBe(true);
  });

  it('records every event of every type as an audit item with its metadata', () => {
    expect(new Set(one.map((e) => e.type))).toEqual(new Set(PROGRAM_EVENT_TYPES));
    const items = all({ programId: 'one' });
    expect(items.map((i) => i.position)).toEqual(positions(one));
    const event = one[3]!;
    expect(JSON.parse(queries.page({ programId: 'one', after: one[2]!.position }, 1).items[0]!)).toEqual({
      position: event.position.toString(),
      programId: 'one',
      revision: 3,
      eventId: event.eventId,
      type: 'ApplicationSubmitted',
      data: event.data,
      metadata: {
        actor: { id: 'kim.official', role: 'official' },
        reason: event.metadata.reason,
        legalBasis: null,
        commandId: event.metadata.commandId,
        correlationId: event.metadata.correlationId,
        causationId: event.metadata.causationId,
        idempotencyKey: null,
        occurredAt: event.metadata.occurredAt,
        recordedAt: event.recordedAt.toISOString(),
      },
    });
  });

  it('keeps the idempotency key and legal basis when the event carries them', () => {
    const keyed = history.add('one', applied('z'), { idempotencyKey: 'key-1', legalBasis: 'Notice 2025-1' });
    harness.apply([keyed]);
    const [item] = all({ programId: 'one', after: one.at(-1)!.position });
    expect(item!.metadata).toMatchObject({ idempotencyKey: 'key-1', legalBasis: 'Notice 2025-1' });
  });

  it('pages by position: every item once, in order, next null on the last page', () => {
    const seen: string[] = [];
    let after: bigint | undefined;
    for (let pages = 0; ; pages += 1) {
      const page = queries.page({ programId: 'two', ...(after === undefined ? {} : { after }) }, 7);
      seen.push(...page.items.map((i) => (JSON.parse(i) as Item).position));
      if (page.next === null) break;
      expect(page.items).toHaveLength(7);
      after = BigInt(page.next);
      expect(pages).toBeLessThan(100);
    }
    expect(seen).toEqual(positions(two));
    // A page that ends exactly at the end says so, with no empty page after it.
    expect(queries.page({ programId: 'two' }, two.length).next).toBeNull();
    expect(queries.page({ programId: 'two' }, two.length - 1).next).toBe(two.at(-2)!.position.toString());
  });

  it('filters by team as the timeline does: its teamId, round results, wild-card admissions, winners', () => {
    const named = (teamId: string) =>
      one.filter(({ data }) => {
        const d = data as { teamId?: string; results?: Array<{ teamId: string }>; admitted?: string[]; winners?: string[] };
        return d.teamId === teamId || d.results?.some((r) => r.teamId === teamId) || d.admitted?.includes(teamId) || d.winners?.includes(teamId);
      });
    for (const teamId of ['a', 'b', 'c', 'e']) expect(all({ programId: 'one', teamId }).map((i) => i.position)).toEqual(positions(named(teamId)));
    const b = all({ programId: 'one', teamId: 'b' }).map((i) => i.type);
    expect(b).toEqual(['ApplicationSubmitted', 'FinalistSelected', 'ScoreRecorded', 'ScoreRecorded', 'EvaluationRoundClosed', 'WinnerSelected', 'ProgramConcluded']);
    expect(all({ programId: 'one', teamId: 'c' }).map((i) => i.type)).toContain('WildcardClosed');
    // Across programmes, the same team id in both.
    expect(all({ teamId: 'b' }).map((i) => i.programId)).toEqual([...b.map(() => 'one'), ...b.map(() => 'two')]);
    expect(all({ programId: 'one', teamId: 'nobody' })).toEqual([]);
  });

  it('filters by types, actor and recorded time, alone and combined, across programmes or in one', () => {
    const eliminations = all({ types: ['TeamEliminated', 'TeamWithdrew'] });
    expect(eliminations.map((i) => i.position)).toEqual(positions(history.events.filter((e) => e.type === 'TeamEliminated' || e.type === 'TeamWithdrew')));
    expect(all({ actor: 'eva.evaluator' }).map((i) => i.position)).toEqual(positions(two));
    expect(all({ actor: 'eva.evaluator', programId: 'one' })).toEqual([]);
    const from = two[5]!.recordedAt;
    const to = two[9]!.recordedAt;
    expect(all({ recordedFrom: from, recordedTo: to }).map((i) => i.position)).toEqual(positions(two.slice(5, 10)));
    expect(all({ programId: 'two', types: ['ScoreRecorded'], teamId: 'a', actor: 'eva.evaluator' }).map((i) => i.data)).toEqual([
      { round: 1, teamId: 'a', criterion: 'benchmark', points: 10 },
      { round: 1, teamId: 'a', criterion: 'expert', points: 20 },
    ]);
    // Paging with a filter moves the cursor over the filtered items only.
    const first = queries.page({ types: ['FinalistSelected'] }, 3);
    const rest = queries.page({ types: ['FinalistSelected'], after: BigInt(first.next!) }, 10);
    expect([...first.items, ...rest.items].map((i) => (JSON.parse(i) as Item).data.teamId)).toEqual(['a', 'b', 'c', 'd', 'a', 'b', 'c', 'd']);
    expect(rest.next).toBeNull();
  });

  it('pages several types across programmes in position order', () => {
    const types = ['WinnerSelected', 'ApplicationsClosed', 'ProgramLaunched'];
    const expected = positions(history.events.filter((e) => types.includes(e.type)));
    const seen: string[] = [];
    let after: bigint | undefined;
    for (;;) {
      const page = queries.page({ types, ...(after === undefined ? {} : { after }) }, 2);
      seen.push(...page.items.map((i) => (JSON.parse(i) as Item).position));
      if (page.next === null) break;
      after = BigInt(page.next);
    }
    expect(seen).toEqual(expected);
  });

  it('bounds recorded time exactly, also when the clock stepped back between events', () => {
    const skewed = new History(10_000_000_000_000_000n);
    const at = (minute: number) => ({ recordedAt: new Date(Date.UTC(2027, 0, 1, 0, minute)) });
    // Recorded at minutes 10, 20, 15 (the clock stepped back), 30, 12 (again), 40.
    const events = [10, 20, 15, 30, 12, 40].map((minute, i) => skewed.add('skewed', i === 0 ? launched('skewed') : applied(`t${i}`), at(minute)));
    harness.apply(events);
    const within = (from: number, to: number) =>
      positions(events.filter((e) => e.recordedAt.getTime() >= at(from).recordedAt.getTime() && e.recordedAt.getTime() <= at(to).recordedAt.getTime()));
    const cases: Array<[number, number]> = [[11, 16], [12, 12], [14, 29], [0, 13], [31, 59], [16, 19], [0, 59]];
    for (const [from, to] of cases) {
      for (const programId of [undefined, 'skewed']) {
        for (const limit of [1, 2, 100]) {
          const seen: string[] = [];
          let after: bigint | undefined;
          for (let n = 0; n < 20; n += 1) {
            const page = queries.page({ recordedFrom: at(from).recordedAt, recordedTo: at(to).recordedAt, ...(programId ? { programId } : {}), ...(after === undefined ? {} : { after }) }, limit);
            seen.push(...page.items.map((i) => (JSON.parse(i) as Item).position));
            if (page.next === null) break;
            after = BigInt(page.next);
          }
          expect({ from, to, programId, limit, seen }).toEqual({ from, to, programId, limit, seen: within(from, to) });
        }
      }
    }
    expect(within(11, 16)).toHaveLength(2);
  });

  it('knows which programmes have a history, and the head of the log', () => {
    expect(queries.programExists('one')).toBe(true);
    expect(queries.programExists('three')).toBe(false);
    expect(queries.headPosition()).toBe(history.events.at(-1)!.position);
  });

  it('keeps 64-bit positions exact', () => {
    const big = new History(9_223_372_036_854_775_000n);
    harness.apply([big.add('big', launched('big'))]);
    expect(all({ programId: 'big' })[0]!.position).toBe('9223372036854775037');
    expect(queries.headPosition()).toBe(9_223_372_036_854_775_037n);
  });
});
