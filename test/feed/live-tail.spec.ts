import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { LiveTail, type TailEntry } from '../../src/feed/live-tail.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

let counter = 0;
const event = (teamId: string) => ({
  eventId: `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
  type: 'FinalistSelected',
  data: { teamId },
  metadata: { schemaVersion: 1, occurredAt: '2026-01-15T01:00:00.000Z' },
});

/** The live tail shared by the feed's connections, on a real SQLite store. */
describe('the live tail', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteEventStore;
  let tail: LiveTail | undefined;
  const limits = { tailEntries: 1000, tailBytes: 1 << 20 };
  const revision = new Map<string, number>();
  const append = async (stream: string, teamId: string) => {
    const result = await store.append(stream, [event(teamId)], { expectedRevision: revision.has(stream) ? revision.get(stream)! : 'no-stream' });
    revision.set(stream, result.nextExpectedRevision);
    return result.position;
  };
  /** Everything the tail holds after `cursor`, walking it as a connection does. */
  const walk = (cursor: bigint) => {
    const seen: TailEntry[] = [];
    for (let next = tail!.next(cursor); next !== null && next !== 'behind'; next = tail!.next(next.position)) seen.push(next);
    return seen;
  };

  beforeEach(() => {
    dir = tempDir();
    store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
    revision.clear();
    limits.tailEntries = 1000;
  });
  afterEach(async () => {
    await tail?.close();
    await store.close();
    dir.remove();
  });

  it('covers every programme event after the head it started at, with the SSE message built once', async () => {
    await append('program-alpha', 'early');
    const head = await store.headPosition();
    tail = await LiveTail.start(store, limits, () => undefined);
    expect(tail.coveredFrom).toBe(head);
    const positions = [await append('program-alpha', 'a1'), await append('other-stream', 'x'), await append('program-beta', 'b1')];
    const seen = await until(async () => walk(head!), (entries) => entries.at(-1)?.position === positions[2]);
    expect(seen.map((e) => e.position)).toEqual([positions[0], positions[2]]);
    expect(seen[1]!.message).toMatch(/^id: \d+\nevent: FinalistSelected\ndata: \{.*"subject":"beta".*\}\n\n$/);
  });

  it('drops old entries past its limit and says a cursor before them is behind', async () => {
    tail = await LiveTail.start(store, limits, () => undefined);
    limits.tailEntries = 2;
    const positions: bigint[] = [];
    for (let i = 0; i < 6; i++) positions.push(await append('program-alpha', `t${i}`));
    await until(async () => walk(tail!.coveredFrom).at(-1)?.position, (last) => last === positions[5]);
    expect(tail.coveredFrom).toBeGreaterThan(positions[0]!);
    expect(tail.next(positions[0]!)).toBe('behind');
    expect(walk(tail.coveredFrom).map((e) => e.position)).toEqual(positions.filter((p) => p > tail!.coveredFrom));
    expect(walk(tail.coveredFrom).at(-1)?.position).toBe(positions[5]);
  });

  it('wakes a waiting connection only for an event it accepts, moving its cursor past the others', async () => {
    tail = await LiveTail.start(store, limits, () => undefined);
    const cursor = { position: tail.coveredFrom };
    let woken = false;
    const waiting = tail.waitFor(cursor, (entry) => entry.streamId === 'program-beta');
    void waiting.promise.then(() => (woken = true));
    const skipped = await append('program-alpha', 'a1');
    // The signal that the tail has seen the event: the waiting connection's cursor moved past it. Only then does
    // "not woken" mean something.
    await until(async () => cursor.position, (position) => position === skipped);
    expect(woken).toBe(false);
    const wanted = await append('program-beta', 'b1');
    await until(async () => woken, (done) => done);
    expect(tail.next(cursor.position)).toMatchObject({ position: wanted, streamId: 'program-beta' });
    expect(tail.waiting).toBe(0);
  });
});
