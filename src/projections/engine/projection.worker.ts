import { parentPort, workerData } from 'node:worker_threads';
import { createEventStore } from '../../event-store/event-store.module.js';
import { CodedError } from '../../common/coded-error.js';
import type { CommittedBatch } from './live-subscription.js';
import { messageOf } from './projection-batch.js';
import { ProjectionRunner } from './projection-runner.js';
import { type ProjectionState, type ProjectionThreadData, SharedPositions, type ToHost, type ToThread } from './projection-thread.protocol.js';
import { projections as allProjections } from '../projections.registry.js';
import { openReadModelDb, readModelPath } from './read-model-db.js';

/**
 * The projections' thread (see `ProjectionHost`): the runner, with a connection of its own to the read models and
 * to the event store (a read-only follower of the embedded store, woken by its commits, or a client of
 * EventStoreDB). It writes the read models; the HTTP thread reads them.
 */
const port = parentPort!;
const { config, names, positions: buffer, traceBatches } = workerData as ProjectionThreadData;
const registered = allProjections({ snapshotEvery: config.snapshotEvery });
const projections = names.map((name) => {
  const projection = registered.find((candidate) => candidate.name === name);
  if (!projection) throw new Error(`no projection is named ${name}`);
  return projection;
});
const positions = new SharedPositions(buffer, names.length);
const post = (message: ToHost) => port.postMessage(message);
const retired = new Map<string, () => void>();

const store = createEventStore(config, { readOnly: true });
const db = openReadModelDb(readModelPath(config.dataDir));
const runner = new ProjectionRunner(db, store, projections, {
  // Rebuilds share this thread with the live subscription only, not with HTTP: the chunk sizes the offline CLI measured best,
  // the standings' bounded so that a live event waits at most a few hundred ms behind a rebuild's chunk.
  chunkSize: 2000,
  largeChunkSize: 10_000,
  // Live batches at most every 20 ms: under a steady load one commit carries many decisions' events, and each
  // index page and standings document it changes is written once for them all. Measured under the decisions
  // benchmark, interleaved: 5 ms → 20 ms took 10-15% off the server's CPU per decision and raised decisions/s by
  // 5-15% (this thread shares two cores with the HTTP thread); the live lag at 500 decisions/s went from p99 18 ms
  // to 32 ms (target 100 ms). A lone event is applied at once; a read waiting for its own write waits 20 ms more
  // at most.
  batchIntervalMs: 20,
  logger: { log: (message) => post({ kind: 'log', level: 'log', message }), error: (message) => post({ kind: 'log', level: 'error', message }) },
  changed: (name) => changed(names.indexOf(name)),
  ...(traceBatches
    ? {
        committed: ({ startedAt, endedAt, events, projections: fed }: CommittedBatch) => {
          // The decisions' trace contexts (distinct, 32 at most): the batch's span links to each.
          const traceparents = [...new Set(events.map((event) => event.metadata.traceparent).filter((value): value is string => typeof value === 'string'))].slice(0, 32);
          post({ kind: 'batch', startedAt, endedAt, events: events.length, first: events[0]!.position.toString(), last: events.at(-1)!.position.toString(), projections: fed, traceparents });
        },
      }
    : {}),
  retire: (name, generation, drop) => {
    retired.set(`${name}:${generation}`, drop);
    post({ kind: 'retired', name, generation });
  },
});

const lastState = names.map((name) => state(name));
names.forEach((name, index) => {
  positions.setGeneration(index, runner.generation(name));
  positions.setApplied(index, runner.position(name));
});

function state(name: string): ProjectionState {
  return { name, halted: runner.isHalted(name), building: runner.isBuilding(name) };
}

/**
 * After a commit, a halt or a swap: the generation, then the position (in that order, see `SharedPositions`), then
 * the state if it changed, then the waiters if due.
 */
function changed(index: number): void {
  const name = names[index]!;
  const position = runner.position(name);
  positions.setGeneration(index, runner.generation(name));
  positions.setApplied(index, position);
  const now = state(name);
  if (now.halted !== lastState[index]!.halted || now.building !== lastState[index]!.building) {
    lastState[index] = now;
    post({ kind: 'state', state: now });
  }
  const wanted = positions.wanted(index);
  if (wanted !== null && position !== null && position >= wanted) {
    positions.takeWanted(index, wanted);
    post({ kind: 'advanced' });
  }
}

async function call(message: Extract<ToThread, { kind: 'call' }>): Promise<void> {
  try {
    if (message.method === 'statuses') return post({ kind: 'reply', id: message.id, value: await runner.statuses() });
    post({ kind: 'reply', id: message.id, value: [await runner.startRebuild(message.name)] });
  } catch (error) {
    if (error instanceof CodedError) {
      const { code, kind, message: text, retryAfterSeconds } = error;
      post({ kind: 'reply', id: message.id, refusal: { code, kind, message: text, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) } });
    }
    else post({ kind: 'reply', id: message.id, error: messageOf(error) });
  }
}

async function stop(): Promise<void> {
  await runner.stop();
  await store.close();
  db.close();
  port.close();
}

port.on('message', (message: ToThread) => {
  switch (message.kind) {
    case 'start':
      return runner.start();
    case 'stop':
      return void stop();
    case 'released': {
      const key = `${message.name}:${message.generation}`;
      const drop = retired.get(key);
      retired.delete(key);
      try {
        drop?.();
      } catch (error) {
        // Left for the next start, which drops every generation the catalog does not name.
        post({ kind: 'log', level: 'error', message: `could not drop generation ${message.generation} of ${message.name}: ${messageOf(error)}` });
      }
      return;
    }
    case 'call':
      return void call(message);
  }
});

// Without asking the store: a store that is slow or down must not hold the start.
post({ kind: 'ready', projections: lastState, statuses: runner.statusesNow() });
