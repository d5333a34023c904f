import { join } from 'node:path';
import { tempDir } from '../test/support/temp-dir.js';
import { CONNECTIONS, foldEveryProgramme, measureSteadyState, type NextDecision, OFFICIAL_TOKEN, PROGRAMMES, projectionsCaughtUp, seedProgrammes, type SteadyState } from './decision-load.js';
import { applicationLoad, mixedLoad, seedTeamProgrammes } from './large-programmes.js';
import { percentile, printTable } from './measure.js';
import { scriptFlags, type ServerProcess, startServer } from './server-process.js';

const DURATION_SECONDS = 15;
const WARM_UP_SECONDS = 3;

interface BenchOptions {
  duration: number;
  warmUp: number;
  /** A second reading at a fixed offered load (decisions/s over all clients), beside the closed-loop one. */
  rate?: number;
  lengths: number[];
  /** Teams per programme: measures programmes of these sizes instead of stream lengths. */
  teams?: number[];
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
    ...(args.includes('--teams') || value('teams') !== undefined ? { teams: (value('teams') || '10,1000,10000').split(',').map(Number) } : {}),
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
  if (options.teams) return runTeamsBenchmark(options, options.teams);
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
  const nodeArgs = [...scriptFlags(), ...options.nodeArgs];
  const flags = nodeArgs.length > 0 ? `, node ${nodeArgs.join(' ')}` : '';
  printTable(
    `decisions over HTTP: ${CONNECTIONS} clients, ${PROGRAMMES} programmes, each run ${options.warmUp} s of warm-up (not counted) then ${options.duration} s measured, embedded store (durability full)${flags}`,
    rows,
  );
}

/** The figures of one measured run, as a row of the table. */
function rowOf(run: SteadyState, server: ServerProcess): Record<string, string | number> {
  return {
    'decisions/s': Math.round(run.decisions / run.seconds).toLocaleString('en-US'),
    'p50 ms': percentile(run.latencies, 50),
    'p99 ms': percentile(run.latencies, 99),
    'max ms': percentile(run.latencies, 100),
    'not 201': run.refused,
    errors: run.errors,
    'CPU µs/decision': run.decisions > 0 ? Math.round((run.cpuSeconds * 1e6) / run.decisions) : '-',
    'server peak RSS MiB': server.peakMemoryMiB().toFixed(0),
  };
}

/** Sends one decision of the load to every programme, so that each is folded before the clock starts. */
async function foldEach(baseUrl: string, next: NextDecision, count: number): Promise<void> {
  for (let p = 0; p < count; p++) {
    const { url, body } = next(baseUrl);
    const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${OFFICIAL_TOKEN}`, 'content-type': 'application/json' }, body });
    if (response.status !== 201) throw new Error(`warm-up decision answered ${response.status}: ${await response.text()}`);
  }
}

/**
 * `--teams=10,1000,10000`: the cost of a decision as a programme grows. For each size, 20 programmes of that many
 * teams after applications (round 1 open, up to 500 finalists scored) and 20 still accepting applications, decided
 * with the real decider and written into a fresh store; then the built server, 50 clients in a closed loop:
 * - mixed: round-robin over the first 20, in turn a compliance finding on any team, a score correction of a
 *   finalist, an applicant not shortlisted, an applicant selected as finalist (each applicant once; a programme
 *   with none left takes a finding instead, which is what the ten-team programmes soon do);
 * - applications: new teams applying to the other 20 (which grow by a few hundred teams during the run).
 * Each run is measured in its steady state, as above. Target: decisions/s at 10,000 teams at least 0.8 times the
 * figure at 10, p99 at most 50 ms.
 */
async function runTeamsBenchmark(options: BenchOptions, sizes: number[]): Promise<void> {
  const rows: Array<Record<string, string | number>> = [];
  for (const teams of sizes) {
    const data = tempDir('docket-bench-teams-');
    const seedStarted = performance.now();
    const { mixed, open } = await seedTeamProgrammes(join(data.path, 'events.sqlite'), PROGRAMMES, teams);
    const seeded = (performance.now() - seedStarted) / 1000;
    const server = await startServer({ DATA_DIR: data.path, NODE_ENV: 'development' }, { nodeArgs: options.nodeArgs });
    try {
      const catchUp = await projectionsCaughtUp(server.baseUrl);
      for (const [load, next, count] of [
        ['mixed', mixedLoad(mixed), mixed.length],
        ['applications', applicationLoad(open), open.length],
      ] as const) {
        await foldEach(server.baseUrl, next, count);
        const run = await measureSteadyState(server, options.warmUp, options.duration, undefined, undefined, next);
        rows.push({ 'teams/programme': teams.toLocaleString('en-US'), load, ...rowOf(run, server), 'seeded s': seeded.toFixed(1), 'projections caught up s': catchUp.toFixed(1) });
      }
    } finally {
      await server.stop();
      data.remove();
    }
  }
  printTable(
    `decisions over HTTP as programmes grow: ${CONNECTIONS} clients, ${PROGRAMMES} programmes per load, each run ${options.warmUp} s of warm-up (not counted) then ${options.duration} s measured, embedded store (durability full)`,
    rows,
  );
}
