import { copyFileSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** The embedded store's file in `DATA_DIR`. */
export const EVENTS_FILE = 'events.sqlite';

/** What a backup holds, read back from the backup file itself once written. */
export interface BackupSummary {
  file: string;
  events: number;
  /** Global position of the last event in the backup; null for an empty log. */
  headPosition: string | null;
  bytes: number;
  seconds: number;
}

/** A backup or restore that must not go ahead; the message says why. */
export class BackupRefusedError extends Error {
  override readonly name = 'BackupRefusedError';
}

/**
 * Copies the event log with SQLite's online backup while the server goes on writing it: a connection of its own
 * reads the file (WAL: the writer is never blocked), pages are copied in steps, and a step that finds the file changed
 * by the writer starts the copy again; after the first step the rest is copied in one, so a busy log cannot keep
 * the copy restarting. The copy is a consistent snapshot: every append committed when its last step began, nothing
 * half-written. It goes to `<target>.partial` and is renamed once checked, so a backup file is always complete.
 */
export async function backupEventLog(dataDir: string, target: string, progress?: (copied: number, total: number) => void): Promise<BackupSummary> {
  const source = join(dataDir, EVENTS_FILE);
  if (!existsSync(source)) throw new BackupRefusedError(`there is no event log to back up at ${source}`);
  if (existsSync(target)) throw new BackupRefusedError(`${target} exists already; a backup never overwrites a file`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const started = performance.now();
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        progress?.(totalPages - remainingPages, totalPages);
        return Math.max(remainingPages, 100);
      },
    });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
  const summary = checkLogFile(partial);
  renameSync(partial, target);
  return { file: target, ...summary, bytes: statSync(target).size, seconds: (performance.now() - started) / 1000 };
}

/**
 * Puts a backup in place as the event log of an empty `DATA_DIR` (a folder holding anything is refused: restoring
 * over a live log would lose what it holds that the backup does not). The backup is checked first (SQLite's
 * integrity check, Docket's events table). Read models, snapshots and the rest are derived: the server rebuilds them
 * from the log when it starts.
 */
export function restoreEventLog(backup: string, dataDir: string): Omit<BackupSummary, 'seconds'> {
  if (!existsSync(backup)) throw new BackupRefusedError(`there is no backup at ${backup}`);
  const present = existsSync(dataDir) ? readdirSync(dataDir) : [];
  if (present.length > 0) {
    throw new BackupRefusedError(`DATA_DIR ${dataDir} is not empty (${present.slice(0, 5).join(', ')}${present.length > 5 ? ', ...' : ''}); restore only into an empty folder`);
  }
  const summary = checkLogFile(backup);
  const target = join(dataDir, EVENTS_FILE);
  copyFileSync(backup, `${target}.partial`);
  renameSync(`${target}.partial`, target);
  return { file: target, ...summary, bytes: statSync(target).size };
}

/** Opens a copy of the log read-only and checks it: SQLite's integrity, Docket's table, and what it holds. */
function checkLogFile(file: string): { events: number; headPosition: string | null } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupRefusedError(`${file} cannot be opened as SQLite (${(error as Error).message})`);
  }
  try {
    let integrity: unknown;
    try {
      integrity = db.pragma('integrity_check', { simple: true });
    } catch (error) {
      throw new BackupRefusedError(`${file} is not a SQLite database (${(error as Error).message})`);
    }
    if (integrity !== 'ok') throw new BackupRefusedError(`${file} fails SQLite's integrity check: ${String(integrity)}`);
    const table = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'`).get();
    if (!table) throw new BackupRefusedError(`${file} holds no Docket event log (no events table)`);
    const row = db.prepare('SELECT count(*) AS events, max(position) AS head FROM events').safeIntegers(true).get() as { events: bigint; head: bigint | null };
    return { events: Number(row.events), headPosition: row.head === null ? null : row.head.toString() };
  } finally {
    db.close();
  }
}
