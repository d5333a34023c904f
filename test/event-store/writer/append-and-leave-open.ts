/**
 * Child process of the writer tests: appends (unless told `idle`), prints the position, and ends without closing
 * the store. The process must end on its own: an idle writer thread may not keep it alive, whether or not it ever
 * wrote (an application whose start-up fails after creating its store never closes it).
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';

const store = new SqliteEventStore({ filename: process.argv[2]! });
if (process.argv[3] === 'idle') process.stdout.write('idle\n');
else {
  const result = await store.append('left-open', [{ eventId: randomUUID(), type: 'Appended', data: {} }], { expectedRevision: 'any' });
  process.stdout.write(`${result.position}\n`);
}
