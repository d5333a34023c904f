/**
 * Child process of the crash test: appends to the SQLite store as fast as it can and prints one line per
 * acknowledged append, until it is killed. stdout to a pipe is synchronous on Linux, so a printed line means the
 * append was acknowledged before anything after it happened.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';

const [filename, label] = process.argv.slice(2);
const store = new SqliteEventStore({ filename: filename! });
const revisions = new Map<string, number>();
for await (const event of store.readAll()) revisions.set(event.streamId, event.revision);

for (let append = 0; ; append++) {
  const streamId = `crash-${append % 7}`;
  const size = 1 + (append % 5);
  const events = Array.from({ length: size }, (_, index) => ({
    eventId: randomUUID(),
    type: 'CrashTested',
    data: { label: label!, append, index, size, padding: 'x'.repeat(200 * index) },
  }));
  const current = revisions.get(streamId);
  const result = await store.append(streamId, events, { expectedRevision: current ?? 'no-stream' });
  revisions.set(streamId, result.nextExpectedRevision);
  process.stdout.write(`${JSON.stringify({ streamId, eventIds: events.map((e) => e.eventId), position: result.position.toString() })}\n`);
}
