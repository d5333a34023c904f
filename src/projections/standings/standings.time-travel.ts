import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import type { ProgramEvent } from '../../program/program.events.js';
import { programStreamId } from '../../program/program.stream.js';
import { upcast } from '../../program/program.upcasters.js';
import { occurredAtMillis, programRecordOf } from '../common/program-event.js';
import { READ_MODEL_ACCESS, READ_MODEL_DB, type ReadModelAccess } from '../engine/projection.js';
import { StatementCache } from '../engine/statement-cache.js';
import { ProgramStandings, standingsAfter, type StandingsInput, type StandingsSnapshot } from './standings.fold.js';
import { STANDINGS, standingsTables } from './standings.projection.js';

/**
 * Where to stop. `recordedUpTo` is a position or a time (the recorded axis: what was known then); `effectiveUpTo` a
 * time (the effective axis: what was in force then, whenever it was recorded). Either or both.
 */
export interface TimeTravelBounds {
  recordedUpTo?: { position: bigint } | { time: number };
  effectiveUpTo?: number;
}

const MAX_POSITION = 2n ** 63n - 1n;
const MAX_TIME = Number.MAX_SAFE_INTEGER;

/** The bounds as three upper limits, each at its largest when not given. */
function limitsOf(bounds: TimeTravelBounds): { position: bigint; recordedAt: number; occurredAt: number } {
  const recorded = bounds.recordedUpTo;
  return {
    position: recorded && 'position' in recorded ? recorded.position : MAX_POSITION,
    recordedAt: recorded && 'time' in recorded ? recorded.time : MAX_TIME,
    occurredAt: bounds.effectiveUpTo ?? MAX_TIME,
  };
}

/** Whether an event falls inside the bounds. */
export function withinBounds(input: Pick<StandingsInput, 'position' | 'recordedAt' | 'occurredAt'>, bounds: TimeTravelBounds): boolean {
  const limits = limitsOf(bounds);
  return input.position <= limits.position && input.recordedAt <= limits.recordedAt && input.occurredAt <= limits.occurredAt;
}

function inputOf(recorded: RecordedEvent): StandingsInput | null {
  const event = upcast(recorded);
  const record = programRecordOf(event);
  if (record === null) return null;
  return { event: record.event, revision: event.revision, position: event.position, recordedAt: event.recordedAt.getTime(), occurredAt: occurredAtMillis(event) };
}


/** What the read model says about where to start folding (see `StandingsTimeTravel`). */
interface Plan {
  /** The latest snapshot all of whose events are inside the bounds, or null: fold from the first event. */
  base: { revision: number; state: string } | null;
  /** The first snapshot after it, or null. */
  next: number | null;
  /** The programme's last revision the read model has applied (-1 when it has none). */
  projected: number;
  /** The late events after `next` up to `projected`, inside the bounds, in order. */
  late: Array<{ revision: number; position: string; recorded_at: number; occurred_at: number; event: string }>;
}

/**
 * The standings of a programme at a past point, with the very fold the live projection uses, from a snapshot the
 * projection saved and the events after it, without folding from the first event:
 * 1. Take the latest snapshot inside the bounds: its position, and the latest recorded and effective times among
 *    its events, are all within them (those three only grow along the stream, so the snapshots inside are the first
 *    ones). Fold on from it the store's events up to the next snapshot, each one if it is inside the bounds.
 * 2. Past that next snapshot, an event can be inside the bounds only if it is late: recorded, or in effect, before
 *    an event before it (else it would come after the point that put the next snapshot outside). The projection keeps
 *    the late events apart: fold those inside the bounds, in order.
 * 3. Then the events the projection has not applied yet, from the store.
 * The answer is exactly the fold from the first event of the events inside the bounds, in position order (a test
 * compares the two on random histories with events recorded late); without snapshots it is that fold.
 */
@Injectable()
export class StandingsTimeTravel {
  private readonly statements: StatementCache;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: Database,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {
    this.statements = new StatementCache(db);
  }

  /** The standings at that point, or null when the programme did not exist then. */
  async at(programId: string, bounds: TimeTravelBounds): Promise<ProgramStandings | null> {
    const limits = limitsOf(bounds);
    const plan = this.plan(programId, limits);
    const stream = programStreamId(programId);
    let standings: ProgramStandings | null = null;
    if (plan.base) {
      const { teams, ...header } = JSON.parse(plan.base.state) as StandingsSnapshot;
      standings = ProgramStandings.restored(header, teams);
    }
    const from = (plan.base?.revision ?? -1) + 1;
    const upTo = plan.next === null ? {} : { maxCount: plan.next - from + 1 };
    standings = await this.foldFromStore(standings, stream, from, upTo, bounds);
    if (plan.next === null) return standings;
    for (const row of plan.late) {
      const event = JSON.parse(row.event) as ProgramEvent;
      standings = standingsAfter(standings, { event, revision: row.revision, position: BigInt(row.position), recordedAt: row.recorded_at, occurredAt: row.occurred_at });
    }
    return this.foldFromStore(standings, stream, plan.projected + 1, {}, bounds);
  }

  private async foldFromStore(
    standings: ProgramStandings | null,
    stream: string,
    fromRevision: number,
    upTo: { maxCount?: number },
    bounds: TimeTravelBounds,
  ): Promise<ProgramStandings | null> {
    const { position } = limitsOf(bounds);
    for await (const stored of this.store.readStream(stream, { fromRevision, ...upTo })) {
      // A stream is in position order: nothing after the bound position can be inside it.
      if (stored.position > position) break;
      const input = inputOf(stored);
      if (input === null || !withinBounds(input, bounds)) continue;
      standings = standingsAfter(standings, input);
    }
    return standings;
  }

  /**
   * Read in one read transaction: the snapshots, the late events and the revision applied are of one commit. When
   * the read model cannot say (its projections' thread has not named a generation yet, or a swap dropped the tables
   * under the read), the fold starts from the first event: slower, never wrong.
   */
  private plan(programId: string, limits: ReturnType<typeof limitsOf>): Plan {
    try {
      return this.planFromReadModel(programId, limits);
    } catch {
      return { base: null, next: null, projected: -1, late: [] };
    }
  }

  private planFromReadModel(programId: string, limits: ReturnType<typeof limitsOf>): Plan {
    return this.db.transaction((): Plan => {
      const t = standingsTables(this.access.tables(STANDINGS));
      const projected = this.statements.get<[string], { revision: number }>(`SELECT revision FROM ${t.programs} WHERE program_id = ?`).get(programId)?.revision ?? -1;
      if (projected < 0) return { base: null, next: null, projected, late: [] };
      const base =
        this.statements
          .get<[string, bigint, number, number], { revision: number; state: string }>(
            `SELECT revision, state FROM ${t.snapshots} WHERE program_id = ? AND position <= ? AND max_recorded_at <= ? AND max_occurred_at <= ?
             ORDER BY revision DESC LIMIT 1`,
          )
          .get(programId, limits.position, limits.recordedAt, limits.occurredAt) ?? null;
      const next =
        this.statements
          .get<[string, number], { revision: number }>(`SELECT revision FROM ${t.snapshots} WHERE program_id = ? AND revision > ? ORDER BY revision LIMIT 1`)
          .get(programId, base?.revision ?? -1)?.revision ?? null;
      if (next === null) return { base, next, projected, late: [] };
      const late = this.statements
        .get<[string, number, number, bigint, number, number], Plan['late'][number]>(
          `SELECT revision, CAST(position AS TEXT) AS position, recorded_at, occurred_at, event FROM ${t.late}
           WHERE program_id = ? AND revision > ? AND revision <= ? AND position <= ? AND recorded_at <= ? AND occurred_at <= ? ORDER BY revision`,
        )
        .all(programId, next, projected, limits.position, limits.recordedAt, limits.occurredAt);
      return { base, next, projected, late };
    })();
  }
}
