import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { READ_MODEL_ACCESS, READ_MODEL_DB, type ReadModelAccess } from '../engine/projection.js';
import { StatementCache } from '../engine/statement-cache.js';
import { AUDIT, AUDIT_ITEM_SQL, type AuditTables, auditTables } from './audit.projection.js';

/** A page request on the audit history; every filter is optional, and they combine with AND. */
export interface AuditFilter {
  programId?: string;
  /** Exclusive cursor. */
  after?: bigint;
  types?: readonly string[];
  teamId?: string;
  actor?: string;
  /** Inclusive bounds of recordedAt. */
  recordedFrom?: Date;
  recordedTo?: Date;
  /** Inclusive upper bound of position (an export stops at the head it started from). */
  upTo?: bigint;
}

export interface AuditPage {
  /** The audit items, as JSON text. */
  items: string[];
  /** The position of the last item when more may follow, else null. */
  next: string | null;
}

/** One walk in position order: the filter, narrowed to a range of positions, maybe to regressed events only. */
interface Walk extends AuditFilter {
  regressedOnly?: boolean;
}

/**
 * Keyset paging on position. Every filter walks an index in position order from the cursor and stops after
 * `limit` items, however long the history is: the programme's or team's index when one is given, else the type or
 * actor index; a recorded-time range is first turned into a range of positions (see the projection). Several types
 * across all programmes are one walk per type, merged.
 */
@Injectable()
export class AuditQueries {
  private readonly statements: StatementCache;

  constructor(
    @Inject(READ_MODEL_DB) db: Database,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {
    this.statements = new StatementCache(db);
  }

  programExists(programId: string): boolean {
    const { events } = auditTables(this.access.tables(AUDIT));
    return this.statements.get<[string]>(`SELECT 1 FROM ${events} WHERE program_id = ? LIMIT 1`).get(programId) !== undefined;
  }

  page(filter: AuditFilter, limit: number): AuditPage {
    const tables = auditTables(this.access.tables(AUDIT));
    const walks = this.walksOf(tables, filter);
    const rows = walks.length === 1 ? this.walk(tables, walks[0]!, limit + 1) : merged(walks.map((w) => this.walk(tables, w, limit + 1)), limit + 1);
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    return { items, next: more ? positionOf(items.at(-1)!) : null };
  }

  /** The position of the last event of the history now, the bound of an export that started now. */
  headPosition(): bigint | null {
    const { events } = auditTables(this.access.tables(AUDIT));
    return this.statements.get<[], bigint | null>(`SELECT MAX(position) FROM ${events}`).pluck().safeIntegers(true).get() ?? null;
  }

  /**
   * `recorded_max` only grows with position, so the events recorded at or after `from` all lie at or after the first
   * position whose `recorded_max` reaches it, and those recorded at or before `to` at or before the last position
   * whose `recorded_max` is within it, but for regressed events, which a second walk over their own index finds.
   */
  private walksOf({ events }: AuditTables, filter: AuditFilter): Walk[] {
    if (filter.recordedFrom === undefined && filter.recordedTo === undefined) return [filter];
    let after = filter.after;
    if (filter.recordedFrom !== undefined) {
      const first = this.statements
        .get<[string], bigint>(`SELECT position FROM ${events} WHERE recorded_max >= ? ORDER BY recorded_max, position LIMIT 1`)
        .pluck()
        .safeIntegers(true)
        .get(filter.recordedFrom.toISOString());
      if (first === undefined) return [];
      after = maxOf(after, first - 1n);
    }
    if (filter.recordedTo === undefined) return [{ ...filter, ...(after === undefined ? {} : { after }) }];
    const last = this.statements
      .get<[string], bigint>(`SELECT position FROM ${events} WHERE recorded_max <= ? ORDER BY recorded_max DESC, position DESC LIMIT 1`)
      .pluck()
      .safeIntegers(true)
      .get(filter.recordedTo.toISOString());
    const regressed: Walk = { ...filter, regressedOnly: true, ...(maxOf(after, last) === undefined ? {} : { after: maxOf(after, last)! }) };
    if (last === undefined) return [regressed];
    const upTo = filter.upTo === undefined || last < filter.upTo ? last : filter.upTo;
    return [{ ...filter, ...(after === undefined ? {} : { after }), upTo }, regressed];
  }

  /** Several types across all programmes: one walk of the type index each, merged (an IN would sort them all first). */
  private walk(tables: AuditTables, walk: Walk, limit: number): string[] {
    const types = [...new Set(walk.types ?? [])];
    if (types.length > 1 && walk.programId === undefined && walk.teamId === undefined && !walk.regressedOnly) {
      return merged(types.map((type) => this.query(tables, { ...walk, types: [type] }, limit)), limit);
    }
    return this.query(tables, walk, limit);
  }

  private query({ events, eventTeams }: AuditTables, walk: Walk, limit: number): string[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: string, ...values: unknown[]) => {
      where.push(condition);
      params.push(...values);
    };
    const byTeam = walk.teamId !== undefined;
    // The index that leads: the team's, the programme's, or the regressed events'. A unary `+` keeps SQLite from
    // walking the type or actor index of every programme instead.
    const scoped = byTeam || walk.programId !== undefined || walk.regressedOnly ? '+' : '';
    const position = byTeam ? 't.position' : 'e.position';
    if (byTeam) add('t.team_id = ?', walk.teamId);
    if (byTeam && walk.programId !== undefined) add('t.program_id = ?', walk.programId);
    if (!byTeam && walk.programId !== undefined) add('e.program_id = ?', walk.programId);
    if (walk.regressedOnly) add('e.regressed = 1');
    if (walk.after !== undefined) add(`${position} > ?`, walk.after);
    if (walk.upTo !== undefined) add(`${position} <= ?`, walk.upTo);
    if (walk.types !== undefined && walk.types.length > 0) add(`${scoped}e.type IN (${walk.types.map(() => '?').join(', ')})`, ...walk.types);
    if (walk.actor !== undefined) add(`${scoped}e.actor_id = ?`, walk.actor);
    // The range of positions did the narrowing: the times are checked on the rows walked, except among regressed
    // events, whose own index is by time.
    const time = walk.regressedOnly ? '' : '+';
    if (walk.recordedFrom !== undefined) add(`${time}e.recorded_at >= ?`, walk.recordedFrom.toISOString());
    if (walk.recordedTo !== undefined) add(`${time}e.recorded_at <= ?`, walk.recordedTo.toISOString());
    const from = byTeam ? `${eventTeams} t JOIN ${events} e ON e.position = t.position` : `${events} e`;
    const condition = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    params.push(limit);
    return this.statements
      .get<unknown[], string>(`SELECT ${AUDIT_ITEM_SQL} FROM ${from} ${condition} ORDER BY ${position} LIMIT ?`)
      .pluck()
      .all(...params);
  }
}

function maxOf(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

/** The first `limit` items of lists that are each in position order. */
function merged(lists: string[][], limit: number): string[] {
  return lists
    .flat()
    .map((item) => ({ item, position: BigInt(positionOf(item)) }))
    .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
    .slice(0, limit)
    .map(({ item }) => item);
}

/** Items are built with their position first, so it is read without parsing the whole item. */
function positionOf(item: string): string {
  const match = /^\{"position":"([0-9]+)"/.exec(item);
  if (!match) throw new Error('An audit item does not start with its position');
  return match[1]!;
}
