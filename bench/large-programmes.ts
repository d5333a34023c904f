/**
 * Programmes of thousands of teams for the benchmarks: decided with the real `decide`/`evolve` (so every event is
 * one a decision could have recorded, with real metadata) and written straight into a fresh embedded store.
 */
import { randomUUID } from 'node:crypto';
import { eventMetadata } from '../src/command-handling/event-metadata.js';
import { currentSchemaVersion } from '../src/program/program.upcasters.js';
import type { NewEvent } from '../src/event-store/event-store.port.js';
import { chained, GENESIS_HASH } from '../src/integrity/event-hash.js';
import type { JsonObject } from '../src/common/json.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import type { ProgramCommand } from '../src/program/program.commands.js';
import { programDecider } from '../src/decisions/program.decider.js';
import type { ProgramState } from '../src/program/program.state.js';
import type { NextDecision } from './decision-load.js';

export const RULE = 'independent-development';
export const CRITERIA = ['benchmark', 'expert-evaluation', 'user-evaluation'];

/** One programme's decisions, folded as they are taken, and its events with the times they took effect. */
export class ProgrammeBuilder {
  private state: ProgramState = programDecider.initialState;
  readonly events: NewEvent[] = [];

  constructor(
    readonly programId: string,
    /** The effective time of the next decision; each decision moves it on. */
    private readonly effectiveAt: () => Date = () => new Date(),
  ) {}

  decide(type: ProgramCommand['type'], data: object): void {
    const command = { type, data: { programId: this.programId, ...data } } as ProgramCommand;
    const decided = programDecider.decide(command, this.state);
    const commandId = randomUUID();
    const occurredAt = this.effectiveAt().toISOString();
    for (const event of decided) {
      this.state = programDecider.evolve(this.state, event);
      const context = { actor: { id: 'kim.official', role: 'official' }, reason: 'seeded for the benchmark', correlationId: commandId };
      this.events.push({ eventId: randomUUID(), type: event.type, data: event.data as JsonObject, metadata: eventMetadata(context, commandId, occurredAt, currentSchemaVersion(event.type)) });
    }
  }

  /** `count` applications, from `team-00000` on. */
  applications(count: number): string[] {
    const teams = Array.from({ length: count }, (_, i) => `team-${String(i).padStart(5, '0')}`);
    for (const teamId of teams) {
      this.decide('SubmitApplication', { teamId, consortiumName: `Consortium ${teamId}`, leadOrganization: `Lead of ${teamId}`, members: [`Lead of ${teamId}`, 'A university'] });
    }
    return teams;
  }

  /** Applications closed, the first `finalists` teams selected, round 1 opened and every finalist scored. */
  openRound(teams: readonly string[], finalists: number): string[] {
    this.decide('CloseApplications', {});
    const selected = teams.slice(0, finalists);
    for (const teamId of selected) this.decide('SelectFinalist', { teamId });
    this.decide('OpenEvaluationRound', { round: 1, title: 'First stage', scorecard: CRITERIA.map((criterion) => ({ criterion, maxPoints: 40 })) });
    for (const [i, teamId] of selected.entries()) {
      for (const criterion of CRITERIA) this.decide('RecordScore', { round: 1, teamId, criterion, points: ((i * 7) % 4000) / 100 });
    }
    return selected;
  }

  /** Writes the events into the store's stream, chained, a thousand at a time. */
  async writeTo(store: SqliteEventStore): Promise<void> {
    const streamId = `program-${this.programId}`;
    // Chained as the command loop chains them (see event-hash.ts).
    const events = chained(streamId, 0, GENESIS_HASH, this.events);
    for (let i = 0; i < events.length; i += 1000) {
      await store.append(streamId, events.slice(i, i + 1000), { expectedRevision: i === 0 ? 'no-stream' : i - 1 });
    }
  }
}

export const launch = (finalistSlots = 1000) => ({ title: 'Open call for start-up grants', ministry: 'MSIT', finalistSlots, winnerSlots: 2, rules: [{ ruleId: RULE, text: 'Weights initialised and trained by the team.' }] });

/** A programme of the benchmark's mixed load: its teams, finalists, and the applicants not yet decided on. */
export interface MixedProgramme {
  programId: string;
  teams: string[];
  finalists: string[];
  /** Applicants the load may still select or eliminate, each once. */
  undecided: string[];
  /** Finalist slots left. */
  slotsLeft: number;
}

/**
 * Decisions over the programmes round-robin, in turn: a compliance finding on any of its teams, a score correction
 * of a finalist, an applicant not shortlisted, an applicant selected as finalist. The last two take each applicant
 * once; a programme that has none left (or no slot) takes a finding instead. Deterministic (a counter), so every
 * run sends the same decisions.
 */
export function mixedLoad(programmes: MixedProgramme[], kinds = 4): NextDecision {
  let n = 0;
  const json = (body: object) => JSON.stringify({ ...body, reason: 'benchmark decision' });
  return (baseUrl) => {
    const i = n++;
    const programme = programmes[i % programmes.length]!;
    const base = `${baseUrl}/api/programs/${programme.programId}`;
    const finding = () => ({
      url: `${base}/compliance-findings`,
      body: json({ teamId: programme.teams[(i * 7919) % programme.teams.length], ruleId: RULE, verdict: 'cleared', findings: 'Declaration checked against the training logs.' }),
    });
    switch (Math.floor(i / programmes.length) % kinds) {
      case 0:
        return finding();
      case 1: {
        const teamId = programme.finalists[(i * 104729) % programme.finalists.length];
        return { url: `${base}/rounds/1/score-corrections`, body: json({ teamId, criterion: CRITERIA[i % CRITERIA.length], points: (i % 4000) / 100 }) };
      }
      case 2: {
        const teamId = programme.undecided.pop();
        return teamId === undefined ? finding() : { url: `${base}/eliminations`, body: json({ teamId, grounds: 'not-shortlisted' }) };
      }
      default: {
        if (programme.slotsLeft === 0) return finding();
        const teamId = programme.undecided.pop();
        if (teamId === undefined) return finding();
        programme.slotsLeft -= 1;
        return { url: `${base}/finalists`, body: json({ teamId }) };
      }
    }
  };
}

/** Applications of new teams to the programmes round-robin (the programmes grow by one team each time). */
export function applicationLoad(programIds: string[]): NextDecision {
  let n = 0;
  return (baseUrl) => {
    const i = n++;
    const teamId = `late-applicant-${i}`;
    return {
      url: `${baseUrl}/api/programs/${programIds[i % programIds.length]}/applications`,
      body: JSON.stringify({ teamId, consortiumName: `Consortium ${teamId}`, leadOrganization: `Lead of ${teamId}`, members: [`Lead of ${teamId}`], reason: 'benchmark decision' }),
    };
  };
}

/**
 * `count` programmes of `teams` teams for the mixed load (round 1 open, half the teams finalists up to 500, the
 * finalist slots 1,000) and `count` accepting applications, into the store at `filename`.
 */
export async function seedTeamProgrammes(filename: string, count: number, teams: number): Promise<{ mixed: MixedProgramme[]; open: string[] }> {
  const store = new SqliteEventStore({ filename });
  const mixed: MixedProgramme[] = [];
  const open: string[] = [];
  try {
    for (let p = 0; p < count; p++) {
      const decided = new ProgrammeBuilder(`teams-${teams}-decided-${p}`);
      decided.decide('LaunchProgram', launch());
      const ids = decided.applications(teams);
      const finalists = decided.openRound(ids, Math.min(500, Math.ceil(teams / 2)));
      await decided.writeTo(store);
      mixed.push({ programId: decided.programId, teams: ids, finalists, undecided: ids.slice(finalists.length).reverse(), slotsLeft: 1000 - finalists.length });
      const accepting = new ProgrammeBuilder(`teams-${teams}-open-${p}`);
      accepting.decide('LaunchProgram', launch());
      accepting.applications(teams);
      await accepting.writeTo(store);
      open.push(accepting.programId);
    }
  } finally {
    await store.close();
  }
  return { mixed, open };
}
