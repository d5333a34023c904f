import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { EventStore, NewEvent, RecordedEvent, Subscription, SubscribeOptions } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import type { Projection, ProjectionWriter, TableSet } from '../../src/projections/engine/projection.js';
import { ProjectionRunner, type RunnerOptions } from '../../src/projections/engine/projection-runner.js';
import { openReadModelDb } from '../../src/projections/engine/read-model-db.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * A test projection that would show any lost or double-applied event: per stream, how many events it saw and the
 * sum of their revisions, kept in memory by `apply` and written by `flush` (as real projections batch their writes).
 * It refuses an event whose data says `poison: true` while `refusing` holds its stream.
 */
export function counterProjection(name = 'counter', options: { version?: number; refusing?: Set<string> } = {}): Projection {
  return {
    name,
    version: options.version ?? 1,
    createTables(db: Database, { prefix }: TableSet) {
      db.exec(`CREATE TABLE "${prefix}counts" (stream TEXT PRIMARY KEY, events INTEGER NOT NULL, revisions INTEGER NOT NULL, last_position INTEGER NOT NULL)`);
    },
    indexes({ prefix }: TableSet) {
      return [`CREATE INDEX IF NOT EXISTS "${prefix}counts_by_position" ON "${prefix}counts" (last_position)`];
    },
    openWriter(db: Database, { prefix }: TableSet): ProjectionWriter {
      const read = db.prepare(`SELECT events, revisions FROM "${prefix}counts" WHERE stream = ?`);
      const write = db.prepare(`INSERT OR REPLACE INTO "${prefix}counts" (stream, events, revisions, last_position) VALUES (?, ?, ?, ?)`);
      let pending = new Map<string, { events: number; revisions: number; last: bigint }>();
      return {
        apply(event: RecordedEvent) {
          if (event.data['poison'] === true && (options.refusing?.has(event.streamId) ?? true)) throw new Error(`refused ${event.streamId}@${event.revision}`);
          const known = pending.get(event.streamId) ?? (read.get(event.streamId) as { events: number; revisions: number } | undefined) ?? { events: 0, revisions: 0 };
          pending.set(event.streamId, { events: known.events + 1, revisions: known.revisions + event.revision, last: event.position });
        },
        flush() {
          for (const [stream, { events, revisions, last }] of pending) write.run(stream, events, revisions, last);
          pending = new Map();
        },
        discard() {
          pending = new Map();
        },
      };
    },
  };
}

/** The counter table of the generation that serves `name` now, sorted. */
export function counts(db: Database, runner: ProjectionRunner, name = 'counter'): Array<{ stream: string; events: number; revisions: number }> {
  const { prefix } = runner.tables(name);
  return db.prepare(`SELECT stream, events, revisions FROM "${prefix}counts" ORDER BY stream`).all() as Array<{ stream: string; events: number; revisions: number }>;
}

/** What the counter projection must hold for a log: computed from the events alone. */
export function expectedCounts(log: readonly RecordedEvent[]): Array<{ stream: string; events: number; revisions: number }> {
  const byStream = new Map<string, { stream: string; events: number; revisions: number }>();
  for (const event of log) {
    const entry = byStream.get(event.streamId) ?? { stream: event.streamId, events: 0, revisions: 0 };
    entry.events += 1;
    entry.revisions += event.revision;
    byStream.set(event.streamId, entry);
  }
  return [...byStream.values()].sort((a, b) => (a.stream < b.stream ? -1 : 1));
}

export function events(count: number, data: Record<string, unknown> = {}): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({ eventId: crypto.randomUUID(), type: 'Counted', data: { i, ...data } }));
}

/** Appends `total` events spread over `streams` streams, `perAppend` at a time. */
export async function appendSpread(store: EventStore, total: number, streams = 10, perAppend = 5): Promise<void> {
  for (let done = 0, k = 0; done < total; k += 1) {
    const size = Math.min(perAppend, total - done);
    await store.append(`counter-${k % streams}`, events(size), { expectedRevision: 'any' });
    done += size;
  }
}

export async function readLog(store: EventStore): Promise<RecordedEvent[]> {
  const log: RecordedEvent[] = [];
  for await (const event of store.readAll()) log.push(event);
  return log;
}

/** A SQLite event store and a read-model database in a fresh folder; `open` starts a runner over them. */
export function workspace() {
  const dir = tempDir('docket-runner-');
  const store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite'), durability: 'normal' });
  const opened: Array<{ runner: ProjectionRunner; db: Database }> = [];
  const logs: string[] = [];
  return {
    dir: dir.path,
    store,
    logs,
    open(projections: Projection[], options: RunnerOptions & { eventStore?: EventStore } = {}) {
      const db = openReadModelDb(join(dir.path, 'read-models.sqlite'));
      const runner = new ProjectionRunner(db, options.eventStore ?? store, projections, {
        logger: { log: (m) => logs.push(m), error: (m) => logs.push(m) },
        ...options,
      });
      opened.push({ runner, db });
      return { runner, db };
    },
    async close(runner: ProjectionRunner, db: Database) {
      await runner.stop();
      db.close();
    },
    async dispose() {
      for (const { runner, db } of opened) {
        await runner.stop();
        if (db.open) db.close();
      }
      await store.close();
      dir.remove();
    },
  };
}

/** Waits until a condition holds, checking after every turn of the event loop for up to `ms`. */
export async function eventually(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** An event store whose subscriptions throw from their iterator once, after `after` events, the first `times` times. */
export function failingSubscriptions(store: EventStore, after: number, times = 1): EventStore & { failures: number } {
  const wrapper = Object.create(store) as EventStore & { failures: number };
  wrapper.failures = 0;
  wrapper.subscribe = (options?: SubscribeOptions): Subscription => {
    const inner = store.subscribe(options);
    const fail = wrapper.failures < times;
    return {
      close: () => inner.close(),
      async *[Symbol.asyncIterator]() {
        let delivered = 0;
        for await (const event of inner) {
          if (fail && delivered === after) {
            wrapper.failures += 1;
            throw new Error('connection to the event store lost');
          }
          delivered += 1;
          yield event;
        }
      },
    };
  };
  return wrapper;
}

/** An event store whose subscriptions deliver one event per `ms` milliseconds: a catch-up that can be caught midway. */
export function slowSubscriptions(store: EventStore, ms: number): EventStore {
  const wrapper = Object.create(store) as EventStore;
  wrapper.subscribe = (options?: SubscribeOptions): Subscription => {
    const inner = store.subscribe(options);
    return {
      close: () => inner.close(),
      async *[Symbol.asyncIterator]() {
        for await (const event of inner) {
          await new Promise((resolve) => setTimeout(resolve, ms));
          yield event;
        }
      },
    };
  };
  return wrapper;
}
