/**
 * The decision load the benchmarks share: programmes seeded straight into the store, then score corrections over
 * the HTTP API, driven by autocannon and measured in the steady state (warm-up answers discarded).
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { eventMetadata } from '../src/command-handling/event-metadata.js';
import { currentSchemaVersion } from '../src/program/program.upcasters.js';
import { chained, GENESIS_HASH } from '../src/integrity/event-hash.js';
import type { NewEvent } from '../src/event-store/event-store.port.js';
import type { JsonObject } from '../src/common/json.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { HttpPool } from './http-pool.js';
import type { ServerProcess } from './server-process.js';

export const PROGRAMMES = 20;
export const CONNECTIONS = 50;
export const OFFICIAL_TOKEN = 'dev-official-token';

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
    const streamId = `program-${programId}`;
    // Chained as the command loop chains them (see event-hash.ts).
    const all = chained(streamId, 0, GENESIS_HASH, events.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data as JsonObject, metadata: seedMetadata(e.type) })));
    for (let i = 0; i < all.length; i += 1000) {
      await store.append(streamId, all.slice(i, i + 1000), { expectedRevision: i === 0 ? 'no-stream' : i - 1 });
    }
  }
  await store.close();
}

const seedMetadata = (type: string) =>
  eventMetadata({ actor: { id: 'kim.official', role: 'official' }, reason: 'seed', correlationId: 'seed' }, randomUUID(), new Date().toISOString(), currentSchemaVersion(type));

/** The next decision a load sends: its URL and JSON body. */
export type NextDecision = (baseUrl: string) => { url: string; body: string };

let counter = 0;
/** A score correction on one of the programmes, round-robin, with points that change every time. */
const decision: NextDecision = (baseUrl: string) => {
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
export async function projectionsCaughtUp(baseUrl: string, timeoutSeconds = 600): Promise<number> {
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
export async function foldEveryProgramme(baseUrl: string): Promise<void> {
  for (let p = 0; p < PROGRAMMES; p++) {
    const { url, body } = decision(baseUrl);
    const response = await fetch(url.replace(/bench-programme-\d+/, `bench-programme-${p}`), { method: 'POST', headers: { authorization: `Bearer ${OFFICIAL_TOKEN}`, 'content-type': 'application/json' }, body });
    if (response.status !== 201) throw new Error(`warm-up decision answered ${response.status}: ${await response.text()}`);
  }
}

export interface SteadyState {
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

/**
 * Drives the load for `warmUp + duration` seconds and measures the last `duration`; `measuring` runs when the clock
 * starts. Without `rate`, closed loop: autocannon's 50 clients each send their next decision once the last is
 * answered (capacity). With `rate`, open loop: decisions due at an even spacing of 1/rate s, whatever the answers
 * do (see `pacedLoad`).
 */
export async function measureSteadyState(
  server: ServerProcess,
  warmUp: number,
  duration: number,
  rate?: number,
  measuring?: () => void,
  next: NextDecision = decision,
): Promise<SteadyState> {
  const latencies: number[] = [];
  let refused = 0;
  let from: { at: number; cpu: number } | null = null;
  const timer = setTimeout(() => {
    from = { at: performance.now(), cpu: server.cpuSeconds() };
    measuring?.();
  }, warmUp * 1000);
  const answered = (status: number, milliseconds: number) => {
    if (!from) return;
    if (status === 201) latencies.push(milliseconds);
    else refused++;
  };
  const errors =
    rate === undefined ? await closedLoad(server.baseUrl, warmUp + duration, answered, next) : await pacedLoad(server.baseUrl, warmUp + duration, rate, answered, next);
  clearTimeout(timer);
  const measured = from as { at: number; cpu: number } | null;
  if (!measured) throw new Error('the run ended before its warm-up did');
  return {
    decisions: latencies.length,
    refused,
    errors,
    seconds: (performance.now() - measured.at) / 1000,
    cpuSeconds: server.cpuSeconds() - measured.cpu,
    latencies: Float64Array.from(latencies).sort(),
  };
}

type Answered = (status: number, milliseconds: number) => void;

/** Closed loop through autocannon; resolves to the socket errors and timeouts. */
async function closedLoad(baseUrl: string, duration: number, answered: Answered, next: NextDecision): Promise<number> {
  const options: autocannon.Options = {
    url: baseUrl,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${OFFICIAL_TOKEN}`, 'content-type': 'application/json' },
        setupRequest: (request) => {
          const { url, body } = next(baseUrl);
          return { ...request, path: new URL(url).pathname, body };
        },
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) => (error ? reject(error as Error) : resolve(finished)));
    instance.on('response', (_client: unknown, status: number, _bytes: number, milliseconds: number) => answered(status, milliseconds));
  });
  return result.errors + result.timeouts;
}

/**
 * Open loop: the i-th decision is due at start + i/rate, and is sent then over a pool of keep-alive connections
 * (waiting for a free one if all are busy). Its latency runs from when it was due, not from when it left, so a
 * server that stalls is charged for every decision that could not even be sent meanwhile (no coordinated
 * omission). Not autocannon's `overallRate`: that sends each connection's quota for the second back to back, then
 * pauses until the next second, which is a closed-loop burst every second rather than an offered rate.
 * Resolves to the requests that failed at the socket.
 */
async function pacedLoad(baseUrl: string, duration: number, rate: number, answered: Answered, next: NextDecision): Promise<number> {
  const pool = new HttpPool(baseUrl, CONNECTIONS);
  const headers = { authorization: `Bearer ${OFFICIAL_TOKEN}`, 'content-type': 'application/json' };
  const started = performance.now();
  const end = started + duration * 1000;
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let errors = 0;
  const send = (due: number) => {
    const { url, body } = next(baseUrl);
    const answer: Promise<void> = pool.send('POST', url, headers, body).then(
      (response) => answered(response.status, performance.now() - due),
      () => void errors++,
    );
    const tracked = answer.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  while (performance.now() < end) {
    const now = performance.now();
    for (let due = started + (sent * 1000) / rate; due <= now && due < end; due = started + (sent * 1000) / rate) {
      sent++;
      send(due);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  pool.close();
  return errors;
}
