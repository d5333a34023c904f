import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { JsonObject } from '../../common/json.js';
import { type AuditActor, auditMetadataOf, programRecordOf, teamsNamedBy } from '../common/program-event.js';
import { IsoTimes } from '../common/iso-times.js';
import type { Projection, ProjectionWriter, TableSet } from '../engine/projection.js';

export const TIMELINE = 'timeline';

/** One entry of a team's timeline as API.md serves it. */
export interface TimelineEntry {
  position: string;
  type: string;
  occurredAt: string | null;
  recordedAt: string;
  actor: AuditActor;
  reason: string | null;
  data: JsonObject;
}

/** A timeline entry of a row of `entries`, built by SQLite (a rebuild writes plain columns, see the audit). */
export const TIMELINE_ENTRY_SQL = `json_object(
  'position', CAST(position AS TEXT), 'type', type, 'occurredAt', occurred_at, 'recordedAt', recorded_at,
  'actor', json_object('id', actor_id, 'role', actor_role), 'reason', reason, 'data', json(data))`;

export interface TimelineTables {
  programs: string;
  entries: string;
}

export function timelineTables(tables: TableSet): TimelineTables {
  return { programs: `${tables.prefix}programs`, entries: `${tables.prefix}entries` };
}

/**
 * Per team, every event that names it (its `teamId`, or a list: a round's results, a wild-card's admitted teams,
 * the winners), in position order. `programs` lets a timeline tell an unknown programme from an unknown team without
 * asking another projection, which may be at another position.
 *
 * Entries are appended in log order to a rowid table, and only the small (programme, team, position) index is
 * written at scattered places: clustering the entries themselves by team made a rebuild of an interleaved log
 * about half as fast, for the page splits and the dirty pages of every commit.
 */
export const timelineProjection: Projection = {
  name: TIMELINE,
  version: 1,
  createTables(db: Database, tables: TableSet): void {
    const { programs, entries } = timelineTables(tables);
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${programs} (program_id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${entries} (
        id INTEGER PRIMARY KEY,
        program_id TEXT NOT NULL,
        team_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        type TEXT NOT NULL,
        occurred_at TEXT,
        recorded_at TEXT NOT NULL,
        actor_id TEXT,
        actor_role TEXT,
        reason TEXT,
        data TEXT NOT NULL
      );
    `);
  },
  indexes(tables: TableSet): readonly string[] {
    // Built after a rebuild's bulk load: entries are then appended in log order with no index to keep.
    return [`CREATE UNIQUE INDEX IF NOT EXISTS ${tables.prefix}entries_by_team ON ${timelineTables(tables).entries} (program_id, team_id, position)`];
  },
  openWriter(db: Database, tables: TableSet): ProjectionWriter {
    return new TimelineWriter(db, timelineTables(tables));
  },
};

class TimelineWriter implements ProjectionWriter {
  private readonly times = new IsoTimes();
  private readonly insertProgram: Statement<[string]>;
  private readonly insertEntry: Statement<
    [string, string, bigint, string, string | null, string, string | null, string | null, string | null, string]
  >;

  constructor(db: Database, tables: TimelineTables) {
    this.insertProgram = db.prepare(`INSERT OR IGNORE INTO ${tables.programs} (program_id) VALUES (?)`);
    this.insertEntry = db.prepare(
      `INSERT OR IGNORE INTO ${tables.entries} (program_id, team_id, position, type, occurred_at, recorded_at, actor_id, actor_role, reason, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  apply(event: RecordedEvent): void {
    const record = programRecordOf(event);
    if (record === null) return;
    if (record.event.type === 'ProgramLaunched') this.insertProgram.run(record.programId);
    const teams = teamsNamedBy(record.event);
    if (teams.length === 0) return;
    const { actor, reason, occurredAt, recordedAt } = auditMetadataOf(event, this.times);
    const data = JSON.stringify(event.data);
    for (const teamId of teams) {
      this.insertEntry.run(record.programId, teamId, event.position, event.type, occurredAt, recordedAt, actor.id, actor.role, reason, data);
    }
  }

  flush(): void {}

  discard(): void {}
}
