import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openReadModelDb } from '../../src/projections/engine/read-model-db.js';
import { tempDir } from '../support/temp-dir.js';

describe('the read models database', () => {
  it('is made with 4 KiB pages in WAL mode, and keeps its pages on reopening', () => {
    const dir = tempDir('docket-read-model-db-');
    try {
      const path = join(dir.path, 'read-models.sqlite');
      const db = openReadModelDb(path);
      db.exec('CREATE TABLE t (x TEXT)');
      expect(db.pragma('page_size', { simple: true })).toBe(4096);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
      const again = openReadModelDb(path);
      expect(again.pragma('page_size', { simple: true })).toBe(4096);
      again.close();
    } finally {
      dir.remove();
    }
  });

  it('opens a file made before, with 16 KiB pages, as it is', () => {
    const dir = tempDir('docket-read-model-db-');
    try {
      const path = join(dir.path, 'read-models.sqlite');
      const old = new Database(path);
      old.pragma('page_size = 16384');
      old.pragma('journal_mode = WAL');
      old.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('kept')");
      old.close();
      const db = openReadModelDb(path);
      expect(db.pragma('page_size', { simple: true })).toBe(16384);
      expect(db.prepare('SELECT x FROM t').pluck().all()).toEqual(['kept']);
      db.close();
    } finally {
      dir.remove();
    }
  });
});
