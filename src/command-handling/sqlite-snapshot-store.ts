import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SnapshotStore, StoredSnapshot } from './snapshot-store.js';
import type { IdempotentOutcome } from './stream-state-cache.js';

export const SNAPSHOT_FILE = 'snapshots.sqlite';

export function snapshotPath(dataDir: string): string {
  return join(dataDir, SNAPSHOT_FILE);
}

interface KeyRow {
  fingerprint: string;
  events: string;
}

/**
 * The command side's snapshots in a SQLite file of their own in `DATA_DIR`, whichever event store holds the events.
 * Not in the event store: a snapshot in a stream of EventStoreDB would be delivered to every `$all` subscriber and
 * counted in the log's history, and a large programme's state outgrows its 1 MiB append limit; in the embedded
 * store's file it would contend with the writer thread for the one write lock. Here the HTTP thread is the only
 * writer (one server per `DATA_DIR`, which the read models' lease enforces), and a lost file is rebuilt by folding.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly db: Database.Database;
  private readonly loadStatement: Database.Statement<[string, number], { revision: number; event_id: string; position: string; state: string }>;
  private readonly saveStatement: Database.Statement<[string, number, number, string, string, string]>;
  private readonly keyStatement: Database.Statement<[string, string, string, string]>;
  private readonly findKeyStatement: Database.Statement<[string, string], KeyRow>;
  private readonly forgetSnapshot: Database.Statement<[string]>;
  private readonly forgetKeys: Database.Statement<[string]>;

  /** `filename` may be `:memory:`. */
  constructor(filename: string) {
    this.db = new Database(filename);
    // Derived data: a commit lost on power loss is folded again from the events.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS snapshots (
        stream_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        position TEXT NOT NULL,
        state TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS idempotency_keys (
        stream_id TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        events TEXT NOT NULL,
        PRIMARY KEY (stream_id, key)
      ) WITHOUT ROWID;`);
    this.loadStatement = this.db.prepare('SELECT revision, event_id, position, state FROM snapshots WHERE stream_id = ? AND version = ?');
    this.saveStatement = this.db.prepare(
      `INSERT INTO snapshots (stream_id, version, revision, event_id, position, state) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, revision = excluded.revision,
         event_id = excluded.event_id, position = excluded.position, state = excluded.state`,
    );
    this.keyStatement = this.db.prepare('INSERT OR REPLACE INTO idempotency_keys (stream_id, key, fingerprint, events) VALUES (?, ?, ?, ?)');
    this.findKeyStatement = this.db.prepare('SELECT fingerprint, events FROM idempotency_keys WHERE stream_id = ? AND key = ?');
    this.forgetSnapshot = this.db.prepare('DELETE FROM snapshots WHERE stream_id = ?');
    this.forgetKeys = this.db.prepare('DELETE FROM idempotency_keys WHERE stream_id = ?');
  }

  load(streamId: string, version: number): StoredSnapshot | null {
    const row = this.loadStatement.get(streamId, version);
    return row ? { revision: row.revision, eventId: row.event_id, position: BigInt(row.position), state: row.state } : null;
  }

  save(streamId: string, version: number, snapshot: StoredSnapshot, keys: ReadonlyMap<string, IdempotentOutcome>): void {
    this.db.transaction(() => {
      for (const [key, outcome] of keys) {
        const events = outcome.events.map((event) => ({ type: event.type, revision: event.revision, position: event.position.toString() }));
        this.keyStatement.run(streamId, key, outcome.fingerprint, JSON.stringify(events));
      }
      this.saveStatement.run(streamId, version, snapshot.revision, snapshot.eventId, snapshot.position.toString(), snapshot.state);
    })();
  }

  findKey(streamId: string, key: string): IdempotentOutcome | null {
    const row = this.findKeyStatement.get(streamId, key);
    if (!row) return null;
    const events = JSON.parse(row.events) as Array<{ type: string; revision: number; position: string }>;
    return { fingerprint: row.fingerprint, events: events.map((event) => ({ ...event, position: BigInt(event.position) })) };
  }

  forget(streamId: string): void {
    this.db.transaction(() => {
      this.forgetSnapshot.run(streamId);
      this.forgetKeys.run(streamId);
    })();
  }

  close(): void {
    this.db.close();
  }
}
