import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { EventStoreUnavailableError } from '../../src/event-store/event-store.errors.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support/temp-dir.js';
import { collect, describeEventStoreContract, event, take } from './event-store.contract.js';

// The default for a file is the writer thread (the contract's run in sqlite-event-store.spec.ts); the in-process
// writer, which ':memory:' always uses, has to keep the same contract.
describeEventStoreContract('SQLite, writing in-process', async () => {
  const dir = tempDir();
  const store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite'), writer: 'in-process' });
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});

describe('SQLite event store: the writer thread', () => {
  it('commits, before close returns, every append taken before it', async () => {
    const dir = tempDir();
    const filename = join(dir.path, 'events.sqlite');
    const store = new SqliteEventStore({ filename });
    const appends = Array.from({ length: 200 }, (_, i) => store.append(`stream-${i % 7}`, [event('Counted', { i }), event('Counted', { i, second: true })], { expectedRevision: 'any' }));
    await store.close();
    const results = await Promise.all(appends);
    const reopened = new SqliteEventStore({ filename });
    const stored = await collect(reopened.readAll());
    expect(stored).toHaveLength(400);
    expect(stored.map((e) => e.position)).toEqual(results.flatMap((result) => result.events.map((e) => e.position)).sort((a, b) => (a < b ? -1 : 1)));
    await reopened.close();
    dir.remove();
  });

  it('answers each append of a group commit on its own: one refused, one failed, the others recorded', async () => {
    const dir = tempDir();
    const store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
    const taken = event('Taken');
    await store.append('taken', [taken], { expectedRevision: 'no-stream' });
    const outcomes = await Promise.allSettled([
      store.append('a', [event('A')], { expectedRevision: 'no-stream' }),
      store.append('taken', [event('Late')], { expectedRevision: 'no-stream' }),
      store.append('b', [{ ...taken, eventId: taken.eventId }], { expectedRevision: 'no-stream' }),
      store.append('c', [event('C1'), event('C2')], { expectedRevision: 'no-stream' }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((await collect(store.readAll())).map((e) => e.type)).toEqual(['Taken', 'A', 'C1', 'C2']);
    await store.close();
    dir.remove();
  });

  it.each([
    ['after an append', [], '1'],
    ['that never wrote', ['idle'], 'idle'],
  ])('lets the process end when a store is left open, %s', async (_, args, printed) => {
    const dir = tempDir();
    const child = fileURLToPath(new URL('./writer/append-and-leave-open.ts', import.meta.url));
    const proc = spawn(process.execPath, ['--import', 'tsx', child, join(dir.path, 'events.sqlite'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    proc.stdout.on('data', (chunk) => (stdout += chunk));
    const ended = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        resolve(null);
      }, 20_000);
      proc.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    expect(ended).toBe(0);
    expect(stdout.trim()).toBe(printed);
    dir.remove();
  }, 30_000);
});

describe('SQLite event store: a read-only follower', () => {
  it.each(['thread', 'in-process'] as const)('is woken by the commits of the store that writes the file (writer: %s), and refuses appends', async (writing) => {
    const dir = tempDir();
    const filename = join(dir.path, 'events.sqlite');
    const writer = new SqliteEventStore({ filename, writer: writing });
    await writer.append('stream-a', [event('Counted', { i: 0 })], { expectedRevision: 'no-stream' });
    const follower = new SqliteEventStore({ filename, writer: 'read-only' });
    const subscription = follower.subscribe({ fromPosition: 'start' });
    // History first, then a commit made after the follower went idle: only the commit channel can wake it.
    const first = await take(subscription, 1);
    expect(first.map((e) => e.data)).toEqual([{ i: 0 }]);
    const later = take(follower.subscribe({ fromPosition: first[0]!.position }), 2, 5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writer.append('stream-a', [event('Counted', { i: 1 }), event('Counted', { i: 2 })], { expectedRevision: 0 });
    expect((await later).map((e) => e.data)).toEqual([{ i: 1 }, { i: 2 }]);
    await expect(follower.append('stream-b', [event()], { expectedRevision: 'any' })).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(await collect(writer.readAll())).toHaveLength(3);
    await follower.close();
    await writer.close();
    dir.remove();
  });
});
