import { join } from 'node:path';
import Database from 'better-sqlite3';

export const READ_MODEL_FILE = 'read-models.sqlite';

/**
 * Opens the read models' database. `synchronous = NORMAL` is enough here: a read model is derived data whose
 * checkpoint commits with it, so a commit lost on power loss is simply projected again from the event store.
 */
export function openReadModelDb(filename: string): Database.Database {
  const db = new Database(filename);
  // Only a new file takes it (a WAL database keeps the page size it was made with). A standings document or an audit
  // row's data is a few KiB: with 4 KiB pages each spilled into overflow pages, and rebuilds were ~15% slower.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

export function readModelPath(dataDir: string): string {
  return join(dataDir, READ_MODEL_FILE);
}
