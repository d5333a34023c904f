import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { occurredAtMillis, programRecordOf } from '../common/program-event.js';
import type { Projection, ProjectionWriter, TableSet } from '../engine/projection.js';
import type { TeamStanding } from './standings.document.js';
import { ProgramStandings, type StandingsHeader, type StandingsInput, type TeamSlot } from './standings.fold.js';

export const STANDINGS = 'standings';

/**
 * How many teams the writer keeps folded in memory between `apply` and `flush`, over all programmes: enough for a
 * rebuild's batches to hit the cache, bounded so that memory stays flat however many programmes and teams the log
 * holds (a programme pushed out early is written at once, in the same transaction).
 */
const CACHE_TEAMS = 500_000;

/** The tables of one generation of the standings. */
export function standingsTables(tables: TableSet) {
  return {
    /** One row per programme: its header, and the columns the programme list needs without parsing it. */
    programs: `${tables.prefix}programs`,
    /** One row per team, in order of application (`seq`): an event writes the rows of the teams it changed. */
    teams: `${tables.prefix}teams`,
    /** The programme's whole standings every so often, for time travel to fold on from. */
    snapshots: `${tables.prefix}snapshots`,
    /** The events recorded or in effect before one folded already (see `ProgramStandings.isLate`). */
    late: `${tables.prefix}late`,
  };
}

export interface StandingsSettings {
  /** A programme's standings are snapshotted every this many events, or every quarter as many events as it has teams if more. */
  snapshotEvery: number;
}

/**
 * The standings of every programme, stored per team. A snapshot is due after `max(snapshotEvery, teams / 4)` events:
 * time travel reads a snapshot (its size grows with the teams: about 1 µs a team to read back) and then at most that
 * many events (about 5 µs each to read and fold), so neither part outgrows the other; a programme's snapshots then
 * take about as much room again as its events (a team's standing is ~150 bytes, a quarter of an event's record).
 */
export function standingsProjection(settings: StandingsSettings): Projection {
  return {
    name: STANDINGS,
    version: 2,
    rebuildChunk: 'large',
    createTables(db: Database, tables: TableSet): void {
      const t = standingsTables(tables);
      db.exec(`
        CREATE TABLE IF NOT EXISTS ${t.programs} (
          program_id TEXT PRIMARY KEY,
          title TEXT NOT NULL,
          phase TEXT NOT NULL,
          revision INTEGER NOT NULL,
          position INTEGER NOT NULL,
          header TEXT NOT NULL,
          slots TEXT NOT NULL,
          snapshot_revision INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS ${t.teams} (
          program_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          team_id TEXT NOT NULL,
          status TEXT NOT NULL,
          document TEXT NOT NULL,
          PRIMARY KEY (program_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS ${t.snapshots} (
          program_id TEXT NOT NULL,
          revision INTEGER NOT NULL,
          position INTEGER NOT NULL,
          max_recorded_at INTEGER NOT NULL,
          max_occurred_at INTEGER NOT NULL,
          state TEXT NOT NULL,
          PRIMARY KEY (program_id, revision)
        );
        CREATE TABLE IF NOT EXISTS ${t.late} (
          program_id TEXT NOT NULL,
          revision INTEGER NOT NULL,
          position INTEGER NOT NULL,
          recorded_at INTEGER NOT NULL,
          occurred_at INTEGER NOT NULL,
          event TEXT NOT NULL,
          PRIMARY KEY (program_id, revision)
        ) WITHOUT ROWID;`);
    },
    indexes(tables: TableSet): readonly string[] {
      const t = standingsTables(tables);
      return [
        `CREATE UNIQUE INDEX IF NOT EXISTS ${t.teams}_by_team ON ${t.teams} (program_id, team_id)`,
        `CREATE INDEX IF NOT EXISTS ${t.teams}_by_status ON ${t.teams} (program_id, status, seq)`,
      ];
    },
    openWriter(db: Database, tables: TableSet): ProjectionWriter {
      return new StandingsWriter(db, tables, settings);
    },
  };
}

/** A programme's standings held by the writer, with what changed since they were last written. */
interface Cached {
  standings: ProgramStandings;
  /** The teams changed since the last write; the header is written with them. */
  changed: Set<TeamSlot>;
  dirty: boolean;
  snapshotRevision: number;
  /** The teams it held when it was last counted in the cache's weight. */
  weight: number;
}

class StandingsWriter implements ProjectionWriter {
  private readonly loadHeader: Statement<[string], { header: string; snapshot_revision: number }>;
  private readonly loadTeams: Statement<[string], { document: string }>;
  private readonly saveHeader: Statement<[string, string, string, number, bigint, string, string, number]>;
  private readonly insertTeam: Statement<[string, number, string, string, string]>;
  private readonly updateTeam: Statement<[string, string, number]>;
  private readonly updateTeamStatus: Statement<[string, string, string, number]>;
  /**
   * The status each team's row holds now: a row whose status did not change is updated without touching the status
   * index (SQLite rewrites the index entries of every column an UPDATE assigns, changed or not). Absent for a team
   * that has no row yet.
   */
  private readonly rowStatus = new WeakMap<TeamSlot, string>();
  private readonly saveSnapshot: Statement<[string, number, bigint, number, number, string]>;
  private readonly saveLate: Statement<[string, number, bigint, number, number, string]>;
  private readonly forget: Statement<[string]>[];
  /** In least-recently-used order: a Map iterates in insertion order, and a hit is re-inserted. */
  private readonly cache = new Map<string, Cached>();
  /** The programmes changed since the last flush: a flush walks these, not the whole cache. */
  private readonly dirty = new Map<string, Cached>();
  private cachedTeams = 0;

  constructor(
    db: Database,
    tables: TableSet,
    private readonly settings: StandingsSettings,
  ) {
    const t = standingsTables(tables);
    this.loadHeader = db.prepare(`SELECT header, snapshot_revision FROM ${t.programs} WHERE program_id = ?`);
    this.loadTeams = db.prepare(`SELECT document FROM ${t.teams} WHERE program_id = ? ORDER BY seq`);
    this.saveHeader = db.prepare(
      `INSERT INTO ${t.programs} (program_id, title, phase, revision, position, header, slots, snapshot_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (program_id) DO UPDATE SET title = excluded.title, phase = excluded.phase, revision = excluded.revision,
         position = excluded.position, header = excluded.header, slots = excluded.slots, snapshot_revision = excluded.snapshot_revision`,
    );
    this.insertTeam = db.prepare(`INSERT OR REPLACE INTO ${t.teams} (program_id, seq, team_id, status, document) VALUES (?, ?, ?, ?, ?)`);
    this.updateTeam = db.prepare(`UPDATE ${t.teams} SET document = ? WHERE program_id = ? AND seq = ?`);
    this.updateTeamStatus = db.prepare(`UPDATE ${t.teams} SET status = ?, document = ? WHERE program_id = ? AND seq = ?`);
    this.saveSnapshot = db.prepare(
      `INSERT OR REPLACE INTO ${t.snapshots} (program_id, revision, position, max_recorded_at, max_occurred_at, state) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.saveLate = db.prepare(`INSERT OR REPLACE INTO ${t.late} (program_id, revision, position, recorded_at, occurred_at, event) VALUES (?, ?, ?, ?, ?, ?)`);
    this.forget = [t.programs, t.teams, t.snapshots, t.late].map((table) => db.prepare(`DELETE FROM ${table} WHERE program_id = ?`));
  }

  apply(event: RecordedEvent): void {
    const record = programRecordOf(event);
    if (record === null) return;
    const { programId } = record;
    const input: StandingsInput = {
      event: record.event,
      revision: event.revision,
      position: event.position,
      recordedAt: event.recordedAt.getTime(),
      occurredAt: occurredAtMillis(event),
    };
    let entry = this.cached(programId);
    if (record.event.type === 'ProgramLaunched') {
      // A launch starts the standings anew (decide launches a programme once; the fold has always been total).
      if (entry) this.drop(programId);
      entry = { standings: ProgramStandings.launchedBy(input)!, changed: new Set(), dirty: true, snapshotRevision: -1, weight: 0 };
    } else {
      if (!entry) return;
      if (entry.standings.isLate(input)) {
        this.saveLate.run(programId, input.revision, input.position, input.recordedAt, input.occurredAt, JSON.stringify(record.event));
      }
      for (const slot of entry.standings.apply(input)) entry.changed.add(slot);
    }
    entry.dirty = true;
    this.dirty.set(programId, entry);
    const { standings } = entry;
    if (input.revision - entry.snapshotRevision >= Math.max(this.settings.snapshotEvery, standings.teamCount / 4)) {
      const { header } = standings;
      this.saveSnapshot.run(programId, header.revision, input.position, header.maxRecordedAt, header.maxOccurredAt, JSON.stringify(standings.snapshot()));
      entry.snapshotRevision = header.revision;
    }
    this.remember(programId, entry);
  }

  flush(): void {
    for (const [programId, entry] of this.dirty) {
      if (entry.dirty) this.write(programId, entry);
    }
    this.dirty.clear();
  }

  discard(): void {
    // What was written early belongs to the rolled-back transaction too: start again from the committed rows.
    this.cache.clear();
    this.dirty.clear();
    this.cachedTeams = 0;
  }

  private cached(programId: string): Cached | null {
    const hit = this.cache.get(programId);
    if (hit) return hit;
    const row = this.loadHeader.get(programId);
    if (!row) return null;
    const header = JSON.parse(row.header) as StandingsHeader;
    const teams = this.loadTeams.all(programId).map((team) => JSON.parse(team.document) as TeamStanding);
    const standings = ProgramStandings.restored(header, teams);
    for (const slot of standings.teams()) this.rowStatus.set(slot, slot.team.status);
    return { standings, changed: new Set(), dirty: false, snapshotRevision: row.snapshot_revision, weight: 0 };
  }

  private remember(programId: string, entry: Cached): void {
    this.uncache(programId);
    entry.weight = entry.standings.teamCount + 1;
    this.cache.set(programId, entry);
    this.cachedTeams += entry.weight;
    for (const [oldest, cached] of this.cache) {
      if (this.cachedTeams <= CACHE_TEAMS || oldest === programId) break;
      if (cached.dirty) this.write(oldest, cached);
      this.uncache(oldest);
    }
  }

  private uncache(programId: string): void {
    const cached = this.cache.get(programId);
    if (!cached) return;
    this.cachedTeams -= cached.weight;
    this.cache.delete(programId);
  }

  private drop(programId: string): void {
    for (const statement of this.forget) statement.run(programId);
    this.uncache(programId);
  }

  private write(programId: string, entry: Cached): void {
    const { standings } = entry;
    const { header } = standings;
    this.saveHeader.run(
      programId,
      header.title,
      header.phase,
      header.revision,
      BigInt(header.position),
      JSON.stringify(header),
      JSON.stringify(standings.slotUsage()),
      entry.snapshotRevision,
    );
    for (const slot of entry.changed) {
      const { team } = slot;
      const status = this.rowStatus.get(slot);
      if (status === undefined) this.insertTeam.run(programId, slot.seq, team.teamId, team.status, JSON.stringify(team));
      else if (status === team.status) this.updateTeam.run(JSON.stringify(team), programId, slot.seq);
      else this.updateTeamStatus.run(team.status, JSON.stringify(team), programId, slot.seq);
      this.rowStatus.set(slot, team.status);
    }
    entry.changed.clear();
    entry.dirty = false;
  }
}
