import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOKENS } from '../support/http-client.js';
import { tempDir } from '../support/temp-dir.js';
import { expectHistoryIntact, FeedFollower, keyedLoad } from './fault-load.js';
import { recordSoak } from './soak-report.js';

/**
 * The embedded store under a steady keyed decision load, the service SIGKILLed at random moments and started again
 * on the same data folder: every acknowledged decision is there exactly once, nothing unacknowledged is, the read
 * models converge to a fresh rebuild, and a feed consumer resuming with Last-Event-ID misses and repeats nothing.
 * The service runs as a process of its own, compiled (as `npm start` runs it) into node_modules/.cache.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILD = `${ROOT}node_modules/.cache/docket-crash-test-dist`;
const SOAK = Boolean(process.env['DOCKET_SOAK']);
const PROGRAM = 'crash-restart';

describe('SIGKILL and restart under load (embedded store)', () => {
  const data = tempDir('docket-crash-');
  let child: ChildProcess | null = null;
  let baseUrl = '';

  beforeAll(() => {
    rmSync(BUILD, { recursive: true, force: true });
    execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}tsconfig.build.json`, '--outDir', BUILD], { cwd: ROOT, stdio: 'inherit' });
    cpSync(`${ROOT}src/console/public`, `${BUILD}/console/public`, { recursive: true });
  }, 180_000);
  afterAll(() => {
    child?.kill('SIGKILL');
    data.remove();
    rmSync(BUILD, { recursive: true, force: true });
  });

  /** Starts the service on the data folder and resolves once it listens. */
  async function start(): Promise<void> {
    const started = spawn(process.execPath, ['--max-semi-space-size=32', `${BUILD}/main.js`], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: data.path, LOG_FORMAT: 'json', LOG_LEVEL: 'info', AUTH_TOKENS_FILE: `${ROOT}config/dev-tokens.json`, CHECKPOINT_SECONDS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = started;
    baseUrl = await new Promise<string>((resolve, reject) => {
      started.once('exit', (code) => reject(new Error(`the service exited with ${code} before it listened`)));
      createInterface({ input: started.stdout! }).on('line', (line) => {
        const port = /serving on http:\/\/127\.0\.0\.1:(\d+)\//.exec(line)?.[1];
        if (port) resolve(`http://127.0.0.1:${port}`);
      });
    });
  }

  it('keeps every acknowledged decision once through SIGKILLs, and converges', async () => {
    await start();
    const load = keyedLoad(() => baseUrl, PROGRAM, { clients: 4, decisionsPerClient: SOAK ? 150 : 30, maxAttempts: 200 });
    const feed = new FeedFollower(() => baseUrl, PROGRAM, TOKENS.subscriber);
    await load.launched;
    void feed.run();
    let kills = 0;
    while (!load.done()) {
      const before = load.progress().acknowledged;
      const deadline = Date.now() + 5000;
      while (!load.done() && load.progress().acknowledged < before + 5 + Math.floor(Math.random() * 20) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      if (load.done()) break;
      const dying = child!;
      const exited = new Promise((resolve) => dying.once('exit', resolve));
      dying.kill('SIGKILL');
      await exited;
      kills += 1;
      await start();
    }
    const result = await load.finished;
    expect(result.gaveUp).toEqual([]);
    expect(kills).toBeGreaterThan(0);

    const verdict = await expectHistoryIntact(load, feed);
    recordSoak('SIGKILL and restart (embedded store)', { operations: result.requests, faults: { 'process killed': kills }, acknowledged: result.acknowledged, lost: verdict.missing.length, duplicates: verdict.duplicates.length });
  }, 600_000);
});
