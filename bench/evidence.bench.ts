import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { CHECKPOINT_EVENT, CHECKPOINT_STREAM, CheckpointSigner, inTree } from '../src/integrity/checkpoint.js';
import { recordedHash } from '../src/integrity/event-hash.js';
import { CompactTree, leafHash, verifyConsistency, verifyInclusion } from '../src/integrity/merkle.js';
import { DEV_SIGNING_KEY_FILE } from '../src/integrity/signing-key.js';
import { tempDir } from '../test/support/temp-dir.js';
import { projectionsCaughtUp } from './decision-load.js';
import { HttpPool } from './http-pool.js';
import { formatRate, percentile, printTable } from './measure.js';
import { seedHistories } from './programme-histories.js';
import { scriptFlags, startServer } from './server-process.js';

const CLI = process.env['DOCKET_BENCH_CLI'] ?? fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const VERIFIER = fileURLToPath(new URL('../tools/verify-evidence.mjs', import.meta.url));
const AUDITOR = { authorization: 'Bearer dev-auditor-token' };

interface Options {
  events: number;
  programmes: number;
  proofs: number;
  checkpointEvery: number;
  dataDir: string | undefined;
}

function parseOptions(args: string[]): Options {
  const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const events = Number(value('events') ?? 1_000_000);
  return {
    events,
    programmes: Number(value('programmes') ?? Math.max(1, Math.min(1000, Math.floor(events / 100)))),
    proofs: Number(value('proofs') ?? 2000),
    checkpointEvery: Number(value('checkpoint-every') ?? 1000),
    dataDir: value('data-dir'),
  };
}

/**
 * `npm run bench -- evidence [--events=N] [--proofs=K] [--checkpoint-every=C] [--data-dir=D]`: the cost of tamper
 * evidence on a large log. Seeds N events of realistic programme histories, chained as the command loop chains
 * them, and a checkpoint signed every C events (as the server signs them with CHECKPOINT_EVERY=C); then times
 * - `npm run cli -- verify` over the whole log, in its own process (target ≥ 100,000 events/s);
 * - `npm run cli -- export-evidence` and the standalone `tools/verify-evidence.mjs` on the pack;
 * - the built server, once its read models are built: K inclusion proofs of random events under the latest
 *   checkpoint and K consistency proofs between random checkpoints, one at a time on one keep-alive connection
 *   (target < 20 ms), and GET /api/audit/verify.
 * The decisions' cost of the chain and checkpoints is the decisions benchmark's, run against a build without them
 * (`DOCKET_BENCH_MAIN`).
 */
export async function runEvidenceBenchmark(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const data = options.dataDir === undefined ? tempDir('docket-bench-evidence-') : { path: options.dataDir, remove: () => undefined };
  try {
    const log = await seedOnce(data.path, options);
    const offline: Array<Record<string, string | number>> = [];
    const verified = await timeProcess([...scriptFlags('cli', 'dist/cli/main.js'), CLI, 'verify', '--json', '--no-progress'], data.path);
    const report = JSON.parse(verified.stdout) as { ok: boolean; checkedEvents: number; checkedCheckpoints: number };
    if (!report.ok) throw new Error(`the seeded log does not verify: ${verified.stdout}`);
    offline.push(row('cli verify', report.checkedEvents, verified));
    const pack = join(data.path, `pack-${Date.now().toString(36)}`);
    const exported = await timeProcess([...scriptFlags('cli', 'dist/cli/main.js'), CLI, 'export-evidence', pack, '--no-progress'], data.path);
    offline.push(row('cli export-evidence', log.events + log.checkpoints, exported));
    const standalone = await timeProcess([VERIFIER, pack, '--json'], data.path);
    const packReport = JSON.parse(standalone.stdout) as { ok: boolean; checkedEvents: number };
    if (!packReport.ok) throw new Error(`the pack does not verify: ${standalone.stdout}`);
    offline.push(row('tools/verify-evidence.mjs', packReport.checkedEvents, standalone));
    printTable(`verification of the whole log: ${formatRate(log.events)} events, ${formatRate(report.checkedCheckpoints)} checkpoints (target ≥ 100,000 events/s)`, offline);
    await measureServer(data.path, options, log);
  } finally {
    data.remove();
  }
}

interface SeededLog {
  events: number;
  checkpoints: number;
}

/** Seeds the folder with chained histories and signed checkpoints, unless it holds them already (`--data-dir`). */
async function seedOnce(dataDir: string, options: Options): Promise<SeededLog> {
  const file = join(dataDir, 'events.sqlite');
  if (existsSync(file)) {
    const store = new SqliteEventStore({ filename: file, durability: 'normal' });
    let checkpoints = 0;
    for await (const _ of store.readStream(CHECKPOINT_STREAM)) checkpoints += 1;
    const head = Number((await store.headPosition()) ?? 0);
    await store.close();
    console.log(`reusing ${formatRate(head - checkpoints)} events and ${checkpoints} checkpoints in ${dataDir}`);
    return { events: head - checkpoints, checkpoints };
  }
  mkdirSync(dataDir, { recursive: true });
  const seeded = await seedHistories(file, options);
  console.log(`seeded ${formatRate(seeded.events)} chained events across ${options.programmes} programmes in ${seeded.seconds.toFixed(1)} s`);
  const started = performance.now();
  const checkpoints = await signCheckpoints(dataDir, file, options.checkpointEvery);
  console.log(`signed ${formatRate(checkpoints)} checkpoints in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { events: seeded.events, checkpoints };
}

/**
 * Signs the tree every `every` events with a development key kept in the folder (the server and the CLI find it
 * there), as the checkpointer would have signed them while the log grew, and appends the checkpoints.
 */
async function signCheckpoints(dataDir: string, file: string, every: number): Promise<number> {
  const signer = CheckpointSigner.generate();
  writeFileSync(join(dataDir, DEV_SIGNING_KEY_FILE), signer.privateKeyPem(), { mode: 0o600 });
  const store = new SqliteEventStore({ filename: file, durability: 'normal' });
  const tree = new CompactTree();
  const checkpoints: Array<{ eventId: string; type: string; data: Record<string, string | number | null>; metadata: Record<string, string | number> }> = [];
  const sign = (lastPosition: bigint) => {
    const time = new Date().toISOString();
    const signed = signer.sign({ origin: 'docket', treeSize: tree.size, rootHash: tree.root().toString('hex'), lastPosition: lastPosition.toString(), time });
    checkpoints.push({ eventId: randomUUID(), type: CHECKPOINT_EVENT, data: { ...signed }, metadata: { schemaVersion: 1, occurredAt: time } });
  };
  let last = 0n;
  for await (const event of store.readAll()) {
    if (!inTree(event.streamId)) continue;
    tree.append(leafHash(Buffer.from(recordedHash(event), 'hex')));
    last = event.position;
    if (tree.size % every === 0) sign(last);
  }
  if (tree.size % every !== 0) sign(last);
  for (let i = 0; i < checkpoints.length; i += 1000) {
    await store.append(CHECKPOINT_STREAM, checkpoints.slice(i, i + 1000), { expectedRevision: i === 0 ? 'no-stream' : i - 1 });
  }
  await store.close();
  return checkpoints.length;
}

interface Timed {
  seconds: number;
  peakMiB: number;
  stdout: string;
}

/** Runs node with `args` in its own process on the folder, sampling its peak RSS (the kernel's high-water mark). */
async function timeProcess(args: string[], dataDir: string): Promise<Timed> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let peakKiB = 0;
  const timer = setInterval(() => {
    try {
      peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      // The process has exited.
    }
  }, 25);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}: ${stderr}${stdout}`);
  return { seconds: (performance.now() - started) / 1000, peakMiB: peakKiB / 1024, stdout };
}

function row(what: string, events: number, timed: Timed): Record<string, string | number> {
  return { what, events: formatRate(events), seconds: timed.seconds.toFixed(2), 'events/s': formatRate(events / timed.seconds), 'peak RSS MiB': timed.peakMiB.toFixed(0) };
}

interface Checkpoint {
  number: number;
  treeSize: number;
  rootHash: string;
}

/** Proof latency and the server's own verification, on the built server over the seeded folder. */
async function measureServer(dataDir: string, options: Options, log: SeededLog): Promise<void> {
  const hadReadModels = existsSync(join(dataDir, 'read-models.sqlite'));
  const server = await startServer({ DATA_DIR: dataDir, NODE_ENV: 'development' });
  const pool = new HttpPool(server.baseUrl, 1);
  try {
    const catchUp = await projectionsCaughtUp(server.baseUrl, 1800);
    console.log(hadReadModels ? `the server caught up on the read models it kept in ${catchUp.toFixed(1)} s` : `the server built its read models (merkle among them) from nothing in ${catchUp.toFixed(1)} s`);
    const get = async <T>(path: string): Promise<{ ms: number; body: T }> => {
      const started = performance.now();
      const response = await pool.send('GET', path, AUDITOR);
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${response.body}`);
      return { ms, body: JSON.parse(response.body) as T };
    };
    const checkpoints: Checkpoint[] = [];
    for (let after: number | null = -1; after !== null; ) {
      const page: { body: { items: Checkpoint[]; next: number | null } } = await get(`/api/audit/checkpoints?limit=1000${after >= 0 ? `&after=${after}` : ''}`);
      checkpoints.push(...page.body.items);
      after = page.body.next;
    }
    const latest = checkpoints[0]!;
    const rows: Array<Record<string, string | number>> = [];

    const inclusion = new Float64Array(options.proofs);
    for (let i = 0; i < options.proofs; i++) {
      // The seeded programme events hold positions 1..N (the checkpoints were appended after them).
      const position = 1 + Math.floor(Math.random() * log.events);
      const { ms, body } = await get<{ leafIndex: number; treeSize: number; leafHash: string; proof: string[]; rootHash: string }>(`/api/audit/proof/${position}?treeSize=${latest.treeSize}`);
      inclusion[i] = ms;
      if (i % 100 === 0 && !verifyInclusion(body.leafIndex, body.treeSize, Buffer.from(body.leafHash, 'hex'), body.proof.map((h) => Buffer.from(h, 'hex')), Buffer.from(latest.rootHash, 'hex'))) {
        throw new Error(`the inclusion proof of position ${position} does not verify`);
      }
    }
    rows.push(latencyRow('inclusion proof, random event, latest checkpoint', inclusion));

    const consistency = new Float64Array(options.proofs);
    for (let i = 0; i < options.proofs; i++) {
      const [a, b] = [checkpoints[Math.floor(Math.random() * checkpoints.length)]!, checkpoints[Math.floor(Math.random() * checkpoints.length)]!].sort((x, y) => x.treeSize - y.treeSize);
      const { ms, body } = await get<{ fromRoot: string; toRoot: string; proof: string[] }>(`/api/audit/consistency?from=${a!.treeSize}&to=${b!.treeSize}`);
      consistency[i] = ms;
      if (i % 100 === 0 && !verifyConsistency(a!.treeSize, b!.treeSize, Buffer.from(a!.rootHash, 'hex'), Buffer.from(b!.rootHash, 'hex'), body.proof.map((h) => Buffer.from(h, 'hex')))) {
        throw new Error(`the consistency proof from ${a!.treeSize} to ${b!.treeSize} does not verify`);
      }
    }
    rows.push(latencyRow('consistency proof, two random checkpoints', consistency));
    printTable(`proofs from the server, one at a time on one keep-alive connection: ${formatRate(log.events)} events, ${formatRate(checkpoints.length)} checkpoints (target < 20 ms)`, rows);

    const verify = await get<{ ok: boolean; checkedEvents: number }>('/api/audit/verify');
    if (!verify.body.ok) throw new Error(`the server finds the log broken: ${JSON.stringify(verify.body)}`);
    printTable('GET /api/audit/verify (its own thread and connection to the store)', [
      { events: formatRate(verify.body.checkedEvents), seconds: (verify.ms / 1000).toFixed(2), 'events/s': formatRate(verify.body.checkedEvents / (verify.ms / 1000)), 'server peak RSS MiB': server.peakMemoryMiB().toFixed(0) },
    ]);
  } finally {
    pool.close();
    await server.stop();
  }
}

function latencyRow(what: string, latencies: Float64Array): Record<string, string | number> {
  const sorted = latencies.slice().sort();
  return { what, requests: latencies.length, 'p50 ms': percentile(sorted, 50), 'p90 ms': percentile(sorted, 90), 'p99 ms': percentile(sorted, 99), 'max ms': percentile(sorted, 100) };
}
