import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { programRecordOf } from '../common/program-event.js';
import type { Projection, ProjectionWriter, TableSet } from '../projection.js';
import type { StandingsDocument, StandingsState } from './standings.document.js';
import { evolveStandings } from './standings.fold.js';
import { standingsJson } from './standings.json.js';

export const STANDINGS = 'standings';

/**
 * Documents kept between `apply` and `flush`. Enough for a rebuild's batches to hit the cache; the bound keeps memory
 * flat however many programmes the log holds (a document pushed out early is written at once, in the same
 * transaction).
 */
const CACHE_SIZE = 1024;

/** One row per programme: the document the API serves, and the columns the programme list needs without parsing it. */
export function standingsTable(tables: TableSet): string {
  return `${tables.prefix}programs`;
}

export const standingsProjection: Projection = {
  name: STANDINGS,
  version: 1,
  rebuildChunk: 'large',
  createTables(db: Database, tables: TableSet): void {
    db.exec(`CREATE TABLE IF NOT EXISTS ${standingsTable(tables)} (
      program_id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      phase TEXT NOT NULL,
      revision INTEGER NOT NULL,
      position INTEGER NOT NULL,
      rounds_opened INTEGER NOT NULL,
      document TEXT NOT NULL
    )`);
  },
  indexes(): readonly string[] {
    return []; // a document is found by its programme, the primary key
  },
  openWriter(db: Database, tables: TableSet): ProjectionWriter {
    return new StandingsWriter(db, tables);
  },
};

interface Cached {
  state: StandingsState;
  dirty: boolean;
}

class StandingsWriter implements ProjectionWriter {
  private readonly load: Statement<[string], { rounds_opened: number; document: string }>;
  private readonly save: Statement<[string, string, string, number, bigint, number, string]>;
  /** In least-recently-used order: a Map iterates in insertion order, and a hit is re-inserted. */
  private readonly cache = new Map<string, Cached>();

  constructor(db: Database, tables: TableSet) {
    const table = standingsTable(tables);
    this.load = db.prepare(`SELECT rounds_opened, document FROM ${table} WHERE program_id = ?`);
    this.save = db.prepare(
      `INSERT INTO ${table} (program_id, title, phase, revision, position, rounds_opened, document) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (program_id) DO UPDATE SET title = excluded.title, phase = excluded.phase, revision = excluded.revision,
         position = excluded.position, rounds_opened = excluded.rounds_opened, document = excluded.document`,
    );
  }

  apply(event: RecordedEvent): void {
    const record = programRecordOf(event);
    if (record === null) return;
    const { programId } = record;
    const before = this.cached(programId);
    const after = evolveStandings(before?.state ?? null, { event: record.event, revision: event.revision, position: event.position });
    if (after === null) return;
    this.cache.delete(programId);
    this.cache.set(programId, { state: after, dirty: true });
    if (this.cache.size > CACHE_SIZE) this.evictOldest();
  }

  flush(): void {
    for (const [programId, entry] of this.cache) {
      if (!entry.dirty) continue;
      this.write(programId, entry.state);
      entry.dirty = false;
    }
  }

  discard(): void {
    // What was written early belongs to the rolled-back transaction too: start again from the committed rows.
    this.cache.clear();
  }

  private cached(programId: string): Cached | null {
    const hit = this.cache.get(programId);
    if (hit) return hit;
    const row = this.load.get(programId);
    return row ? { state: { roundsOpened: row.rounds_opened, standings: JSON.parse(row.document) as StandingsDocument }, dirty: false } : null;
  }

  private evictOldest(): void {
    const [programId, entry] = this.cache.entries().next().value!;
    if (entry.dirty) this.write(programId, entry.state);
    this.cache.delete(programId);
  }

  private write(programId: string, { standings, roundsOpened }: StandingsState): void {
    const { title, phase, revision, position } = standings;
    this.save.run(programId, title, phase, revision, BigInt(position), roundsOpened, standingsJson(standings));
  }
}
