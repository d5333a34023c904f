import { join } from 'node:path';
import { tempDir } from '../test/support/temp-dir.js';
import { CONNECTIONS, foldEveryProgramme, measureSteadyState, PROGRAMMES, projectionsCaughtUp, seedProgrammes } from './decision-load.js';
import { percentile, printTable } from './measure.js';
import { scriptFlags, startServer } from './server-process.js';

const DURATION_SECONDS = 15;
const WARM_UP_SECONDS = 3;

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
  const nodeArgs = [...scriptFlags(), ...options.nodeArgs];
  const flags = nodeArgs.length > 0 ? `, node ${nodeArgs.join(' ')}` : '';
  printTable(
    `decisions over HTTP: ${CONNECTIONS} clients, ${PROGRAMMES} programmes, each run ${options.warmUp} s of warm-up (not counted) then ${options.duration} s measured, embedded store (durability full)${flags}`,
    rows,
  );
}
