/**
 * Realistic programme histories for the benchmarks that need a large log: the real `decide`/`evolve` over a
 * programme's whole course, interleaved across many programmes, chained as the command loop chains them.
 */
import { randomUUID } from 'node:crypto';
import { eventMetadata } from '../src/command-handling/event-metadata.js';
import type { JsonObject } from '../src/common/json.js';
import type { NewEvent } from '../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { chained, GENESIS_HASH } from '../src/integrity/event-hash.js';
import type { ProgramCommand } from '../src/program/program.commands.js';
import { decide } from '../src/program/program.decide.js';
import { evolve, initialState, type ProgramState } from '../src/program/program.state.js';
import { currentSchemaVersion } from '../src/program/program.upcasters.js';
import { SCORECARD } from '../src/cli/demo/programme-history.js';

export const TEAMS = Array.from({ length: 15 }, (_, i) => `team-${String.fromCharCode(97 + i)}`);
const RULE = 'independent-development';

/** A programme's decisions, from launch to its winners, with `corrections` score corrections in its open round. */
export function* decisions(programId: string, corrections: number): Generator<ProgramCommand> {
  const data = <T extends object>(rest: T) => ({ programId, ...rest });
  yield { type: 'LaunchProgram', data: data({ title: `Programme ${programId}`, ministry: 'Ministry of Science and ICT', finalistSlots: 5, winnerSlots: 2, rules: [{ ruleId: RULE, text: 'Weights initialised by the team and trained from scratch.' }] }) };
  for (const teamId of TEAMS) yield { type: 'SubmitApplication', data: data({ teamId, consortiumName: `${teamId} consortium`, leadOrganization: teamId, members: [teamId, `${teamId}-university`] }) };
  yield { type: 'CloseApplications', data: data({}) };
  for (const teamId of TEAMS.slice(0, 5)) yield { type: 'SelectFinalist', data: data({ teamId }) };
  for (const teamId of TEAMS.slice(5)) yield { type: 'EliminateTeam', data: data({ teamId, grounds: 'not-shortlisted' as const }) };
  yield { type: 'OpenEvaluationRound', data: data({ round: 1, title: 'First-stage evaluation', scorecard: SCORECARD }) };
  const points = (k: number, max: number) => Math.round(((k * 37) % 100) * max) / 100;
  for (const [t, teamId] of TEAMS.slice(0, 5).entries()) {
    for (const { criterion, maxPoints } of SCORECARD) yield { type: 'RecordScore', data: data({ round: 1, teamId, criterion, points: points(t + 1, maxPoints) }) };
  }
  for (let k = 0; k < corrections; k++) {
    const { criterion, maxPoints } = SCORECARD[k % 5]!;
    yield { type: 'CorrectScore', data: data({ round: 1, teamId: TEAMS[(k >> 3) % 5]!, criterion, points: points(k, maxPoints) }) };
  }
  yield { type: 'CloseEvaluationRound', data: data({ round: 1 }) };
  yield { type: 'EliminateTeam', data: data({ teamId: TEAMS[4]!, grounds: 'ranking' as const, round: 1 }) };
  yield { type: 'RecordComplianceFinding', data: data({ teamId: TEAMS[3]!, ruleId: RULE, verdict: 'violation' as const, findings: 'Pretrained third-party encoder weights.' }) };
  yield { type: 'EliminateTeam', data: data({ teamId: TEAMS[3]!, grounds: 'rule-violation' as const, ruleId: RULE }) };
  yield { type: 'ClarifyEligibilityRule', data: data({ ruleId: RULE, text: 'Initialising the weights and original training are the minimum condition.' }) };
  yield { type: 'OpenWildcard', data: data({ slots: 1, closesAt: '2026-02-12T18:00:00+09:00' }) };
  yield { type: 'SubmitWildcardApplication', data: data({ teamId: TEAMS[4]! }) };
  yield { type: 'CloseWildcard', data: data({ admit: [] }) };
  for (const teamId of TEAMS.slice(0, 2)) yield { type: 'SelectWinner', data: data({ teamId }) };
}

/** Events of a programme as the command loop would record them: decided on the folded state, with real metadata. */
function* programmeEvents(programId: string, corrections: number): Generator<NewEvent> {
  let state: ProgramState = initialState;
  const context = { actor: { id: 'kim.official', role: 'official' as const }, reason: 'Benchmark history', correlationId: randomUUID() };
  for (const command of decisions(programId, corrections)) {
    const commandId = randomUUID();
    for (const event of decide(command, state)) {
      state = evolve(state, event);
      yield { eventId: randomUUID(), type: event.type, data: event.data as unknown as JsonObject, metadata: eventMetadata(context, commandId, new Date().toISOString(), currentSchemaVersion(event.type)) };
    }
  }
}

/** Appends the programmes' histories interleaved, a few events per programme per append, as a busy ministry would. */
export async function seedHistories(filename: string, options: { events: number; programmes: number }): Promise<{ events: number; seconds: number }> {
  const started = Date.now();
  const store = new SqliteEventStore({ filename, durability: 'normal' });
  const fixed = [...programmeEvents('probe', 0)].length;
  const corrections = Math.max(0, Math.floor(options.events / options.programmes) - fixed);
  const live = Array.from({ length: options.programmes }, (_, p) => ({
    streamId: `program-bench-${p}`,
    events: programmeEvents(`bench-${p}`, corrections),
    revision: -1,
    hash: GENESIS_HASH,
  }));
  let total = 0;
  while (live.length > 0) {
    const appends: Array<Promise<unknown>> = [];
    for (let i = live.length - 1; i >= 0; i--) {
      const programme = live[i]!;
      const batch: NewEvent[] = [];
      for (let k = 0; k < 8; k++) {
        const next = programme.events.next();
        if (next.done) break;
        batch.push(next.value);
      }
      if (batch.length === 0) {
        live.splice(i, 1);
        continue;
      }
      // Chained as the command loop chains them (see event-hash.ts).
      const links = chained(programme.streamId, programme.revision + 1, programme.hash, batch);
      appends.push(store.append(programme.streamId, links, { expectedRevision: programme.revision < 0 ? 'no-stream' : programme.revision }));
      programme.revision += batch.length;
      programme.hash = links.at(-1)!.metadata.hash as string;
      total += batch.length;
    }
    await Promise.all(appends);
  }
  await store.close();
  return { events: total, seconds: (Date.now() - started) / 1000 };
}

