import { join } from 'node:path';
import { tempDir } from '../test/support/temp-dir.js';
import { OFFICIAL_TOKEN, projectionsCaughtUp } from './decision-load.js';
import { HttpPool } from './http-pool.js';
import { CRITERIA, launch, ProgrammeBuilder, RULE } from './large-programmes.js';
import { percentile, printTable } from './measure.js';
import { startServer } from './server-process.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';

const PROGRAMME = 'open-call-2026';
const AUDITOR = { authorization: 'Bearer dev-auditor-token' };
const OFFICIAL = { authorization: `Bearer ${OFFICIAL_TOKEN}`, 'content-type': 'application/json' };
const START = Date.UTC(2025, 6, 1);

interface Options {
  teams: number;
  events: number;
  samples: number;
  rate: number;
  duration: number;
  nodeArgs: string[];
}

function parseOptions(args: string[]): Options {
  const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    teams: Number(value('teams') ?? 10_000),
    events: Number(value('events') ?? 100_000),
    samples: Number(value('samples') ?? 200),
    rate: Number(value('rate') ?? 500),
    duration: Number(value('duration') ?? 10),
    nodeArgs: (value('node-args') ?? '').split(' ').filter((a) => a !== ''),
  };
}

/**
 * One programme of `teams` teams and `events` events, as an open call runs: applications, most applicants not
 * shortlisted, finalists scored in two rounds (half eliminated on the first ranking), then score corrections up to
 * the event count. Each decision takes effect a minute after the one before, except one in fifty, recorded late:
 * in effect up to a day before the decisions recorded before it (the case time travel on the effective axis must
 * get right without folding from the first event).
 */
async function seed(filename: string, options: Options): Promise<{ teams: string[]; finalists: string[]; effectiveEnd: number }> {
  let minute = 0;
  let n = 0;
  const effectiveAt = () => {
    minute += 1;
    n += 1;
    const late = n % 50 === 0 ? 1 + ((n * 7919) % 1440) : 0;
    return new Date(START + (minute - late) * 60_000);
  };
  const programme = new ProgrammeBuilder(PROGRAMME, effectiveAt);
  programme.decide('LaunchProgram', launch(Math.min(1000, Math.max(1, Math.floor(options.teams / 10)))));
  const teams = programme.applications(options.teams);
  programme.decide('CloseApplications', {});
  const finalists = teams.slice(0, Math.min(1000, Math.max(1, Math.floor(options.teams / 10))));
  for (const teamId of finalists) programme.decide('SelectFinalist', { teamId });
  for (const teamId of teams.slice(finalists.length)) programme.decide('EliminateTeam', { teamId, grounds: 'not-shortlisted' });
  const scorecard = CRITERIA.map((criterion) => ({ criterion, maxPoints: 40 }));
  programme.decide('OpenEvaluationRound', { round: 1, title: 'First stage', scorecard });
  for (const [i, teamId] of finalists.entries()) for (const criterion of CRITERIA) programme.decide('RecordScore', { round: 1, teamId, criterion, points: ((i * 37) % 4000) / 100 });
  programme.decide('CloseEvaluationRound', { round: 1 });
  const second = finalists.filter((_, i) => i % 2 === 0);
  for (const teamId of finalists.filter((_, i) => i % 2 === 1)) programme.decide('EliminateTeam', { teamId, grounds: 'ranking', round: 1 });
  programme.decide('OpenEvaluationRound', { round: 2, title: 'Second stage', scorecard });
  for (const [i, teamId] of second.entries()) for (const criterion of CRITERIA) programme.decide('RecordScore', { round: 2, teamId, criterion, points: ((i * 13) % 4000) / 100 });
  for (let i = 0; programme.events.length < options.events; i++) {
    programme.decide('CorrectScore', { round: 2, teamId: second[(i * 7919) % second.length], criterion: CRITERIA[i % CRITERIA.length], points: (i % 4000) / 100 });
  }
  const store = new SqliteEventStore({ filename });
  try {
    await programme.writeTo(store);
  } finally {
    await store.close();
  }
  return { teams, finalists: second, effectiveEnd: START + minute * 60_000 };
}

/** `samples` sequential reads (one client), after a few unmeasured ones; latencies in ms, sorted. */
async function time(pool: HttpPool, samples: number, path: () => string): Promise<Float64Array> {
  const latencies: number[] = [];
  for (let i = -10; i < samples; i++) {
    const url = path();
    const started = performance.now();
    const response = await pool.send('GET', url, AUDITOR);
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${response.body.slice(0, 300)}`);
    if (i >= 0) latencies.push(performance.now() - started);
  }
  return Float64Array.from(latencies).sort();
}

async function firstDecision(dataDir: string, teamId: string, options: Options): Promise<{ ms: number; status: number }> {
  const server = await startServer({ DATA_DIR: dataDir, NODE_ENV: 'development' }, { nodeArgs: options.nodeArgs });
  try {
    const started = performance.now();
    const response = await fetch(`${server.baseUrl}/api/programs/${PROGRAMME}/compliance-findings`, {
      method: 'POST',
      headers: OFFICIAL,
      body: JSON.stringify({ teamId, ruleId: RULE, verdict: 'cleared', findings: 'Checked after the restart.', reason: 'benchmark decision' }),
    });
    const ms = performance.now() - started;
    // The snapshot the first decision made due is written once the decision is answered: let it be written.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { ms, status: response.status };
  } finally {
    await server.stop();
  }
}

/**
 * Reads of one programme of 10,000 teams and 100,000 events (`--teams=`, `--events=`): the whole standings, a page
 * of 100, one team's standing, the standings as of a random position (`asOf`) and at a random effective time
 * (`effectiveAsOf`), each `--samples=` times in a row from one client; then the live lag at `--rate=` decisions/s
 * (compliance findings on random teams, each followed by a read of that team's standing with `minPosition`); then
 * the first decision after a restart, before the command side has a snapshot of the programme and after.
 */
export async function runReadsBenchmark(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const data = tempDir('docket-bench-reads-');
  try {
    const seeding = performance.now();
    const { teams, effectiveEnd } = await seed(join(data.path, 'events.sqlite'), options);
    const seeded = (performance.now() - seeding) / 1000;
    // Before any decision on the programme: the command side has no snapshot of it yet.
    const cold = await firstDecision(data.path, teams[1]!, options);
    const warm = await firstDecision(data.path, teams[2]!, options);
    const server = await startServer({ DATA_DIR: data.path, NODE_ENV: 'development' }, { nodeArgs: options.nodeArgs });
    const pool = new HttpPool(server.baseUrl, 64);
    const rows: Array<Record<string, string | number>> = [];
    let random = 12345;
    const pick = (count: number) => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random % count;
    };
    try {
      const caughtUp = await projectionsCaughtUp(server.baseUrl);
      const whole = JSON.parse((await pool.send('GET', `/api/programs/${PROGRAMME}/standings`, AUDITOR)).body) as { position: string; revision: number };
      const last = BigInt(whole.position);
      const first = last - BigInt(whole.revision);
      const reads: Array<[string, () => string]> = [
        [`whole standings (${options.teams.toLocaleString('en-US')} teams)`, () => `/api/programs/${PROGRAMME}/standings`],
        ['a page of 100', () => `/api/programs/${PROGRAMME}/standings?limit=100&after=${teams[pick(teams.length - 100)]}`],
        ['a page of 100 finalists', () => `/api/programs/${PROGRAMME}/standings?status=finalist&limit=100`],
        ["one team's standing", () => `/api/programs/${PROGRAMME}/teams/${teams[pick(teams.length)]}/standing`],
        ['asOf a random position', () => `/api/programs/${PROGRAMME}/standings?asOf=${first + BigInt(pick(whole.revision + 1))}`],
        ['effectiveAsOf a random time', () => `/api/programs/${PROGRAMME}/standings?effectiveAsOf=${new Date(START + pick(effectiveEnd - START)).toISOString()}`],
        // After the applications, when every team had applied.
        ["one team's standing asOf a random position", () => `/api/programs/${PROGRAMME}/teams/${teams[pick(teams.length)]}/standing?asOf=${first + BigInt(teams.length + pick(whole.revision + 1 - teams.length))}`],
      ];
      for (const [read, path] of reads) {
        const latencies = await time(pool, options.samples, path);
        rows.push({ read, samples: latencies.length, 'p50 ms': percentile(latencies, 50), 'p99 ms': percentile(latencies, 99), 'max ms': percentile(latencies, 100) });
      }
      printTable(
        `reads of one programme: ${options.teams.toLocaleString('en-US')} teams, ${(whole.revision + 1).toLocaleString('en-US')} events (seeded in ${seeded.toFixed(1)} s, read models built in ${caughtUp.toFixed(1)} s), one client`,
        rows,
      );
      printTable(`live lag at ${options.rate} decisions/s offered on that programme, ${options.duration} s`, [await measureLag(pool, server.baseUrl, teams, options)]);
    } finally {
      pool.close();
      await server.stop();
    }
    printTable('the first decision on that programme after a restart', [
      { when: 'no snapshot yet (folds every event)', 'ms': cold.ms.toFixed(1), status: cold.status },
      { when: 'from the snapshot the first one saved', 'ms': warm.ms.toFixed(1), status: warm.status },
    ]);
  } finally {
    data.remove();
  }
}

/** Open loop: a decision on a random team every 1/rate s, then that team's standing read with the decision's position. */
async function measureLag(pool: HttpPool, baseUrl: string, teams: string[], options: Options): Promise<Record<string, string | number>> {
  const lags: number[] = [];
  let failed = 0;
  let decided = 0;
  const inFlight = new Set<Promise<void>>();
  const one = async (n: number, measured: boolean) => {
    const teamId = teams[(n * 7919) % teams.length]!;
    const body = JSON.stringify({ teamId, ruleId: RULE, verdict: 'cleared', findings: 'Declaration checked.', reason: 'benchmark decision' });
    const response = await pool.send('POST', `/api/programs/${PROGRAMME}/compliance-findings`, OFFICIAL, body);
    if (response.status !== 201) {
      failed += 1;
      return;
    }
    decided += 1;
    const { position } = JSON.parse(response.body) as { position: string };
    const started = performance.now();
    const read = await pool.send('GET', `/api/programs/${PROGRAMME}/teams/${teamId}/standing?minPosition=${position}`, AUDITOR);
    if (read.status !== 200) failed += 1;
    else if (measured) lags.push(performance.now() - started);
  };
  const warmUp = 2;
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < (warmUp + options.duration) * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * options.rate);
    while (sent < due) {
      const measured = performance.now() - started > warmUp * 1000;
      const promise: Promise<void> = one(sent++, measured)
        .catch(() => void (failed += 1))
        .finally(() => inFlight.delete(promise));
      inFlight.add(promise);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(inFlight);
  const admin = await fetch(`${baseUrl}/api/admin/projections`, { headers: { authorization: 'Bearer dev-admin-token' } });
  const statuses = (await admin.json()) as Array<{ name: string; applyLatencyMs: { p50: number; p99: number; max: number } | null }>;
  const applied = statuses.find((status) => status.name === 'standings')?.applyLatencyMs;
  const sorted = Float64Array.from(lags).sort();
  return {
    'offered/s': options.rate,
    'decided/s': (decided / seconds).toFixed(0),
    'read-after-201 p50 ms': percentile(sorted, 50),
    'read-after-201 p99 ms': percentile(sorted, 99),
    'recorded→applied p50 ms': applied?.p50 ?? '-',
    'recorded→applied p99 ms': applied?.p99 ?? '-',
    'refused/failed': failed,
  };
}
