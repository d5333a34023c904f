import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { EventStoreInputError } from '../../src/event-store/event-store.errors.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support/temp-dir.js';
import { collect, describeEventStoreContract, event } from './event-store.contract.js';

describeEventStoreContract('SQLite', async () => {
  const dir = tempDir();
  const store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});

describe('SQLite event store specifics', () => {
  it('keeps events across a reopen of the file, and continues positions after them', async () => {
    const dir = tempDir();
    const filename = join(dir.path, 'events.sqlite');
    const first = new SqliteEventStore({ filename });
    const { position } = await first.append('s', [event(), event()], { expectedRevision: 'no-stream' });
    await first.close();
    const second = new SqliteEventStore({ filename });
    expect(await collect(second.readStream('s'))).toHaveLength(2);
    const next = await second.append('s', [event()], { expectedRevision: 1 });
    expect(next.position > position).toBe(true);
    await second.close();
    dir.remove();
  });

  it('runs in WAL mode with the chosen durability', async () => {
    const dir = tempDir();
    const filename = join(dir.path, 'events.sqlite');
    const store = new SqliteEventStore({ filename });
    await store.append('s', [event()], { expectedRevision: 'any' });
    const db = new Database(filename, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await store.close();
    dir.remove();
  });

  it('refuses an event id that is already recorded elsewhere in the log (the database enforces uniqueness)', async () => {
    const dir = tempDir();
    const store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
    const once = event('Once');
    await store.append('a', [once], { expectedRevision: 'no-stream' });
    await expect(store.append('b', [event(), once], { expectedRevision: 'no-stream' })).rejects.toBeInstanceOf(EventStoreInputError);
    await expect(store.append('a', [once], { expectedRevision: 0 })).rejects.toBeInstanceOf(EventStoreInputError);
    expect(await collect(store.readAll())).toHaveLength(1);
    await store.close();
    dir.remove();
  });

  it('commits concurrent appends together, and one that fails half-way leaves nothing of itself and spoils none of the others', async () => {
    const dir = tempDir();
    const store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
    const once = event('Once');
    await store.append('a', [once], { expectedRevision: 'no-stream' });
    const [before, failing, after] = await Promise.allSettled([
      store.append('b', [event('B1'), event('B2')], { expectedRevision: 'no-stream' }),
      store.append('c', [event('C1'), once], { expectedRevision: 'no-stream' }),
      store.append('d', [event('D1')], { expectedRevision: 'no-stream' }),
    ]);
    expect(before.status).toBe('fulfilled');
    expect(failing).toMatchObject({ status: 'rejected', reason: expect.any(EventStoreInputError) });
    expect(after.status).toBe('fulfilled');
    expect((await collect(store.readAll())).map((e) => e.type)).toEqual(['Once', 'B1', 'B2', 'D1']);
    await store.close();
    dir.remove();
  });

  it('ends open subscriptions when the store closes', async () => {
    const dir = tempDir();
    const store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
    await store.append('s', [event()], { expectedRevision: 'any' });
    const iterator = store.subscribe()[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const waiting = iterator.next();
    await store.close();
    expect((await waiting).done).toBe(true);
    dir.remove();
  });
});
