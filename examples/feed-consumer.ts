/**
 * A downstream consumer of Docket's decisions (a press office site, a GPU allocation system…), in two flavours:
 *
 *   node --import tsx examples/feed-consumer.ts sse  --url http://127.0.0.1:3000 --token dev-subscriber-token
 *   node --import tsx examples/feed-consumer.ts esdb --connection 'esdb://localhost:2113?tls=false'
 *   node --import tsx examples/feed-consumer.ts esdb --connection 'esdb://localhost:2113?tls=false' --group press-office
 *
 * It prints one JSON line per event (`{position, type, programId, revision, data}`) and records where it is in a state
 * file after each one, so a restart resumes after the last event handled: nothing lost, nothing handled twice (as long
 * as handling an event and recording it do not fail in between; a real consumer makes its handling idempotent on the
 * event id to cover that too). `--group` uses an EventStoreDB persistent subscription group instead: the server keeps
 * the position, and several consumers in one group share the events (competing consumers, acknowledged one by one).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  EventStoreDBClient,
  PersistentSubscriptionExistsError,
  START,
  persistentSubscriptionToAllSettingsFromDefaults,
  streamNameFilter,
} from '@eventstore/db-client';
import { Command, Option } from 'commander';
import { EventSource } from 'eventsource';

interface Handled {
  position: string;
  type: string;
  programId: string;
  revision: number;
  data: unknown;
}

interface Options {
  state: string;
  max?: number;
  programId?: string;
  types?: string;
}

/** The consumer's own work: here, print it. Replace with the service's. */
function handle(event: Handled): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** Where the consumer is: written to a temporary file and renamed, so a crash never leaves half a position. */
function savePosition(file: string, position: string): void {
  writeFileSync(`${file}.tmp`, position);
  renameSync(`${file}.tmp`, file);
}

function loadPosition(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
}

/** Counts handled events and stops the consumer after `--max` of them (for trying it out, and for tests). */
function limiter(max: number | undefined, stop: () => void): () => void {
  let count = 0;
  return () => {
    count += 1;
    if (max !== undefined && count >= max) stop();
  };
}

/**
 * The SSE feed with the `eventsource` client: it reconnects by itself with `Last-Event-ID` after a dropped connection
 * (or after the server cut it for reading too slowly); the state file carries the id across restarts.
 */
async function consumeSse(options: Options & { url: string; token: string }): Promise<void> {
  const query = new URLSearchParams();
  if (options.programId) query.set('programId', options.programId);
  if (options.types) query.set('types', options.types);
  const base = options.url.replace(/\/$/, '');
  const authorization = `Bearer ${options.token}`;
  // Every message is a named event (`event: <type>`): listen to each type the published contract lists.
  const contract = await fetch(`${base}/api/events/schema`, { headers: { authorization } });
  if (!contract.ok) throw new Error(`GET /api/events/schema answered ${contract.status}`);
  const types = Object.keys(((await contract.json()) as { 'x-current-versions': Record<string, number> })['x-current-versions']);
  const url = `${base}/api/events/stream${query.size ? `?${query}` : ''}`;
  const saved = loadPosition(options.state);
  let first = true;
  const source = new EventSource(url, {
    fetch: (input, init) => {
      const headers: Record<string, string> = { ...init.headers, authorization };
      // The client sends Last-Event-ID itself when it reconnects; the first connection of a restart needs ours.
      if (first && saved && !headers['Last-Event-ID']) headers['Last-Event-ID'] = saved;
      first = false;
      return fetch(input, { ...init, headers });
    },
  });
  await new Promise<void>((resolve) => {
    let stopped = false;
    const stop = () => {
      stopped = true;
      source.close();
      resolve();
    };
    const counted = limiter(options.max, stop);
    const onEvent = (message: MessageEvent) => {
      // The client still dispatches what it had already read when it was closed: none of it is handled.
      if (stopped) return;
      const cloudEvent = JSON.parse(message.data as string) as { position: string; type: string; subject: string; revision: number; data: unknown };
      handle({ position: cloudEvent.position, type: cloudEvent.type, programId: cloudEvent.subject, revision: cloudEvent.revision, data: cloudEvent.data });
      savePosition(options.state, message.lastEventId);
      counted();
    };
    for (const type of types) source.addEventListener(type, onEvent);
    source.addEventListener('error', (error) => {
      // A 401/403/400 is final (the client stops); anything else it retries by itself.
      if (source.readyState === source.CLOSED) {
        process.stderr.write(`feed refused the connection: ${(error as { message?: string }).message ?? 'error'}\n`);
        resolve();
      }
    });
    process.once('SIGINT', stop);
  });
}

/**
 * EventStoreDB directly: a catch-up subscription to `$all` filtered on the `program-` stream prefix on the server, from
 * the saved position; or, with `--group`, a persistent subscription group on the same filter.
 */
async function consumeEsdb(options: Options & { connection: string; group?: string }): Promise<void> {
  const client = EventStoreDBClient.connectionString(options.connection);
  const prefix = options.programId ? `program-${options.programId}` : 'program-';
  const types = options.types ? new Set(options.types.split(',')) : null;
  const wanted = (type: string, streamId: string) => (types === null || types.has(type)) && (options.programId === undefined || streamId === prefix);
  let stopped = false;
  const counted = limiter(options.max, () => (stopped = true));
  const toHandled = (event: { type: string; streamId: string; revision: bigint; data: unknown; position?: { commit: bigint } }): Handled => ({
    position: String(event.position?.commit ?? ''),
    type: event.type,
    programId: event.streamId.slice('program-'.length),
    revision: Number(event.revision),
    data: event.data,
  });
  try {
    if (options.group) {
      try {
        await client.createPersistentSubscriptionToAll(options.group, persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START }), {
          filter: streamNameFilter({ prefixes: [prefix] }),
        });
      } catch (error) {
        if (!(error instanceof PersistentSubscriptionExistsError)) throw error;
      }
      const subscription = client.subscribeToPersistentSubscriptionToAll(options.group);
      for await (const resolved of subscription) {
        const event = resolved.event;
        if (event && wanted(event.type, event.streamId)) {
          handle(toHandled(event));
          counted();
        }
        // Acknowledged after handling: the group hands an unacknowledged event to a member again.
        await subscription.ack(resolved);
        if (stopped) break;
      }
      await subscription.unsubscribe();
      return;
    }
    const saved = loadPosition(options.state);
    const fromPosition = saved ? { commit: BigInt(saved), prepare: BigInt(saved) } : START;
    const subscription = client.subscribeToAll({ fromPosition, filter: streamNameFilter({ prefixes: [prefix] }) });
    for await (const resolved of subscription) {
      const event = resolved.event;
      if (!event || event.type.startsWith('$')) continue;
      if (wanted(event.type, event.streamId)) {
        handle(toHandled(event));
        counted();
      }
      savePosition(options.state, String(event.position.commit));
      if (stopped) break;
    }
    await subscription.unsubscribe();
  } finally {
    await client.dispose();
  }
}

const program = new Command('feed-consumer').description("Consume Docket's decisions, from the SSE feed or from EventStoreDB");
const common = (command: Command) =>
  command
    .option('--state <file>', 'file that keeps the last position handled', '.feed-consumer-position')
    .option('--program-id <programId>', "only this programme's events")
    .option('--types <types>', 'only these event types, comma-separated')
    .addOption(new Option('--max <count>', 'stop after this many events').argParser((value) => Number.parseInt(value, 10)));

common(program.command('sse').description('the SSE feed of a Docket service'))
  .option('--url <url>', 'the Docket service', 'http://127.0.0.1:3000')
  .option('--token <token>', 'an API token with the subscriber role', 'dev-subscriber-token')
  .action((options: Options & { url: string; token: string }) => consumeSse(options));

common(program.command('esdb').description('EventStoreDB directly'))
  .requiredOption('--connection <connectionString>', "EventStoreDB's connection string, e.g. esdb://localhost:2113?tls=false")
  .option('--group <name>', 'a persistent subscription group (competing consumers) instead of a catch-up subscription')
  .action((options: Options & { connection: string; group?: string }) => consumeEsdb(options));

await program.parseAsync();
