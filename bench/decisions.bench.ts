import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { NewEvent } from '../src/event-store/event-store.port.js';
import type { JsonObject } from '../src/event-store/json.js';
import { eventMetadata } from '../src/command-handling/event-metadata.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { tempDir } from '../test/support/temp-dir.js';
import { printTable } from './measure.js';
import { startScriptFlags, startServer, type ServerProcess } from './server-process.js';

const PROGRAMMES = 20;
const CONNECTIONS = 50;
const DURATION_SECONDS = 15;
const WARM_UP_SECONDS = 3;
const TOKEN = 'dev-official-token';

interface BenchOptions {
  duration: number;
  warmUp: number;
  /** A second reading at a fixed offered load (decisions/s over all clients), beside the closed-loop one. */
  rate?: number;
  lengths: number[];
  nodeArgs: string[];
}

function parseOptions(args: string[]): BenchOptions {
  const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const rate = value('rate');
  return {
    duration: Number(value('duration') ?? DURATION_SECONDS),
    warmUp: Number(value('warm-up') ?? WARM_UP_SECONDS),
    ...(rate !== undefined ? { rate: Number(rate) } : {}),
    lengths: (value('lengths') ?? '10,10000').split(',').map(Number),
    nodeArgs: (value('node-args') ?? '').split(' ').filter((a) => a !== ''),
  };
}

/**
 * Drives the real HTTP API of the built service: 50 concurrent clients take decisions (score corrections) spread
 * over 20 programmes, once with short programme streams (10 events) and once with long ones (10,000).
 *
 * Only the steady state is measured. The server first catches its projections up with the seeded history (timed
 * apart); then every run drives the same load for `--warm-up=` seconds on the same connections and discards those
 * answers: JIT compilation, statement preparation and, above all, the opening of 50 connections at once to a busy
 * server (whose first requests wait up to a second, which is how the benchmark once reported a maximum of ~1 s that
 * no request in the steady state comes near) are not counted.
 *
 * Closed loop (each client sends its next decision when its last is answered) gives decisions/s; `--rate=N` adds a
 * run at a fixed offered load of N decisions/s, whose latency is not inflated by queueing behind the 50 clients' own
 * requests (autocannon times a request from when it is sent, so a stalled server is under-reported there). Server
 * CPU per decision is user + system time, every thread, over the measured seconds divided by the decisions taken:
 * less sensitive to other load on the machine than decisions/s, though it still rises when the server is starved,
 * because smaller group commits cost more per decision. The server runs with the node flags of `npm start`;
 * `--node-args="…"` adds more (or overrides them: V8 takes the last value of a flag).
 */
export async function runDecisionsBenchmark(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const rows: Array<Record<string, string | number>> = [];
  for (const streamLength of options.lengths) {
    const data = tempDir('docket-bench-decisions-');
    await seedProgrammes(join(data.path, 'events.sqlite'), streamLength);
    const server = await startServer({ DATA_DIR: data.path, NODE_ENV: 'development' }, { nodeArgs: options.nodeArgs });
    try {
      const catchUp = await projectionsCaughtUp(server.baseUrl);
      await foldEveryProgramme(server.baseUrl);
      for (const rate of [undefined, ...(options.rate !== undefined ? [options.rate] : [])]) {
        const run = await measureSteadyState(server, options.warmUp, options.duration, rate);
        rows.push({
          'stream length': streamLength.toLocaleString('en-US'),
          load: rate === undefined ? `${CONNECTIONS} clients` : `${rate}/s offered`,
          'decisions/s': Math.round(run.decisions / run.seconds).toLocaleString('en-US'),
          'p50 ms': percentile(run.latencies, 50),
          'p90 ms': percentile(run.latencies, 90),
          'p99 ms': percentile(run.latencies, 99),
          'max ms': percentile(run.latencies, 100),
          'not 201': run.refused,
          errors: run.errors,
          'CPU µs/decision': run.decisions > 0 ? Math.round((run.cpuSeconds * 1e6) / run.decisions) : '-',
          'server peak RSS MiB': server.peakMemoryMiB().toFixed(0),
          'projections caught up s': catchUp.toFixed(1),
        });
      }
    } finally {
      await server.stop();
      data.remove();
    }
  }
  const nodeArgs = [...startScriptFlags(), ...options.nodeArgs];
  const flags = nodeArgs.length > 0 ? `, node ${nodeArgs.join(' ')}` : '';
  printTable(
    `decisions over HTTP: ${CONNECTIONS} clients, ${PROGRAMMES} programmes, each run ${options.warmUp} s of warm-up (not counted) then ${options.duration} s measured, embedded store (durability full)${flags}`,
    rows,
  );
}

interface SteadyState {
  decisions: number;
  /** Answers other than 201 during the measured seconds. */
  refused: number;
  /** Socket errors and timeouts over the whole run, warm-up included. */
  errors: number;
  seconds: number;
  cpuSeconds: number;
  /** Of the 201 answers, in ms, sorted. */
  latencies: Float64Array;
}

async function measureSteadyState(server: ServerProcess, warmUp: number, duration: number, rate?: number): Promise<SteadyState> {
  const latencies: number[] = [];
  let refused = 0;
  let from: { at: number; cpu: number } | null = null;
  const timer = setTimeout(() => (from = { at: performance.now(), cpu: server.cpuSeconds() }), warmUp * 1000);
  const run = drive(server.baseUrl, warmUp + duration, rate);
  run.instance.on('response', (_client: unknown, status: number, _bytes: number, milliseconds: number) => {
    if (!from) return;
    if (status === 201) latencies.push(milliseconds);
    else refused++;
  });
  const result = await run.result;
  clearTimeout(timer);
  const measured = from as { at: number; cpu: number } | null;
  if (!measured) throw new Error('the run ended before its warm-up did');
  return {
    decisions: latencies.length,
    refused,
    errors: result.errors + result.timeouts,
    seconds: (performance.now() - measured.at) / 1000,
    cpuSeconds: server.cpuSeconds() - measured.cpu,
    latencies: Float64Array.from(latencies).sort(),
  };
}

/** Nearest-rank percentile of sorted values, to 0.1 ms; 100 is the maximum. */
function percentile(sorted: Float64Array, p: number): number | string {
  if (sorted.length === 0) return '-';
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Math.round(sorted[rank - 1]! * 10) / 10;
}

const TEAMS = ['upstage', 'lg-ai-research'];
const CRITERIA = ['benchmark', 'expert-evaluation'];

/**
 * Writes each programme's first `length` events straight into the store file, as decisions would have: two
 * finalists in an open round, scored, then score corrections. Corrections are what the benchmark takes too: they
 * can go on indefinitely, so a long stream is long history, not a large state.
 */
export async function seedProgrammes(filename: string, length: number): Promise<void> {
  const store = new SqliteEventStore({ filename });
  for (let p = 0; p < PROGRAMMES; p++) {
    const programId = `bench-programme-${p}`;
    const opening = [
      { type: 'ProgramLaunched', data: { programId, title: 'Benchmark', ministry: 'MSIT', finalistSlots: 5, winnerSlots: 2, rules: [] } },
      ...TEAMS.map((teamId) => ({ type: 'ApplicationSubmitted', data: { teamId, consortiumName: teamId, leadOrganization: teamId, members: [teamId] } })),
      { type: 'ApplicationsClosed', data: { applicantCount: TEAMS.length } },
      ...TEAMS.map((teamId) => ({ type: 'FinalistSelected', data: { teamId } })),
      { type: 'EvaluationRoundOpened', data: { round: 1, title: 'Round 1', scorecard: CRITERIA.map((criterion) => ({ criterion, maxPoints: 100 })) } },
      ...TEAMS.flatMap((teamId) => CRITERIA.map((criterion) => ({ type: 'ScoreRecorded', data: { round: 1, teamId, criterion, points: 50 } }))),
    ];
    const corrections = Array.from({ length: Math.max(0, length - opening.length) }, (_, i) => ({
      type: 'ScoreCorrected',
      data: { round: 1, teamId: TEAMS[i % 2]!, criterion: CRITERIA[(i >> 1) % 2]!, previousPoints: 50, points: 50 },
    }));
    const events = [...opening, ...corrections].slice(0, Math.max(length, opening.length));
    for (let i = 0; i < events.length; i += 1000) {
      const batch: NewEvent[] = events.slice(i, i + 1000).map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data as JsonObject, metadata: seedMetadata(e.type) }));
      await store.append(`program-${programId}`, batch, { expectedRevision: i === 0 ? 'no-stream' : i - 1 });
    }
  }
  await store.close();
}

const seedMetadata = (type: string) =>
  eventMetadata({ actor: { id: 'kim.official', role: 'official' }, reason: 'seed', correlationId: 'seed' }, randomUUID(), new Date().toISOString(), type);

let counter = 0;
/** A score correction on one of the programmes, round-robin, with points that change every time. */
const decision = (baseUrl: string) => {
  const n = counter++;
  return {
    url: `${baseUrl}/api/programs/bench-programme-${n % PROGRAMMES}/rounds/1/score-corrections`,
    body: JSON.stringify({ teamId: TEAMS[n % 2], criterion: CRITERIA[(n >> 1) % 2], points: (n % 10000) / 100, reason: 'recount of the panel sheet' }),
  };
};

/**
 * Seconds until every projection has applied the seeded history (GET /api/health: live, no lag). The read models
 * are rebuilt from the store at start-up; measuring decisions while they catch up on 200,000 events would charge
 * that one-off work to the decisions.
 */
async function projectionsCaughtUp(baseUrl: string, timeoutSeconds = 600): Promise<number> {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${baseUrl}/api/health`);
    const health = (await response.json()) as { projections?: Record<string, { status: string; lag: number }> };
    const projections = Object.values(health.projections ?? {});
    if (projections.every((projection) => projection.status === 'live' && projection.lag === 0)) return (performance.now() - started) / 1000;
    if (performance.now() - started > timeoutSeconds * 1000) throw new Error(`the projections did not catch up in ${timeoutSeconds} s: ${JSON.stringify(health.projections)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** One decision per programme first, so the server has folded each stream before the clock starts. */
async function foldEveryProgramme(baseUrl: string): Promise<void> {
  for (let p = 0; p < PROGRAMMES; p++) {
    const { url, body } = decision(baseUrl);
    const response = await fetch(url.replace(/bench-programme-\d+/, `bench-programme-${p}`), { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
    if (response.status !== 201) throw new Error(`warm-up decision answered ${response.status}: ${await response.text()}`);
  }
}

/** The running load, to listen to its answers, and its result once it ends. */
function drive(baseUrl: string, duration: number, overallRate?: number): { instance: autocannon.Instance; result: Promise<autocannon.Result> } {
  const options: autocannon.Options = {
    url: baseUrl,
    connections: CONNECTIONS,
    duration,
    ...(overallRate !== undefined ? { overallRate } : {}),
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        setupRequest: (request) => {
          const { url, body } = decision(baseUrl);
          return { ...request, path: new URL(url).pathname, body };
        },
      },
    ],
  };
  let instance!: autocannon.Instance;
  const result = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(options, (error, finished) => (error ? reject(error as Error) : resolve(finished)));
  });
  return { instance, result };
}
