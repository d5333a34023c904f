import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { JsonObject } from '../../src/common/json.js';
import type { ProgramEvent } from '../../src/program/program.events.js';
import { occurredAtMillis, programRecordOf } from '../../src/projections/common/program-event.js';
import type { StandingsInput } from '../../src/projections/standings/standings.fold.js';

/**
 * Recorded events for the projection specs of standings, audit and timeline: a programme's events with revisions
 * counting from 0 and sparse, large positions (as EventStoreDB gives), metadata as the command loop writes it.
 */
export class History {
  readonly events: RecordedEvent[] = [];
  private readonly revisions = new Map<string, number>();

  constructor(private position = 9_007_199_254_740_000n) {}

  add(programId: string, event: ProgramEvent, metadata: Partial<MetadataInput> = {}): RecordedEvent {
    const revision = (this.revisions.get(programId) ?? -1) + 1;
    this.revisions.set(programId, revision);
    this.position += 37n;
    const recordedAt = metadata.recordedAt ?? new Date(Date.UTC(2026, 0, 1, 0, 0, this.events.length));
    const recorded: RecordedEvent = {
      eventId: `00000000-0000-5000-8000-${this.events.length.toString().padStart(12, '0')}`,
      streamId: `program-${programId}`,
      revision,
      position: this.position,
      type: event.type,
      data: event.data as JsonObject,
      metadata: {
        schemaVersion: 1,
        actor: { id: metadata.actorId ?? 'kim.official', role: metadata.actorRole ?? 'official' },
        reason: metadata.reason ?? `reason ${this.events.length}`,
        legalBasis: metadata.legalBasis ?? null,
        commandId: `command-${this.events.length}`,
        correlationId: `correlation-${this.events.length}`,
        causationId: `command-${this.events.length}`,
        ...(metadata.idempotencyKey ? { idempotencyKey: metadata.idempotencyKey } : {}),
        occurredAt: metadata.occurredAt ?? recordedAt.toISOString(),
      },
      recordedAt,
    };
    this.events.push(recorded);
    return recorded;
  }
}

/** What the standings fold takes of a recorded event of a programme. */
export function inputOf(recorded: RecordedEvent): StandingsInput {
  return {
    event: programRecordOf(recorded)!.event,
    revision: recorded.revision,
    position: recorded.position,
    recordedAt: recorded.recordedAt.getTime(),
    occurredAt: occurredAtMillis(recorded),
  };
}

export interface MetadataInput {
  actorId: string;
  actorRole: string;
  reason: string;
  legalBasis: string;
  idempotencyKey: string;
  occurredAt: string;
  recordedAt: Date;
}

export const launched = (programId: string, finalistSlots = 3, winnerSlots = 1): ProgramEvent => ({
  type: 'ProgramLaunched',
  data: { programId, title: `Programme ${programId}`, ministry: 'Ministry', finalistSlots, winnerSlots, rules: [{ ruleId: 'independence', text: 'From scratch.' }] },
});

export const applied = (teamId: string): ProgramEvent => ({
  type: 'ApplicationSubmitted',
  data: { teamId, consortiumName: `${teamId} consortium`, leadOrganization: teamId, members: [teamId] },
});

export const scorecard = [
  { criterion: 'benchmark', maxPoints: 40 },
  { criterion: 'expert', maxPoints: 60 },
];

export const opened = (round: number): ProgramEvent => ({ type: 'EvaluationRoundOpened', data: { round, title: `Round ${round}`, scorecard } });

export const scored = (round: number, teamId: string, criterion: string, points: number): ProgramEvent => ({
  type: 'ScoreRecorded',
  data: { round, teamId, criterion, points },
});

import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Projection, ProjectionWriter, ReadModelAccess, TableSet } from '../../src/projections/engine/projection.js';
import { openReadModelDb } from '../../src/projections/engine/read-model-db.js';
import { tempDir } from '../support/temp-dir.js';

/** A read-model database in a temp file, as the runner opens it. */
export function tempReadModels(): { db: Database; close(): void } {
  const dir = tempDir('docket-projections-');
  const db = openReadModelDb(join(dir.path, 'read-models.sqlite'));
  return {
    db,
    close: () => {
      db.close();
      dir.remove();
    },
  };
}

/** Creates one generation's tables and a writer for it, then applies batches the way the runner does. */
export class ProjectionHarness {
  readonly tables: TableSet;
  readonly writer: ProjectionWriter;

  constructor(
    readonly db: Database,
    projection: Projection,
    generation = 1,
  ) {
    this.tables = { prefix: `${projection.name}_g${generation}_` };
    projection.createTables(db, this.tables);
    for (const sql of projection.indexes(this.tables)) db.exec(sql);
    this.writer = projection.openWriter(db, this.tables);
  }

  /** One transaction: apply every event, flush, commit. */
  apply(events: readonly RecordedEvent[]): void {
    this.db.transaction(() => {
      for (const event of events) this.writer.apply(event);
      this.writer.flush();
    })();
  }

  /** A transaction that fails after applying the events: rolled back, then the writer discards what it kept. */
  applyAndRollBack(events: readonly RecordedEvent[]): void {
    try {
      this.db.transaction(() => {
        for (const event of events) this.writer.apply(event);
        this.writer.flush();
        throw new Error('rolled back');
      })();
    } catch {
      this.writer.discard();
    }
  }

  /** What the query side asks of the runner, for a harness that has applied everything it was given. */
  access(): ReadModelAccess {
    return {
      tables: () => this.tables,
      position: () => null,
      waitForPosition: async () => undefined,
      waitUntilServing: async () => undefined,
    };
  }
}

/**
 * One programme through every event type: teams a–e; c broke the rule and came back by the wild-card; b won.
 * Returns the events it added, in order.
 */
export function everyEventType(history: History, programId: string, metadata: Partial<MetadataInput> = {}): RecordedEvent[] {
  const events: ProgramEvent[] = [
    launched(programId, 4, 1),
    ...['a', 'b', 'c', 'd', 'e'].map(applied),
    { type: 'ApplicationsClosed', data: { applicantCount: 5 } },
    { type: 'TeamEliminated', data: { teamId: 'e', stage: 'screening', grounds: 'not-shortlisted' } },
    ...['a', 'b', 'c', 'd'].map((teamId): ProgramEvent => ({ type: 'FinalistSelected', data: { teamId } })),
    opened(1),
    ...(['a', 'b', 'c', 'd'] as const).flatMap((teamId, i) => [scored(1, teamId, 'benchmark', 10 + i), scored(1, teamId, 'expert', 20)]),
    { type: 'ScoreCorrected', data: { round: 1, teamId: 'a', criterion: 'expert', previousPoints: 20, points: 19.5 } },
    {
      type: 'EvaluationRoundClosed',
      data: {
        round: 1,
        results: [
          { teamId: 'd', total: 33, rank: 1 },
          { teamId: 'c', total: 32, rank: 2 },
          { teamId: 'b', total: 31, rank: 3 },
          { teamId: 'a', total: 29.5, rank: 4 },
        ],
      },
    },
    { type: 'EligibilityRuleClarified', data: { ruleId: 'independence', text: 'Original training.' } },
    { type: 'ComplianceFindingRecorded', data: { teamId: 'c', ruleId: 'independence', verdict: 'violation', findings: 'Reused weights.' } },
    { type: 'TeamEliminated', data: { teamId: 'c', stage: 1, grounds: 'rule-violation', ruleId: 'independence' } },
    { type: 'TeamEliminated', data: { teamId: 'a', stage: 1, grounds: 'ranking', round: 1 } },
    { type: 'TeamWithdrew', data: { teamId: 'd', statement: 'We withdraw.' } },
    { type: 'WildcardOpened', data: { slots: 1, closesAt: '2026-02-12T18:00:00+09:00' } },
    { type: 'WildcardApplicationSubmitted', data: { teamId: 'c' } },
    { type: 'WildcardClosed', data: { admitted: ['c'] } },
    { type: 'WinnerSelected', data: { teamId: 'b' } },
    { type: 'ProgramConcluded', data: { winners: ['b'] } },
  ];
  return events.map((event) => history.add(programId, event, metadata));
}
