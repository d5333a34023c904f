import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { ProjectionRunner } from '../../src/projections/engine/projection-runner.js';
import { openReadModelDb } from '../../src/projections/engine/read-model-db.js';
import { tempDir } from '../support/temp-dir.js';
import { appendSpread, counterProjection, counts, expectedCounts, readLog } from './runner-fixtures.js';

const child = fileURLToPath(new URL('./child/project-until-killed.ts', import.meta.url));

/** Runs the child until it has worked for `ms` after saying it is ready, then SIGKILLs it without warning. */
async function projectThenKill(dir: string, mode: 'live' | 'rebuild', ms: number): Promise<void> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
  for await (const line of createInterface({ input: proc.stdout })) {
    if (line === 'ready') {
      setTimeout(() => proc.kill('SIGKILL'), ms);
      break;
    }
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`the child ended on its own (${signal}): ${stderr}`);
}

describe('projection runner: a SIGKILL at any moment neither loses nor double-applies an event', () => {
  it('converges, after several kills mid-projection and mid-rebuild, to the state of a fresh rebuild', async () => {
    const dir = tempDir('docket-projection-crash-');
    const seed = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite'), durability: 'normal' });
    await appendSpread(seed, 4000, 13, 4);
    await seed.close();

    // Kills land at random moments: while catching up, while following live appends, in the middle of rebuilds.
    const plan: Array<['live' | 'rebuild', number]> = [['live', 40], ['live', 150], ['rebuild', 60], ['rebuild', 200], ['live', 90], ['rebuild', 120]];
    for (const [mode, base] of plan) await projectThenKill(dir.path, mode, base + Math.floor(Math.random() * 100));

    const store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
    const db = openReadModelDb(join(dir.path, 'read-models.sqlite'));
    const runner = new ProjectionRunner(db, store, [counterProjection()], { logger: { log: () => undefined, error: () => undefined } });
    try {
      runner.start();
      const head = (await store.headPosition())!;
      await runner.waitForPosition('counter', head, 20_000);
      // A rebuild left unfinished by the last kill resumes and completes.
      while ((await runner.status('counter')).status === 'rebuilding') await new Promise((resolve) => setTimeout(resolve, 20));
      const recovered = counts(db, runner);
      const log = await readLog(store);
      expect(log.length).toBeGreaterThan(4000);
      expect(recovered).toEqual(expectedCounts(log));

      const fresh = runner.rebuild('counter');
      await fresh.done;
      expect(fresh.outcome).toBe('swapped');
      expect(counts(db, runner)).toEqual(recovered);
    } finally {
      await runner.stop();
      db.close();
      await store.close();
      dir.remove();
    }
  }, 90_000);
});
