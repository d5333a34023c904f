import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { NewEvent } from '../src/event-store/event-store.port.js';
import type { JsonObject } from '../src/event-store/json.js';
import { eventMetadata } from '../src/command-handling/event-metadata.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { tempDir } from '../test/support/temp-dir.js';
import { printTable } from './measure.js';
import { startServer } from './server-process.js';

const PROGRAMMES = 20;
const CONNECTIONS = 50;
const DURATION_SECONDS = 15;
const TOKEN = 'dev-official-token';

/**
 * Drives the real HTTP API of the built service: 50 concurrent clients take decisions (score corrections) spread
 * over 20 programmes, once with short programme streams (10 events) and once with long ones (10,000).
 */
export async function runDecisionsBenchmark(args: string[]): Promise<void> {
  const duration = Number(args.find((a) => a.startsWith('--duration='))?.split('=')[1] ?? DURATION_SECONDS);
  const rows: Array<Record<string, string | number>> = [];
  for (const streamLength of [10, 10_000]) {
    const data = tempDir('docket-bench-decisions-');
    await seedProgrammes(join(data.path, 'events.sqlite'), streamLength);
    const server = await startServer({ DATA_DIR: data.path, NODE_ENV: 'development' });
    try {
      await warmUp(server.baseUrl);
      const result = await drive(server.baseUrl, duration);
      rows.push({
        'stream length': streamLength.toLocaleString('en-US'),
        'decisions/s': Math.round(result.requests.average).toLocaleString('en-US'),
        'p50 ms': result.latency.p50,
        'p99 ms': result.latency.p99,
        'max ms': result.latency.max,
        'non-2xx': result.non2xx,
        errors: result.errors,
        'server peak RSS MiB': server.peakMemoryMiB().toFixed(0),
      });
    } finally {
      await server.stop();
      data.remove();
    }
  }
  printTable(`decisions over HTTP: ${CONNECTIONS} clients, ${PROGRAMMES} programmes, ${duration} s per run, embedded store (durability full)`, rows);
}

const TEAMS = ['upstage', 'lg-ai-research'];
const CRITERIA = ['benchmark', 'expert-evaluation'];

/**
 * Writes each programme's first `length` events straight into the store file, as decisions would have: two
 * finalists in an open round, scored, then score corrections. Corrections are what the benchmark takes too: they
 * can go on indefinitely, so a long stream is long history, not a large state.
 */
async function seedProgrammes(filename: string, length: number): Promise<void> {
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
      const batch: NewEvent[] = events.slice(i, i + 1000).map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data as JsonObject, metadata: seedMetadata() }));
      await store.append(`program-${programId}`, batch, { expectedRevision: i === 0 ? 'no-stream' : i - 1 });
    }
  }
  await store.close();
}

const seedMetadata = () =>
  eventMetadata({ actor: { id: 'kim.official', role: 'official' }, reason: 'seed', correlationId: 'seed' }, randomUUID(), new Date().toISOString());

let counter = 0;
/** A score correction on one of the programmes, round-robin, with points that change every time. */
const decision = (baseUrl: string) => {
  const n = counter++;
  return {
    url: `${baseUrl}/api/programs/bench-programme-${n % PROGRAMMES}/rounds/1/score-corrections`,
    body: JSON.stringify({ teamId: TEAMS[n % 2], criterion: CRITERIA[(n >> 1) % 2], points: (n % 10000) / 100, reason: 'recount of the panel sheet' }),
  };
};

/** One decision per programme first, so the server has folded each stream before the clock starts. */
async function warmUp(baseUrl: string): Promise<void> {
  for (let p = 0; p < PROGRAMMES; p++) {
    const { url, body } = decision(baseUrl);
    const response = await fetch(url.replace(/bench-programme-\d+/, `bench-programme-${p}`), { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
    if (response.status !== 201) throw new Error(`warm-up decision answered ${response.status}: ${await response.text()}`);
  }
}

function drive(baseUrl: string, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url: baseUrl,
    connections: CONNECTIONS,
    duration,
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
  });
}
