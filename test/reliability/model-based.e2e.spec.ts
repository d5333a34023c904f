import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { collect } from '../event-store/event-store.contract.js';
import { STORE_KINDS, startApp } from '../support/app-harness.js';
import { httpClient, type TokenRole } from '../support/http-client.js';
import { recordSoak } from './soak-report.js';

/**
 * Model-based testing: random sequences of decisions (valid and not, by two officials and an evaluator, with
 * `If-Match` and `Idempotency-Key` sometimes, a request sometimes sent again as it was) run against the real
 * service over HTTP and against a small reference model of the rules written here. After every step the answer
 * (status and code) is the model's; at the end the standings, the audit history and every team's timeline agree
 * with the model and with the stream. Then the same kind of decisions are sent in parallel, and the outcome is held
 * to the rules (never more finalists than slots, every 201 recorded once). fast-check shrinks a failure to a
 * minimal sequence. `DOCKET_SOAK=1` runs ten times as many.
 */
const SOAK = Boolean(process.env['DOCKET_SOAK']);
const RUNS = SOAK ? 200 : 15;
const TEAMS = ['t-a', 't-b', 't-c', 't-d', 't-e'];
const SLOTS = 2;

type Op =
  | { kind: 'apply'; team: string }
  | { kind: 'close' }
  | { kind: 'select'; team: string }
  | { kind: 'withdraw'; team: string };
interface Step {
  op: Op;
  role: TokenRole;
  ifMatch: 'none' | 'current' | 'stale';
  key: string | null;
  /** Sends the step before this many steps back again, exactly as it was (body, key, If-Match value). */
  repeat: number | null;
}

interface Model {
  phase: 'accepting' | 'screening';
  teams: Map<string, 'applicant' | 'finalist' | 'withdrawn'>;
  revision: number;
  keys: Map<string, { fingerprint: string; revision: number }>;
}

function pathAndBody(programId: string, op: Op): { path: string; body: Record<string, unknown> } {
  const p = `/api/programs/${programId}`;
  switch (op.kind) {
    case 'apply':
      return { path: `${p}/applications`, body: { teamId: op.team, consortiumName: `${op.team} consortium`, leadOrganization: op.team, members: [op.team], reason: 'Application received' } };
    case 'close':
      return { path: `${p}/applications/close`, body: { reason: 'Deadline' } };
    case 'select':
      return { path: `${p}/finalists`, body: { teamId: op.team, reason: 'Selected' } };
    case 'withdraw':
      return { path: `${p}/withdrawals`, body: { teamId: op.team, statement: 'We withdraw', reason: 'Withdrawal' } };
  }
}

/** The rules, as the model knows them: the answer to a step, and the model after it. */
function expect_(model: Model, op: Op, role: TokenRole, ifMatchRevision: number | null, key: string | null, fingerprint: string): { status: number; code?: string; revision?: number } {
  if (role !== 'official') return { status: 403, code: 'FORBIDDEN' };
  // A revision before the first is no revision: the header itself is refused, before anything is decided.
  if (ifMatchRevision !== null && ifMatchRevision < 0) return { status: 400, code: 'VALIDATION_FAILED' };
  if (key !== null) {
    const seen = model.keys.get(key);
    if (seen && seen.fingerprint !== fingerprint) return { status: 409, code: 'IDEMPOTENCY_KEY_REUSED' };
    if (seen) return { status: 200, revision: seen.revision };
  }
  if (ifMatchRevision !== null && ifMatchRevision !== model.revision) return { status: 412, code: 'REVISION_MISMATCH' };
  const refuse = (status: number, code: string) => ({ status, code });
  switch (op.kind) {
    case 'apply':
      if (model.phase !== 'accepting') return refuse(422, 'APPLICATIONS_CLOSED');
      if (model.teams.has(op.team)) return refuse(422, 'DUPLICATE_APPLICATION');
      model.teams.set(op.team, 'applicant');
      break;
    case 'close':
      if (model.phase !== 'accepting') return refuse(422, 'APPLICATIONS_CLOSED');
      model.phase = 'screening';
      break;
    case 'select': {
      const status = model.teams.get(op.team);
      if (status === undefined) return refuse(404, 'TEAM_NOT_FOUND');
      if (model.phase === 'accepting') return refuse(422, 'APPLICATIONS_STILL_OPEN');
      if (status !== 'applicant') return refuse(422, 'NOT_AN_APPLICANT');
      if ([...model.teams.values()].filter((s) => s === 'finalist').length >= SLOTS) return refuse(422, 'FINALIST_SLOTS_FULL');
      model.teams.set(op.team, 'finalist');
      break;
    }
    case 'withdraw': {
      const status = model.teams.get(op.team);
      if (status === undefined) return refuse(404, 'TEAM_NOT_FOUND');
      if (status === 'withdrawn') return refuse(422, 'TEAM_NOT_ACTIVE');
      model.teams.set(op.team, 'withdrawn');
      break;
    }
  }
  model.revision += 1;
  if (key !== null) model.keys.set(key, { fingerprint, revision: model.revision });
  return { status: 201, revision: model.revision };
}

const team = fc.constantFrom(...TEAMS);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: team.map((t) => ({ kind: 'apply' as const, team: t })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'close' as const }) },
  { weight: 3, arbitrary: team.map((t) => ({ kind: 'select' as const, team: t })) },
  { weight: 1, arbitrary: team.map((t) => ({ kind: 'withdraw' as const, team: t })) },
);
const step: fc.Arbitrary<Step> = fc.record({
  op,
  role: fc.oneof({ weight: 8, arbitrary: fc.constant<TokenRole>('official') }, { weight: 1, arbitrary: fc.constant<TokenRole>('evaluator') }),
  ifMatch: fc.constantFrom('none', 'none', 'current', 'stale'),
  key: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { freq: 3 }),
  repeat: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 5 }),
});

let programmes = 0;

describe.each(STORE_KINDS)('model-based: decisions against a reference model [%s]', (store) => {
  let running: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    running = await startApp(store);
  });
  afterAll(async () => {
    await running?.stop();
  });

  it(`agrees with the model after every step, and at the end in standings, audit and timelines (${RUNS} sequences)`, async () => {
    const http = httpClient(running.baseUrl);
    const events = running.app.get<EventStore>(EVENT_STORE);
    let operations = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: SOAK ? 40 : 25 }), async (steps) => {
        const programId = `model-${store === 'sqlite' ? 's' : 'e'}-${++programmes}`;
        const launched = await http.post('/api/programs', { programId, title: 'Model', ministry: 'MSIT', finalistSlots: SLOTS, winnerSlots: 1, reason: 'launch', rules: [{ ruleId: 'independent-development', text: 'x' }] });
        expect(launched.status).toBe(201);
        const model: Model = { phase: 'accepting', teams: new Map(), revision: 0, keys: new Map() };
        const sent: Array<{ path: string; body: Record<string, unknown>; headers: Record<string, string>; role: TokenRole; op: Op; ifMatchRevision: number | null; key: string | null }> = [];
        for (const [index, s] of steps.entries()) {
          const again = s.repeat !== null && index - s.repeat >= 0 ? sent[index - s.repeat]! : null;
          const request = again ?? (() => {
            const { path, body } = pathAndBody(programId, s.op);
            const ifMatchRevision = s.ifMatch === 'none' ? null : s.ifMatch === 'current' ? model.revision : model.revision - 1;
            const headers: Record<string, string> = {};
            if (ifMatchRevision !== null) headers['if-match'] = `"${ifMatchRevision}"`;
            if (s.key) headers['idempotency-key'] = s.key;
            return { path, body, headers, role: s.role, op: s.op, ifMatchRevision, key: s.key };
          })();
          sent.push(request);
          const fingerprint = `${request.path}\n${JSON.stringify(request.body)}`;
          const wanted = expect_(model, request.op, request.role, request.ifMatchRevision, request.key, fingerprint);
          const answer = await http.post(request.path, request.body, { role: request.role, headers: request.headers });
          operations += 1;
          const got = { status: answer.status, ...(answer.status >= 400 ? { code: answer.body?.code } : { revision: answer.body?.revision }) };
          expect({ step: index, op: request.op, ...got }).toEqual({ step: index, op: request.op, ...wanted });
        }
        // The end: the stream, the standings, the audit history and each team's timeline tell the model's story.
        const stream = await collect(events.readStream(`program-${programId}`));
        expect(stream).toHaveLength(model.revision + 1);
        const standings = await http.get(`/api/programs/${programId}/standings?minPosition=${stream.at(-1)!.position}`, { role: 'auditor' });
        expect(standings.body.revision).toBe(model.revision);
        expect(Object.fromEntries((standings.body.teams as Array<{ teamId: string; status: string }>).map((t) => [t.teamId, t.status]))).toEqual(Object.fromEntries(model.teams));
        expect(standings.body.phase).toBe(model.phase === 'accepting' ? 'accepting-applications' : 'screening');
        const audit = await http.get(`/api/programs/${programId}/audit?limit=1000`, { role: 'auditor' });
        expect((audit.body.items as Array<{ eventId: string }>).map((i) => i.eventId)).toEqual(stream.map((e) => e.eventId));
        for (const teamId of model.teams.keys()) {
          const timeline = await http.get(`/api/programs/${programId}/teams/${teamId}/timeline`, { role: 'auditor' });
          const naming = stream.filter((e) => e.data['teamId'] === teamId).map((e) => e.position.toString());
          expect((timeline.body.entries as Array<{ position: string }>).map((e) => e.position)).toEqual(naming);
        }
      }),
      { numRuns: RUNS, seed: Number(process.env['DOCKET_SEED'] ?? Date.now() % 2 ** 31) },
    );
    recordSoak(`model-based [${store}]`, { operations });
  }, 600_000);

  it('keeps the rules under parallel decisions: never more finalists than slots, every 201 recorded exactly once', async () => {
    const http = httpClient(running.baseUrl);
    const events = running.app.get<EventStore>(EVENT_STORE);
    const rounds = SOAK ? 30 : 4;
    let acknowledged = 0;
    let operations = 0;
    for (let round = 0; round < rounds; round++) {
      const programId = `parallel-${store === 'sqlite' ? 's' : 'e'}-${round}`;
      expect((await http.post('/api/programs', { programId, title: 'Parallel', ministry: 'MSIT', finalistSlots: SLOTS, winnerSlots: 1, reason: 'launch', rules: [{ ruleId: 'independent-development', text: 'x' }] })).status).toBe(201);
      const applied = await Promise.all(TEAMS.map((t) => http.post(`/api/programs/${programId}/applications`, pathAndBody(programId, { kind: 'apply', team: t }).body, { headers: { 'idempotency-key': `apply-${t}` } })));
      const again = await Promise.all(TEAMS.map((t) => http.post(`/api/programs/${programId}/applications`, pathAndBody(programId, { kind: 'apply', team: t }).body, { headers: { 'idempotency-key': `apply-${t}` } })));
      expect(again.map((r) => r.status)).toEqual(TEAMS.map(() => 200));
      expect((await http.post(`/api/programs/${programId}/applications/close`, { reason: 'Deadline' })).status).toBe(201);
      const selected = await Promise.all([...TEAMS, ...TEAMS].map((t) => http.post(`/api/programs/${programId}/finalists`, { teamId: t, reason: 'Selected' })));
      operations += applied.length + again.length + 1 + selected.length;
      const created = [...applied, ...selected].filter((r) => r.status === 201);
      acknowledged += created.length + 2;
      expect(selected.filter((r) => r.status === 201)).toHaveLength(SLOTS);
      for (const r of selected.filter((x) => x.status !== 201)) expect(['FINALIST_SLOTS_FULL', 'NOT_AN_APPLICANT']).toContain(r.body.code);
      const stream = await collect(events.readStream(`program-${programId}`));
      const positions = stream.map((e) => e.position.toString());
      for (const r of created) expect(positions.filter((p) => p === r.body.position)).toHaveLength(1);
      expect(stream.filter((e) => e.type === 'FinalistSelected')).toHaveLength(SLOTS);
      expect(stream.filter((e) => e.type === 'ApplicationSubmitted')).toHaveLength(TEAMS.length);
    }
    recordSoak(`parallel decisions [${store}]`, { operations, acknowledged, lost: 0, duplicates: 0 });
  }, 600_000);
});
