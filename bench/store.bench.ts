import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventStore, NewEvent } from '../src/event-store/event-store.port.js';
import { EventStoreDbEventStore } from '../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore, type SqliteDurability } from '../src/event-store/sqlite/sqlite-event-store.js';
import { EventStoreDbTestServer } from '../test/support/eventstoredb-test-server/eventstoredb-test-server.js';
import { tempDir } from '../test/support/temp-dir.js';
import { formatRate, measure, printTable, trackPeakMemory, type Measurement } from './measure.js';

const SINGLE_APPENDS = 5_000;
const BATCHES = 1_000;
const BATCH_SIZE = 100;
const STREAMS = 100;

const payload = () => ({
  teamId: 'lg-ai-research',
  consortiumName: 'LG AI Research consortium',
  members: ['LG AI Research', 'a university lab', 'a hardware partner'],
  score: 33.6,
});
const metadata = () => ({ actor: { id: 'kim.official', role: 'official' }, reason: 'benchmark', commandId: randomUUID(), occurredAt: new Date().toISOString() });
const newEvent = (): NewEvent => ({ eventId: randomUUID(), type: 'BenchmarkRecorded', data: payload(), metadata: metadata() });

interface Workload {
  singleAppends: number;
  batches: number;
}

/** (a) single-event appends, each its own durable commit; (b) 100-event appends; (c) reading the whole log. */
export async function benchmarkAdapter(label: string, store: EventStore, { singleAppends: SINGLE_APPENDS, batches: BATCHES }: Workload): Promise<Measurement[]> {
  const revisions = new Array<number>(STREAMS).fill(-1);
  const append = async (stream: number, events: NewEvent[]) => {
    const expected = revisions[stream]! < 0 ? 'no-stream' : revisions[stream]!;
    revisions[stream] = (await store.append(`bench-${stream}`, events, { expectedRevision: expected })).nextExpectedRevision;
  };
  const total = SINGLE_APPENDS + BATCHES * BATCH_SIZE;
  const single = await measure(`${label}: single-event appends (events/s)`, SINGLE_APPENDS, async () => {
    for (let i = 0; i < SINGLE_APPENDS; i++) await append(i % STREAMS, [newEvent()]);
  });
  const batched = await measure(`${label}: 100-event appends (events/s)`, BATCHES * BATCH_SIZE, async () => {
    for (let i = 0; i < BATCHES; i++) await append(i % STREAMS, Array.from({ length: BATCH_SIZE }, newEvent));
  });
  let read = 0;
  const readAll = await measure(`${label}: read the whole log (events/s)`, total, async () => {
    for await (const event of store.readAll()) if (event.data) read++;
  });
  if (read !== total) throw new Error(`read ${read} of ${total} events`);
  return [single, batched, readAll];
}

/** The same three workloads on bare better-sqlite3 with the same pragmas: the ceiling the adapter is held to. */
async function benchmarkRawSqlite(filename: string, durability: SqliteDurability): Promise<Measurement[]> {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
    type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at INTEGER NOT NULL, UNIQUE (stream_id, revision))`);
  const insert = db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const revisions = new Array<number>(STREAMS).fill(-1);
  const row = (stream: number) => {
    const revision = ++revisions[stream]!;
    insert.run(randomUUID(), `bench-${stream}`, revision, 'BenchmarkRecorded', JSON.stringify(payload()), JSON.stringify(metadata()), Date.now());
  };
  const batch = db.transaction((stream: number) => {
    for (let k = 0; k < BATCH_SIZE; k++) row(stream);
  });
  const single = await measure('raw better-sqlite3: single-row commits (rows/s)', SINGLE_APPENDS, () => {
    for (let i = 0; i < SINGLE_APPENDS; i++) row(i % STREAMS);
  });
  const batched = await measure('raw better-sqlite3: 100-row transactions (rows/s)', BATCHES * BATCH_SIZE, () => {
    for (let i = 0; i < BATCHES; i++) batch(i % STREAMS);
  });
  const select = db.prepare('SELECT * FROM events ORDER BY position');
  const readAll = await measure('raw better-sqlite3: read and parse all rows (rows/s)', SINGLE_APPENDS + BATCHES * BATCH_SIZE, () => {
    for (const r of select.iterate() as Iterable<{ data: string; metadata: string }>) {
      JSON.parse(r.data);
      JSON.parse(r.metadata);
    }
  });
  db.close();
  return [single, batched, readAll];
}

export async function runStoreBenchmark(args: string[]): Promise<void> {
  const durability: SqliteDurability = args.includes('--normal') ? 'normal' : 'full';
  console.log(`store benchmark: ${SINGLE_APPENDS} single-event appends, ${BATCHES} × ${BATCH_SIZE}-event appends, one full read; SQLite durability ${durability}`);
  const rows: Array<Record<string, string | number>> = [];
  const report = (measurements: Measurement[], peakMiB?: number) => {
    for (const m of measurements) rows.push({ workload: m.label, 'per second': formatRate(m.perSecond), seconds: m.seconds.toFixed(2), ...(peakMiB ? { 'peak RSS MiB': peakMiB.toFixed(0) } : {}) });
  };

  const rawDir = tempDir('docket-bench-raw-');
  report(await benchmarkRawSqlite(join(rawDir.path, 'raw.sqlite'), durability));
  rawDir.remove();

  const dir = tempDir('docket-bench-');
  const sqlite = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite'), durability });
  const memory = trackPeakMemory();
  const adapter = await benchmarkAdapter('SQLite adapter', sqlite, { singleAppends: SINGLE_APPENDS, batches: BATCHES });
  report(adapter, memory.stop());
  await sqlite.close();
  dir.remove();

  for (const extra of await extraAdapters()) {
    const memory = trackPeakMemory();
    const measurements = await benchmarkAdapter(extra.label, extra.store, extra.workload);
    report(measurements, memory.stop());
    await extra.dispose();
  }
  printTable('event store', rows);
}

/**
 * The EventStoreDB adapter against the protocol-level test server (in this process, over loopback gRPC): it
 * measures our adapter, the client and the gRPC path, not EventStoreDB. A tenth of the SQLite workload.
 */
async function extraAdapters(): Promise<Array<{ label: string; store: EventStore; workload: Workload; dispose(): Promise<void> }>> {
  const server = await EventStoreDbTestServer.start();
  const store = new EventStoreDbEventStore({ connectionString: server.connectionString });
  return [
    {
      label: 'EventStoreDB adapter vs protocol-level test server (not EventStoreDB)',
      store,
      workload: { singleAppends: SINGLE_APPENDS / 10, batches: BATCHES / 10 },
      dispose: async () => {
        await store.close();
        await server.stop();
      },
    },
  ];
}
