import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { openReadModelDb, readModelPath } from '../../src/projections/engine/read-model-db.js';
import { LEASE_EXPIRY_MS, LEASE_RENEW_MS, type LeaseEnvironment, ReadModelLease, ReadModelsHeldError } from '../../src/projections/engine/read-model-lease.js';
import { tempDir } from '../support/temp-dir.js';
import { tempReadModels } from './standings.fixtures.js';

/** A host whose clock and running processes the test sets. */
function machine(host: string, pid: number, running: Set<number>, clock: { now: number }): LeaseEnvironment {
  return { host, pid, now: () => clock.now, alive: (p) => running.has(p) };
}

describe('the read models lease', () => {
  let store: ReturnType<typeof tempReadModels>;
  const clock = { now: 1_000_000 };
  const running = new Set<number>();
  beforeEach(() => {
    store = tempReadModels();
    clock.now = 1_000_000;
    running.clear();
    running.add(100).add(200);
  });
  afterEach(() => store.close());

  it('is taken when free, and refused to a second live process of the same host until the first releases it', () => {
    const server = new ReadModelLease(store.db, 'server', machine('node-a', 100, running, clock));
    server.acquire({ renew: false });
    const cli = new ReadModelLease(store.db, 'cli', machine('node-a', 200, running, clock));
    expect(() => cli.acquire({ renew: false })).toThrow(ReadModelsHeldError);
    try {
      cli.acquire({ renew: false });
    } catch (error) {
      expect((error as Error).message).toMatch(/held by a Docket server \(pid 100 on node-a.*work through that server \(drop --offline\)/);
    }
    server.release();
    expect(() => cli.acquire({ renew: false })).not.toThrow();
    expect(() => new ReadModelLease(store.db, 'server', machine('node-a', 100, running, clock)).acquire({ renew: false })).toThrow(/held by an offline CLI command \(pid 200 on node-a.*wait for it to finish/);
  });

  it('is taken over at once from a process of this host that is gone, or from this very process before a restart', () => {
    new ReadModelLease(store.db, 'server', machine('node-a', 100, running, clock)).acquire({ renew: false });
    running.delete(100); // killed: no release
    expect(() => new ReadModelLease(store.db, 'cli', machine('node-a', 200, running, clock)).acquire({ renew: false })).not.toThrow();
    // PID 1 of a container that restarted finds its own pid in the lease it left.
    expect(() => new ReadModelLease(store.db, 'server', machine('node-a', 200, running, clock)).acquire({ renew: false })).not.toThrow();
  });

  it('is released only by the taking that holds it, even within one process', () => {
    const older = new ReadModelLease(store.db, 'server', machine('node-a', 100, running, clock));
    older.acquire({ renew: false });
    const newer = new ReadModelLease(store.db, 'server', machine('node-a', 100, running, clock));
    newer.acquire({ renew: false }); // the same process opened the folder again
    older.release();
    expect(() => new ReadModelLease(store.db, 'cli', machine('node-a', 200, running, clock)).acquire({ renew: false })).toThrow(ReadModelsHeldError);
    newer.release();
    expect(() => new ReadModelLease(store.db, 'cli', machine('node-a', 200, running, clock)).acquire({ renew: false })).not.toThrow();
  });

  it('from another host, is honoured while renewed and taken over once it has expired', () => {
    const lost: unknown[] = [];
    const server = new ReadModelLease(store.db, 'server', machine('node-a', 100, running, clock), (holder) => lost.push(holder));
    server.acquire({ renew: false });
    const elsewhere = () => new ReadModelLease(store.db, 'cli', machine('node-b', 300, running, clock)).acquire({ renew: false });
    clock.now += LEASE_EXPIRY_MS - 1;
    server.renew();
    clock.now += LEASE_EXPIRY_MS - 1;
    expect(elsewhere).toThrow(ReadModelsHeldError);
    clock.now += 2;
    expect(elsewhere).not.toThrow();
    expect(lost).toEqual([]);
    // The old holder's renewals no longer touch a lease it lost, and say so; its release leaves the new holder's alone.
    server.renew();
    expect(lost).toEqual([{ role: 'cli', host: 'node-b', pid: 300 }]);
    server.release();
    expect(() => new ReadModelLease(store.db, 'server', machine('node-a', 100, running, clock)).acquire({ renew: false })).toThrow(/pid 300 on node-b/);
  });

  it('renews itself every few seconds while held, and stops when released', () => {
    jest.useFakeTimers();
    try {
      const server = new ReadModelLease(store.db, 'server', machine('node-a', 100, running, clock));
      server.acquire({ renew: true });
      const renewedAt = () => (store.db.prepare('SELECT renewed_at FROM read_model_lease').pluck().get() as number | undefined) ?? null;
      const acquiredAt = clock.now;
      clock.now += LEASE_RENEW_MS;
      jest.advanceTimersByTime(LEASE_RENEW_MS);
      expect(renewedAt()).toBe(acquiredAt + LEASE_RENEW_MS);
      // Renewed well within the expiry, another host keeps out however long the holder runs.
      for (let i = 0; i < 10; i += 1) {
        clock.now += LEASE_RENEW_MS;
        jest.advanceTimersByTime(LEASE_RENEW_MS);
      }
      expect(() => new ReadModelLease(store.db, 'cli', machine('node-b', 300, running, clock)).acquire({ renew: false })).toThrow(ReadModelsHeldError);
      server.release();
      expect(renewedAt()).toBeNull();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('never waits for the projections\' transactions to renew: a renewal that finds the database busy is left to the next', () => {
    const data = tempDir('docket-lease-');
    try {
      const http = openReadModelDb(readModelPath(data.path));
      const writer = openReadModelDb(readModelPath(data.path));
      const lease = new ReadModelLease(http, 'server', machine('node-a', 100, running, clock));
      const lost: unknown[] = [];
      lease.whenLost((holder) => lost.push(holder));
      lease.acquire({ renew: false });
      // The projections' thread in a long transaction (an index build, a rebuild's chunk) holds the write lock.
      writer.exec('CREATE TABLE busy (x)');
      writer.exec('BEGIN IMMEDIATE');
      writer.exec('INSERT INTO busy VALUES (1)');
      clock.now += LEASE_RENEW_MS;
      const started = performance.now();
      lease.renew();
      expect(performance.now() - started).toBeLessThan(500);
      expect(lost).toEqual([]);
      writer.exec('COMMIT');
      lease.renew();
      expect(http.prepare('SELECT renewed_at FROM read_model_lease').pluck().get()).toBe(clock.now);
      expect(lost).toEqual([]);
      lease.release();
      writer.close();
      http.close();
    } finally {
      data.remove();
    }
  });

  it('keeps a server from starting while another live process holds the read models of its DATA_DIR', async () => {
    const data = tempDir('docket-lease-');
    try {
      const db = openReadModelDb(readModelPath(data.path));
      // The parent of this test process is alive and is not this process: an offline rebuild, as far as the lease knows.
      const cli = new ReadModelLease(db, 'cli', { host: hostname(), pid: process.ppid, now: () => Date.now(), alive: () => true });
      cli.acquire({ renew: false });
      await expect(createApp(loadConfig({ PORT: '0', DATA_DIR: data.path }), { logger: false })).rejects.toThrow(ReadModelsHeldError);
      cli.release();
      db.close();
      const app = await createApp(loadConfig({ PORT: '0', DATA_DIR: data.path }), { logger: false });
      await app.close();
    } finally {
      data.remove();
    }
  });

  it('refuses the start of the server process with exit 75 and one line, no stack trace', () => {
    const data = tempDir('docket-lease-');
    try {
      const db = openReadModelDb(readModelPath(data.path));
      const cli = new ReadModelLease(db, 'cli', { host: hostname(), pid: process.pid, now: () => Date.now(), alive: () => true });
      cli.acquire({ renew: false });
      // The child's parent is this test process, alive: an offline command holding the read models.
      const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
      const result = spawnSync(process.execPath, ['--import', 'tsx', main], {
        env: { ...process.env, PORT: '0', DATA_DIR: data.path, NODE_ENV: 'development' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      cli.release();
      db.close();
      expect(result.status).toBe(75);
      expect(result.stderr).toContain('Docket cannot start: the read models in this DATA_DIR are held by an offline CLI command');
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/ExceptionHandler|\n\s+at /);
    } finally {
      data.remove();
    }
  }, 40_000);
});
