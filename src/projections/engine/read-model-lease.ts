import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database, Statement } from 'better-sqlite3';

/** How often the holder renews its lease, and how long an unrenewed lease is still honoured. */
export const LEASE_RENEW_MS = 5_000;
export const LEASE_EXPIRY_MS = 20_000;

/** Who holds the read models: a server, or the CLI rebuilding offline. */
export interface LeaseHolder {
  role: 'server' | 'cli';
  host: string;
  pid: number;
}

interface LeaseRow {
  role: 'server' | 'cli';
  host: string;
  pid: number;
  renewed_at: number;
}

/** The read models are held by another live process; nothing was written. */
export class ReadModelsHeldError extends Error {
  override readonly name = 'ReadModelsHeldError';

  constructor(
    readonly holder: LeaseHolder & { renewedAt: number },
    asker: LeaseHolder['role'],
  ) {
    const who = holder.role === 'server' ? 'a Docket server' : 'an offline CLI command';
    const advice =
      holder.role === 'cli'
        ? 'wait for it to finish, or stop it first'
        : asker === 'cli'
          ? 'work through that server (drop --offline), or stop it first'
          : 'stop it first, or give this server a DATA_DIR of its own';
    super(`the read models in this DATA_DIR are held by ${who} (pid ${holder.pid} on ${holder.host}, last seen ${new Date(holder.renewedAt).toISOString()}); ${advice}`);
  }
}

export interface LeaseEnvironment {
  now(): number;
  host: string;
  pid: number;
  /** Whether a process of this host still runs. */
  alive(pid: number): boolean;
}

const LOCAL: LeaseEnvironment = {
  now: () => Date.now(),
  host: hostname(),
  pid: process.pid,
  alive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/**
 * One process writes the read models at a time. A second writer would reconcile and swap table generations under
 * the first (an offline rebuild would drop the tables a running server reads from), so the server and the CLI's
 * offline commands take this lease, a row in the read-model database, before they write anything, and the server
 * renews it while it runs. A holder that vanished without releasing it is recognised on its own host at once (its
 * process is gone, or it is this very process restarted, as PID 1 of a container is); from another host sharing the
 * folder, once the lease has gone `LEASE_EXPIRY_MS` without renewal.
 */
export class ReadModelLease {
  private readonly select: Statement<[], LeaseRow>;
  private readonly write: Statement<[string, string, string, number, number]>;
  private readonly renewStatement: Statement<[number, string]>;
  private readonly remove: Statement<[string]>;
  /**
   * Which taking of the lease this is. Renewing and releasing go by it, not by host and pid: an older holder in the
   * same process (an app closed after a newer one opened on the same folder, as tests do) leaves the newer one's alone.
   */
  private readonly token = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private held = false;
  private lost = false;
  private readonly lostListeners: Array<(holder: LeaseHolder | null) => void> = [];

  constructor(
    private readonly db: Database,
    private readonly role: LeaseHolder['role'],
    private readonly env: LeaseEnvironment = LOCAL,
    /** Told, at each renewal, that another process took the lease over (this one was not heard from in time). */
    onLost: (holder: LeaseHolder | null) => void = () => undefined,
  ) {
    this.lostListeners.push(onLost);
    db.exec(`CREATE TABLE IF NOT EXISTS read_model_lease (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      token TEXT NOT NULL,
      role TEXT NOT NULL,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      renewed_at INTEGER NOT NULL
    )`);
    this.select = db.prepare(`SELECT role, host, pid, renewed_at FROM read_model_lease WHERE id = 1`) as Statement<[], LeaseRow>;
    this.write = db.prepare(`INSERT OR REPLACE INTO read_model_lease (id, token, role, host, pid, renewed_at) VALUES (1, ?, ?, ?, ?, ?)`);
    this.renewStatement = db.prepare(`UPDATE read_model_lease SET renewed_at = ? WHERE token = ?`);
    this.remove = db.prepare(`DELETE FROM read_model_lease WHERE token = ?`);
  }

  /** Takes the lease, or throws `ReadModelsHeldError` when another live process holds it. `renew` keeps it fresh. */
  acquire(options: { renew: boolean }): void {
    this.db.transaction(() => {
      const row = this.select.get();
      if (row && !this.stale(row)) throw new ReadModelsHeldError({ role: row.role, host: row.host, pid: row.pid, renewedAt: row.renewed_at }, this.role);
      this.write.run(this.token, this.role, this.env.host, this.env.pid, this.env.now());
    }).immediate();
    this.held = true;
    if (options.renew) {
      this.timer = setInterval(() => this.renew(), LEASE_RENEW_MS);
      this.timer.unref();
    }
  }

  /** Whether this process holds the lease (false once it found it lost, or released it). */
  get isHeld(): boolean {
    return this.held && !this.lost;
  }

  /** Also tells `listener` when the lease turns out lost (see `onLost`). */
  whenLost(listener: (holder: LeaseHolder | null) => void): void {
    this.lostListeners.push(listener);
  }

  /**
   * Marks the lease fresh; a lease another process took over meanwhile is left to it, and `onLost` is told. The
   * server renews from its HTTP thread while its projections' thread writes the same file: a renewal never waits
   * for the write lock (it would block the event loop for as long as an index build holds it, and throw from a timer
   * after 5 s). Found busy, it is left to the next renewal; a lease lasts several renewal periods.
   */
  renew(): void {
    if (!this.held || !this.db.open) return;
    let renewed: boolean;
    const wait = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma('busy_timeout = 0');
    try {
      renewed = this.renewStatement.run(this.env.now(), this.token).changes > 0;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return;
      throw error;
    } finally {
      this.db.pragma(`busy_timeout = ${wait}`);
    }
    if (renewed) return;
    this.lost = true;
    const row = this.select.get();
    const holder = row ? { role: row.role, host: row.host, pid: row.pid } : null;
    for (const listener of this.lostListeners) listener(holder);
  }

  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.held && this.db.open) this.remove.run(this.token);
    this.held = false;
  }

  private stale(row: LeaseRow): boolean {
    if (this.env.now() - row.renewed_at > LEASE_EXPIRY_MS) return true;
    if (row.host !== this.env.host) return false;
    return row.pid === this.env.pid || !this.env.alive(row.pid);
  }
}
