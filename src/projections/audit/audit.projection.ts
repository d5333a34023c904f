import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { JsonObject } from '../../common/json.js';
import { type AuditMetadata, auditMetadataOf, programRecordOf, teamsNamedBy } from '../common/program-event.js';
import { IsoTimes } from '../common/iso-times.js';
import type { Projection, ProjectionWriter, TableSet } from '../engine/projection.js';

export const AUDIT = 'audit';

/** One audit item as API.md serves it. */
export interface AuditItem {
  position: string;
  programId: string;
  revision: number;
  eventId: string;
  type: string;
  data: JsonObject;
  metadata: AuditMetadata;
}

export interface AuditTables {
  events: string;
  eventTeams: string;
}

export function auditTables(tables: TableSet): AuditTables {
  return { events: `${tables.prefix}events`, eventTeams: `${tables.prefix}event_teams` };
}

/**
 * The audit item of a row of `events` (aliased `e`), built by SQLite: a rebuild then writes plain columns instead of
 * serialising every item in JavaScript, which was most of its cost. Positions leave as text, exact to 64 bits.
 */
export const AUDIT_ITEM_SQL = `json_object(
  'position', CAST(e.position AS TEXT), 'programId', e.program_id, 'revision', e.revision, 'eventId', e.event_id,
  'type', e.type, 'data', json(e.data),
  'metadata', json_object(
    'actor', json_object('id', e.actor_id, 'role', e.actor_role), 'reason', e.reason, 'legalBasis', e.legal_basis,
    'commandId', e.command_id, 'correlationId', e.correlation_id, 'causationId', e.causation_id,
    'idempotencyKey', e.idempotency_key, 'occurredAt', e.occurred_at, 'recordedAt', e.recorded_at))`;

/**
 * Every programme event with its metadata, keyed by position (keyset paging), with an index per filter that ends in
 * position, so a page is a walk from the cursor however long the history is. `event_teams` lists the teams each
 * event names (the same rule as the timeline), indexed by team then position, so the team filter is a walk too.
 *
 * A rebuild loads the tables bare and builds these indexes once at the end (see `Projection.indexes`). Rebuild and
 * live speed decide which indexes exist: an index led by the programme is written at a scattered place for
 * every event of an interleaved log, so there is one (programme, position) and no programme-and-type or
 * programme-and-actor pair; within one programme those filters walk its events. Type, actor and recorded time
 * have few distinct leading values or grow with position, so their indexes are cheap to keep.
 *
 * Recorded time: `recorded_at` is the ISO text of the store's time (always 24 characters, UTC), so it compares in
 * time order. Stores stamp it in position order, but a clock can step back, so it is not quite monotonic in
 * position. `recorded_max`, the latest time recorded up to each event, is: a time range becomes a range of positions
 * by two index lookups, and the few events stamped earlier than one before them (`regressed`) are looked up apart,
 * so a range of recorded time is exact and still a walk of one page.
 */
export const auditProjection: Projection = {
  name: AUDIT,
  // 2: `event_teams` became a rowid table with its (team, position) index built after a rebuild's bulk load.
  version: 2,
  createTables(db: Database, tables: TableSet): void {
    const { events, eventTeams } = auditTables(tables);
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${events} (
        position INTEGER PRIMARY KEY,
        program_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        actor_id TEXT,
        actor_role TEXT,
        reason TEXT,
        legal_basis TEXT,
        command_id TEXT,
        correlation_id TEXT,
        causation_id TEXT,
        idempotency_key TEXT,
        occurred_at TEXT,
        recorded_at TEXT NOT NULL,
        recorded_max TEXT NOT NULL,
        regressed INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ${eventTeams} (
        team_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        program_id TEXT NOT NULL
      );
    `);
  },
  indexes(tables: TableSet): readonly string[] {
    const { events, eventTeams } = auditTables(tables);
    const p = tables.prefix;
    return [
      `CREATE INDEX IF NOT EXISTS ${p}events_by_program ON ${events} (program_id, position)`,
      `CREATE INDEX IF NOT EXISTS ${p}events_by_type ON ${events} (type, position)`,
      `CREATE INDEX IF NOT EXISTS ${p}events_by_actor ON ${events} (actor_id, position)`,
      `CREATE INDEX IF NOT EXISTS ${p}events_by_recorded_max ON ${events} (recorded_max, position)`,
      `CREATE INDEX IF NOT EXISTS ${p}events_regressed ON ${events} (recorded_at, position) WHERE regressed = 1`,
      // Covering: a team's walk, also narrowed to one programme, never reads the table itself.
      `CREATE INDEX IF NOT EXISTS ${p}event_teams_by_team ON ${eventTeams} (team_id, position, program_id)`,
    ];
  },
  openWriter(db: Database, tables: TableSet): ProjectionWriter {
    return new AuditWriter(db, auditTables(tables));
  },
};

type Row = [
  position: bigint,
  programId: string,
  revision: number,
  eventId: string,
  type: string,
  actorId: string | null,
  actorRole: string | null,
  reason: string | null,
  legalBasis: string | null,
  commandId: string | null,
  correlationId: string | null,
  causationId: string | null,
  idempotencyKey: string | null,
  occurredAt: string | null,
  recordedAt: string,
  recordedMax: string,
  regressed: number,
  data: string,
];

/** Rows go straight to the database: they are never read back while applying, so there is nothing to keep. */
class AuditWriter implements ProjectionWriter {
  private readonly insertEvent: Statement<Row>;
  private readonly insertTeam: Statement<[string, bigint, string]>;
  private readonly lastRecordedMax: Statement<[], string>;
  private readonly times = new IsoTimes();
  /** The latest recorded time so far; undefined until read from the table (again after a rollback). */
  private recordedMax: string | null | undefined;

  constructor(db: Database, tables: AuditTables) {
    this.insertEvent = db.prepare(
      `INSERT INTO ${tables.events} (position, program_id, revision, event_id, type, actor_id, actor_role, reason, legal_basis,
         command_id, correlation_id, causation_id, idempotency_key, occurred_at, recorded_at, recorded_max, regressed, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.lastRecordedMax = db.prepare(`SELECT recorded_max FROM ${tables.events} ORDER BY position DESC LIMIT 1`).pluck() as Statement<[], string>;
    this.insertTeam = db.prepare(`INSERT INTO ${tables.eventTeams} (team_id, position, program_id) VALUES (?, ?, ?)`);
  }

  apply(event: RecordedEvent): void {
    const record = programRecordOf(event);
    if (record === null) return;
    const m = auditMetadataOf(event, this.times);
    if (this.recordedMax === undefined) this.recordedMax = this.lastRecordedMax.get() ?? null;
    const regressed = this.recordedMax !== null && m.recordedAt < this.recordedMax;
    if (!regressed) this.recordedMax = m.recordedAt;
    this.insertEvent.run(
      event.position,
      record.programId,
      event.revision,
      event.eventId,
      event.type,
      m.actor.id,
      m.actor.role,
      m.reason,
      m.legalBasis,
      m.commandId,
      m.correlationId,
      m.causationId,
      m.idempotencyKey,
      m.occurredAt,
      m.recordedAt,
      this.recordedMax!,
      regressed ? 1 : 0,
      JSON.stringify(event.data),
    );
    for (const teamId of teamsNamedBy(record.event)) this.insertTeam.run(teamId, event.position, record.programId);
  }

  flush(): void {}

  discard(): void {
    this.recordedMax = undefined;
  }
}
