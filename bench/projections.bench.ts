import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import type { ProgramCommand } from '../src/program/program.commands.js';
import { PROJECTION_NAMES } from '../src/projections/projections.registry.js';
import { tempDir } from '../test/support/temp-dir.js';
import { formatRate, printTable } from './measure.js';
import { projectionsCaughtUp } from './decision-load.js';
import { HttpPool } from './http-pool.js';
import { SCORECARD } from '../src/cli/demo/programme-history.js';
import { decisions, seedHistories, TEAMS } from './programme-histories.js';
import { scriptFlags, startServer } from './server-process.js';

/** `DOCKET_BENCH_CLI` runs another build of the CLI, as `DOCKET_BENCH_MAIN` does for the server. */
const CLI = process.env['DOCKET_BENCH_CLI'] ?? fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const OFFICIAL = 'dev-official-token';
const RUN = Date.now().toString(36);
/** Keep-alive connections of the lag measurement's client (see `HttpPool`). */
const CONNECTIONS = 64;

interface Options {
  events: number;
  programmes: number;
  rate: number;
  duration: number;
  /** `--no-lag`: time the rebuilds only. */
  lag: boolean;
  /** `--no-rebuild`: measure the live lag only. */
  rebuild: boolean;
  /** `--data-dir D`: seed into D and keep it, or reuse the events D already holds (to time one change after another). */
  dataDir: string | undefined;
}

function parseOptions(args: string[]): Options {
  const value = (name: string) => {
    const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    return args[i]!.includes('=') ? args[i]!.split('=')[1] : args[i + 1];
  };
  const events = Number(value('events') ?? 1_000_000);
  return {
    events,
    programmes: Number(value('programmes') ?? Math.max(1, Math.min(1000, Math.floor(events / 100)))),
    rate: Number(value('rate') ?? 500),
    duration: Number(value('duration') ?? 10),
    lag: !args.includes('--no-lag'),
    rebuild: !args.includes('--no-rebuild'),
    dataDir: value('data-dir'),
  };
}

/**
 * `npm run bench -- projections [--events N] [--programmes P] [--rate R] [--duration S] [--no-lag] [--no-rebuild]`: writes N events of
 * realistic programme histories (the real `decide`/`evolve`, interleaved across P programmes) into a fresh embedded
 * store; times a full rebuild of each registered projection through the CLI (`rebuild <name> --offline`, in its own
 * process: events/s and that process's peak RSS); then starts the built service on the same folder and, under a
 * steady load of R decisions/s through its HTTP API, measures the lag from each decision's 201 to the projection
 * having applied its position (a read with `minPosition`, which the server answers as soon as the batch commits).
 */
export async function runProjectionsBenchmark(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const data = options.dataDir === undefined ? tempDir('docket-bench-projections-') : { path: options.dataDir, remove: () => undefined };
  try {
    const seeded = await seedOnce(data.path, options);
    if (options.rebuild) {
      const rebuilds: Array<Record<string, string | number>> = [];
      for (const name of PROJECTION_NAMES) rebuilds.push(await timeRebuild(data.path, name));
      printTable(`full rebuild through \`cli rebuild <name> --offline\`: ${formatRate(seeded.events)} events, ${options.programmes} programmes (target ≥ 100,000 events/s)`, rebuilds);
    }
    if (!options.lag) return;
    printTable(`live lag at ${options.rate} decisions/s for ${options.duration} s (target p99 < 100 ms)`, await measureLag(data.path, options));
  } finally {
    data.remove();
  }
}

/** Seeds the folder, unless it holds a seeded log already (`--data-dir`): then only the read models are dropped. */
async function seedOnce(dataDir: string, options: Options): Promise<{ events: number }> {
  const events = join(dataDir, 'events.sqlite');
  if (existsSync(events)) {
    // Rebuilds start from nothing; the lag alone (`--no-rebuild`) runs on the read models as they are.
    if (options.rebuild) for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `read-models.sqlite${suffix}`), { force: true });
    const store = new SqliteEventStore({ filename: events, durability: 'normal' });
    const head = (await store.health()).headPosition;
    await store.close();
    console.log(`reusing ${formatRate(Number(head ?? 0))} events in ${dataDir}`);
    return { events: Number(head ?? 0) };
  }
  mkdirSync(dataDir, { recursive: true });
  const seeded = await seedHistories(events, options);
  console.log(`seeded ${formatRate(seeded.events)} events across ${options.programmes} programmes in ${seeded.seconds.toFixed(1)} s`);
  return seeded;
}

/** Runs the CLI's offline rebuild in its own process, sampling its peak RSS (the kernel's high-water mark). */
async function timeRebuild(dataDir: string, name: string): Promise<Record<string, string | number>> {
  const child = spawn(process.execPath, [...scriptFlags('cli', 'dist/cli/main.js'), CLI, 'rebuild', name, '--offline', '--no-progress', '--url', 'http://127.0.0.1:9'], {
    env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let peakKiB = 0;
  const sample = () => {
    try {
      peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      // The process has exited.
    }
  };
  const timer = setInterval(sample, 25);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  clearInterval(timer);
  const match = /\(([\d,]+) events in ([\d.]+) s/.exec(output);
  if (code !== 0 || !match) throw new Error(`rebuild of ${name} failed (exit ${code}): ${output}`);
  const events = Number(match[1]!.replaceAll(',', ''));
  const seconds = Number(match[2]);
  return { projection: name, events: formatRate(events), seconds: seconds.toFixed(2), 'events/s': formatRate(events / seconds), 'peak RSS MiB': (peakKiB / 1024).toFixed(0) };
}

async function post(pool: HttpPool, path: string, body: object): Promise<{ status: number; position: string }> {
  const headers = { authorization: `Bearer ${OFFICIAL}`, 'content-type': 'application/json' };
  const response = await pool.send('POST', path, headers, JSON.stringify({ ...body, reason: 'benchmark' }));
  const json = JSON.parse(response.body) as { position?: string };
  return { status: response.status, position: json.position ?? '' };
}

/** Programmes with an open round, through the API, to take score corrections on during the measurement. */
async function openProgrammes(pool: HttpPool, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let p = 0; p < count; p++) {
    // Fresh ids on every run, so a folder kept with `--data-dir` can be measured again.
    const programId = `lag-${RUN}-${p}`;
    for (const command of decisions(programId, 0)) {
      if (command.type === 'CloseEvaluationRound') break;
      const { programId: _, ...body } = command.data as Record<string, unknown>;
      if (command.type === 'RecordScore') delete body['round']; // the round is in the path
      const path = commandPath(command.type);
      const result = await post(pool, path === '' ? '/api/programs' : `/api/programs/${programId}${path}`, path === '' ? { programId, ...body } : body);
      if (result.status !== 201) throw new Error(`set-up decision ${command.type} answered ${result.status}`);
    }
    ids.push(programId);
  }
  return ids;
}

function commandPath(type: ProgramCommand['type']): string {
  const paths: Partial<Record<ProgramCommand['type'], string>> = {
    LaunchProgram: '',
    SubmitApplication: '/applications',
    CloseApplications: '/applications/close',
    SelectFinalist: '/finalists',
    EliminateTeam: '/eliminations',
    OpenEvaluationRound: '/rounds',
    RecordScore: '/rounds/1/scores',
  };
  const path = paths[type];
  if (path === undefined) throw new Error(`no path for ${type}`);
  return path;
}

/** The read each projection answers once it has applied a position. */
const READS: Record<string, (programId: string, position: string) => string> = {
  standings: (programId, position) => `/api/programs/${programId}/standings?minPosition=${position}`,
  audit: (programId, position) => `/api/programs/${programId}/audit?limit=1&minPosition=${position}`,
  timeline: (programId, position) => `/api/programs/${programId}/teams/${TEAMS[0]}/timeline?minPosition=${position}`,
};

async function measureLag(dataDir: string, options: Options): Promise<Array<Record<string, string | number>>> {
  const server = await startServer({ DATA_DIR: dataDir, NODE_ENV: 'development' });
  const pool = new HttpPool(server.baseUrl, CONNECTIONS);
  try {
    // Read models behind the log (none yet, with `--no-rebuild` on a fresh folder) are caught up first, untimed.
    await projectionsCaughtUp(server.baseUrl);
    const programmes = await openProgrammes(pool, 20);
    const names = PROJECTION_NAMES.filter((name) => READS[name]);
    const lags = new Map<string, number[]>(names.map((name) => [name, []]));
    let refused = 0;
    let sent = 0;
    let decided201 = 0;
    const warmUpUntil = Date.now() + 2000;
    const endAt = warmUpUntil + options.duration * 1000;
    const inFlight = new Set<Promise<void>>();
    const one = async (n: number) => {
      const programId = programmes[n % programmes.length]!;
      const { criterion, maxPoints } = SCORECARD[n % 5]!;
      const decided = await post(pool, `/api/programs/${programId}/rounds/1/score-corrections`, { teamId: TEAMS[(n >> 2) % 5], criterion, points: (n % maxPoints) + 0.5 });
      if (decided.status !== 201) {
        refused += 1;
        return;
      }
      decided201 += 1;
      const name = names[n % names.length]!;
      const t0 = performance.now();
      const read = await pool.send('GET', READS[name]!(programId, decided.position), { authorization: 'Bearer dev-auditor-token' });
      if (read.status !== 200) refused += 1;
      else if (Date.now() > warmUpUntil) lags.get(name)!.push(performance.now() - t0);
    };
    // Open loop: decisions start on schedule, whether or not earlier ones have been answered.
    const started = performance.now();
    while (Date.now() < endAt) {
      const due = Math.floor(((performance.now() - started) / 1000) * options.rate);
      while (sent < due) {
        const promise: Promise<void> = one(sent++)
          .catch(() => void (refused += 1)) // a reset connection under overload counts as a failure, not an abort
          .finally(() => inFlight.delete(promise));
        inFlight.add(promise);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(inFlight);
    const admin = await fetch(`${server.baseUrl}/api/admin/projections`, { headers: { authorization: 'Bearer dev-admin-token' } });
    const statuses = (await admin.json()) as Array<{ name: string; applyLatencyMs: { p50: number; p99: number; max: number } | null }>;
    return names.map((name) => {
      const server_ = statuses.find((status) => status.name === name)?.applyLatencyMs;
      const sorted = lags.get(name)!.sort((a, b) => a - b);
      const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1) : '-');
      return {
        projection: name,
        'offered/s': options.rate,
        'decided/s': (decided201 / seconds).toFixed(0),
        'read-after-201 p50 ms': at(0.5),
        'read-after-201 p99 ms': at(0.99),
        'recorded→applied p50 ms': server_?.p50 ?? '-',
        'recorded→applied p99 ms': server_?.p99 ?? '-',
        'recorded→applied max ms': server_?.max ?? '-',
        'refused/failed': refused,
        'server peak RSS MiB': server.peakMemoryMiB().toFixed(0),
      };
    });
  } finally {
    pool.close();
    await server.stop();
  }
}
