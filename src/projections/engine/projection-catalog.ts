import type { Database, Statement } from 'better-sqlite3';
import type { Projection, TableSet } from './projection.js';

/** Where a projection stands, as the catalog keeps it; every position round-trips as a 64-bit integer. */
export interface CatalogEntry {
  name: string;
  version: number;
  /** The generation whose tables serve reads. */
  generation: number;
  /** Last event applied to the serving generation, null before the first. */
  position: bigint | null;
  /** Events applied to the serving generation since it was created (the size of a rebuild to come). */
  applied: number;
  status: 'live' | 'failed';
  error: { position: bigint; message: string } | null;
  /**
   * True for a generation created from nothing (a new projection, or a new version of one) until it has applied the
   * log as it stood when the runner started it: until then it holds only the start of the history, and its reads wait
   * for it, then answer 503, rather than answer as if that were all. A generation a rebuild swapped in never is.
   */
  building: boolean;
  /** A rebuild in progress: its generation's tables exist and hold every event up to `position`. */
  rebuild: { generation: number; position: bigint | null; applied: number; startedAt: number } | null;
}

interface Row {
  name: string;
  version: bigint;
  generation: bigint;
  position: bigint | null;
  applied: bigint;
  status: 'live' | 'failed';
  building: bigint;
  error_position: bigint | null;
  error_message: string | null;
  rebuild_generation: bigint | null;
  rebuild_position: bigint | null;
  rebuild_applied: bigint | null;
  rebuild_started_at: bigint | null;
}

export function tableSet(name: string, generation: number): TableSet {
  return { prefix: `${name}_g${generation}_` };
}

/**
 * One row per projection in `projection_catalog`. Every write happens inside the transaction that also changes the
 * tables it describes (a batch, a rebuild chunk, a swap), so the catalog never disagrees with the read models.
 */
export class ProjectionCatalog {
  private readonly select: Statement;
  private readonly upsert: Statement;
  private readonly advance: Statement;
  private readonly advanceRebuild: Statement;

  constructor(private readonly db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS projection_catalog (
      name TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      generation INTEGER NOT NULL,
      position INTEGER,
      applied INTEGER NOT NULL DEFAULT 0,
      status TEXT NOT NULL,
      error_position INTEGER,
      error_message TEXT,
      rebuild_generation INTEGER,
      rebuild_position INTEGER,
      rebuild_applied INTEGER,
      rebuild_started_at INTEGER,
      building INTEGER NOT NULL DEFAULT 0
    ) STRICT`);
    // Catalogs written before \`building\` existed: their generations serve already.
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('projection_catalog') as string[];
    if (!columns.includes('building')) db.exec('ALTER TABLE projection_catalog ADD COLUMN building INTEGER NOT NULL DEFAULT 0');
    this.select = db.prepare('SELECT * FROM projection_catalog WHERE name = ?').safeIntegers(true);
    this.upsert = db.prepare(`INSERT OR REPLACE INTO projection_catalog
      (name, version, generation, position, applied, status, building, error_position, error_message, rebuild_generation, rebuild_position, rebuild_applied, rebuild_started_at)
      VALUES (@name, @version, @generation, @position, @applied, @status, @building, @error_position, @error_message, @rebuild_generation, @rebuild_position, @rebuild_applied, @rebuild_started_at)`);
    this.advance = db.prepare('UPDATE projection_catalog SET position = ?, applied = applied + ? WHERE name = ?');
    this.advanceRebuild = db.prepare('UPDATE projection_catalog SET rebuild_position = ?, rebuild_applied = rebuild_applied + ? WHERE name = ?');
  }

  get(name: string): CatalogEntry | null {
    const row = this.select.get(name) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  put(entry: CatalogEntry): void {
    this.upsert.run(toRow(entry));
  }

  /** The checkpoint of the serving generation, in the batch's transaction. */
  advanceTo(name: string, position: bigint, events: number): void {
    this.advance.run(position, events, name);
  }

  advanceRebuildTo(name: string, position: bigint, events: number): void {
    this.advanceRebuild.run(position, events, name);
  }

  /** The generation built from nothing has caught up with the log as it stood at its start: it serves reads now. */
  markBuilt(name: string): void {
    this.db.prepare('UPDATE projection_catalog SET building = 0 WHERE name = ?').run(name);
  }

  /** Halts the projection at a refused event; only the status columns change, so a running rebuild's stay. */
  markFailed(name: string, error: { position: bigint; message: string } | null): void {
    this.db
      .prepare('UPDATE projection_catalog SET status = ?, error_position = ?, error_message = ? WHERE name = ?')
      .run(error ? 'failed' : 'live', error?.position ?? null, error?.message ?? null, name);
  }

  /**
   * Brings the catalog in line with the projection's code: a projection that is new, or whose version changed, gets
   * a fresh generation (the old tables, of another shape, are dropped). Returns the entry to run from.
   */
  reconcile(projection: Projection): CatalogEntry {
    return this.db.transaction(() => {
      const existing = this.get(projection.name);
      if (existing && existing.version === projection.version) {
        this.dropStrayGenerations(projection.name, [existing.generation, existing.rebuild?.generation]);
        return existing;
      }
      if (existing) {
        this.dropGeneration(projection.name, existing.generation);
        if (existing.rebuild) this.dropGeneration(projection.name, existing.rebuild.generation);
      }
      const generation = existing ? Math.max(existing.generation, existing.rebuild?.generation ?? 0) + 1 : 1;
      // A fresh generation is built from nothing: loaded bare, as a rebuild's is, it gets its secondary indexes once
      // the build is complete (see the runner), before it serves a read.
      projection.createTables(this.db, tableSet(projection.name, generation));
      const entry: CatalogEntry = { name: projection.name, version: projection.version, generation, position: null, applied: 0, status: 'live', error: null, building: true, rebuild: null };
      this.put(entry);
      return entry;
    })();
  }

  /**
   * Drops the tables of every generation of `name` but those kept: a generation that a swap retired is dropped only
   * once its readers have moved on, and a process that stopped before that leaves it behind.
   */
  private dropStrayGenerations(name: string, keep: ReadonlyArray<number | undefined>): void {
    const prefix = `${name}_g`;
    const generations = new Set<number>();
    for (const table of this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?").pluck().all(prefix.length, prefix) as string[]) {
      const generation = /^(\d+)_/.exec(table.slice(prefix.length))?.[1];
      if (generation !== undefined) generations.add(Number(generation));
    }
    for (const generation of generations) if (!keep.includes(generation)) this.dropGeneration(name, generation);
  }

  /** Drops every table of one generation (their indexes go with them). */
  dropGeneration(name: string, generation: number): void {
    const prefix = tableSet(name, generation).prefix;
    const tables = this.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?")
      .pluck()
      .all(prefix.length, prefix) as string[];
    for (const table of tables) this.db.exec(`DROP TABLE IF EXISTS "${table.replaceAll('"', '""')}"`);
  }
}

function fromRow(row: Row): CatalogEntry {
  return {
    name: row.name,
    version: Number(row.version),
    generation: Number(row.generation),
    position: row.position,
    applied: Number(row.applied),
    status: row.status,
    building: row.building !== 0n,
    error: row.error_position !== null ? { position: row.error_position, message: row.error_message ?? '' } : null,
    rebuild:
      row.rebuild_generation !== null
        ? { generation: Number(row.rebuild_generation), position: row.rebuild_position, applied: Number(row.rebuild_applied ?? 0n), startedAt: Number(row.rebuild_started_at ?? 0n) }
        : null,
  };
}

function toRow(entry: CatalogEntry): Record<string, unknown> {
  return {
    name: entry.name,
    version: entry.version,
    generation: entry.generation,
    position: entry.position,
    applied: entry.applied,
    status: entry.status,
    building: entry.building ? 1 : 0,
    error_position: entry.error?.position ?? null,
    error_message: entry.error?.message ?? null,
    rebuild_generation: entry.rebuild?.generation ?? null,
    rebuild_position: entry.rebuild?.position ?? null,
    rebuild_applied: entry.rebuild?.applied ?? null,
    rebuild_started_at: entry.rebuild?.startedAt ?? null,
  };
}
