import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { v5 as uuidPackageV5 } from 'uuid';
import { type CommandLoopObserver, type CommandLoopOptions, CommandLoop, uuidv5 } from '../../src/command-handling/command-loop.js';
import type { DecisionContext } from '../../src/command-handling/decision.js';
import { EventStoreUnavailableError } from '../../src/event-store/event-store.errors.js';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { RevisionMismatchError } from '../../src/command-handling/decision-errors.js';
import { eventHash, GENESIS_HASH } from '../../src/integrity/event-hash.js';
import type { ProgramCommand } from '../../src/program/program.commands.js';
import { checkProgramAcceptsCommands, decide } from '../../src/program/program.decide.js';
import { ProgramRuleError } from '../../src/program/program.errors.js';
import type { ProgramEvent } from '../../src/program/program.events.js';
import { evolve, initialState, type ProgramState } from '../../src/program/program.state.js';
import { currentSchemaVersion, upcast } from '../../src/program/program.upcasters.js';
import { collect } from '../event-store/event-store.contract.js';
import { tempDir } from '../support/temp-dir.js';
import { commandsOf } from '../program/program.fixtures.js';

const PROGRAM = 'sovereign-ai-2025';
const STREAM = `program-${PROGRAM}`;
const command = commandsOf(PROGRAM);
const clock = { now: () => new Date('2026-01-15T01:00:00.000Z') };
const newLoop = (store: EventStore, options: CommandLoopOptions = {}) =>
  new CommandLoop<ProgramCommand, ProgramEvent, ProgramState>(store, { initialState, evolve, precheck: checkProgramAcceptsCommands, decide, upcast, schemaVersion: currentSchemaVersion }, clock, options);
/** The store, but the answer to its next append is lost once (the append itself is made). */
const losingOneAnswer = (store: EventStore): EventStore => {
  let failures = 1;
  return Object.create(store, {
    append: {
      value: async (...args: Parameters<EventStore['append']>) => {
        const result = await store.append(...args);
        if (failures-- > 0) throw new EventStoreUnavailableError('the answer was lost');
        return result;
      },
    },
  }) as EventStore;
};
const context = (extra: Partial<DecisionContext> = {}): DecisionContext => ({
  actor: { id: 'kim.official', role: 'official' },
  reason: 'as announced',
  correlationId: 'corr-1',
  ...extra,
});
const launch = command('LaunchProgram', { title: 'Sovereign AI', ministry: 'MSIT', finalistSlots: 2, winnerSlots: 1, rules: [] });
const apply = (teamId: string) => command('SubmitApplication', { teamId, consortiumName: teamId, leadOrganization: teamId, members: [teamId] });

describe('the command loop', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteEventStore;
  let loop: ReturnType<typeof newLoop>;

  beforeEach(() => {
    dir = tempDir();
    store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
    loop = newLoop(store);
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('appends the decided events with the decision metadata and answers their revisions and positions', async () => {
    const outcome = await loop.handle(STREAM, launch, context({ legalBasis: 'Act 12', effectiveAt: '2025-07-01T09:00:00+09:00', causationId: 'c-9' }));
    expect(outcome).toMatchObject({ replayed: false, revision: 0, events: [{ type: 'ProgramLaunched', revision: 0 }] });
    expect(outcome.position).toMatch(/^\d+$/);
    const [event] = await collect(store.readStream(STREAM));
    expect(event!.metadata).toEqual({
      schemaVersion: 1,
      actor: { id: 'kim.official', role: 'official' },
      reason: 'as announced',
      legalBasis: 'Act 12',
      commandId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      correlationId: 'corr-1',
      causationId: 'c-9',
      idempotencyKey: null,
      occurredAt: '2025-07-01T00:00:00.000Z',
      prevHash: GENESIS_HASH,
      hash: eventHash(event!),
    });
    const second = await loop.handle(STREAM, apply('upstage'), context());
    const [, applied] = await collect(store.readStream(STREAM));
    expect(applied!.metadata['occurredAt']).toBe('2026-01-15T01:00:00.000Z');
    expect(applied!.metadata['causationId']).toBe(applied!.metadata['commandId']);
    expect(second.revision).toBe(1);
    // Chained: the second event names the first's hash, and its own hash covers that.
    expect(applied!.metadata).toMatchObject({ prevHash: event!.metadata['hash'], hash: eventHash(applied!) });
  });

  it('refuses by the rules, with nothing appended', async () => {
    await expect(loop.handle(STREAM, apply('upstage'), context())).rejects.toMatchObject({ code: 'PROGRAM_NOT_FOUND' });
    await loop.handle(STREAM, launch, context());
    await expect(loop.handle(STREAM, launch, context())).rejects.toBeInstanceOf(ProgramRuleError);
    expect(await collect(store.readStream(STREAM))).toHaveLength(1);
  });

  it('takes a decision under If-Match only at that revision, after the existence checks', async () => {
    await expect(loop.handle(STREAM, apply('upstage'), context({ ifMatchRevision: 3 }))).rejects.toMatchObject({ code: 'PROGRAM_NOT_FOUND' });
    await loop.handle(STREAM, launch, context());
    const stale = await loop.handle(STREAM, apply('upstage'), context({ ifMatchRevision: 5 })).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(RevisionMismatchError);
    expect(stale).toMatchObject({ kind: 'precondition-failed', code: 'REVISION_MISMATCH', actual: 0, expected: 5 });
    expect((await loop.handle(STREAM, apply('upstage'), context({ ifMatchRevision: 0 }))).revision).toBe(1);
  });

  describe('idempotency keys', () => {
    const keyed = (key: string, fingerprint = 'f-1') => context({ idempotency: { key, fingerprint } });

    it('answer a repeated request with the first outcome and append nothing, also after a restart', async () => {
      await loop.handle(STREAM, launch, context());
      const first = await loop.handle(STREAM, apply('upstage'), keyed('k-1'));
      const again = await loop.handle(STREAM, apply('upstage'), keyed('k-1'));
      expect(again).toEqual({ ...first, replayed: true });
      const restarted = newLoop(store);
      expect(await restarted.handle(STREAM, apply('upstage'), keyed('k-1'))).toEqual({ ...first, replayed: true });
      expect(await collect(store.readStream(STREAM))).toHaveLength(2);
    });

    it('refuse a key reused with another request', async () => {
      await loop.handle(STREAM, launch, context());
      await loop.handle(STREAM, apply('upstage'), keyed('k-1', 'f-1'));
      await expect(loop.handle(STREAM, apply('lg-ai-research'), keyed('k-1', 'f-2'))).rejects.toMatchObject({ kind: 'conflict', code: 'IDEMPOTENCY_KEY_REUSED' });
    });

    it('store nothing under the key of a refused request', async () => {
      await loop.handle(STREAM, launch, context());
      await loop.handle(STREAM, command('CloseApplications', {}), context());
      await expect(loop.handle(STREAM, apply('upstage'), keyed('k-1', 'f-1'))).rejects.toMatchObject({ code: 'APPLICATIONS_CLOSED' });
      await expect(loop.handle(STREAM, command('SelectFinalist', { teamId: 'nobody' }), keyed('k-1', 'f-2'))).rejects.toMatchObject({
        code: 'TEAM_NOT_FOUND',
      });
    });

    it('apply exactly one of concurrent identical requests', async () => {
      await loop.handle(STREAM, launch, context());
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => loop.handle(STREAM, apply('upstage'), keyed('k-1'))));
      expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
      expect(new Set(outcomes.map((o) => o.position)).size).toBe(1);
      expect(await collect(store.readStream(STREAM))).toHaveLength(2);
    });

    it('apply concurrent identical requests from several processes once: the store sees the same event ids', async () => {
      await loop.handle(STREAM, launch, context());
      const processes = Array.from({ length: 4 }, () => newLoop(store));
      const outcomes = await Promise.all(processes.map((p) => p.handle(STREAM, apply('upstage'), keyed('k-1'))));
      expect(new Set(outcomes.map((o) => o.position)).size).toBe(1);
      expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
      expect(await collect(store.readStream(STREAM))).toHaveLength(2);
    });

    it('refuse another request under the same key sent to another process at the same moment', async () => {
      await loop.handle(STREAM, launch, context());
      const settled = await Promise.allSettled([
        newLoop(store).handle(STREAM, apply('upstage'), keyed('k-1', 'f-upstage')),
        newLoop(store).handle(STREAM, apply('lg-ai-research'), keyed('k-1', 'f-lg')),
      ]);
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
      const refused = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      expect(refused?.reason).toMatchObject({ kind: 'conflict', code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(await collect(store.readStream(STREAM))).toHaveLength(2);
    });

    it('derive the event ids from the key, so the store itself sees a retried append as the same', async () => {
      await loop.handle(STREAM, launch, context());
      await loop.handle(STREAM, apply('upstage'), keyed('k-1'));
      const [, first] = await collect(store.readStream(STREAM));
      const elsewhere = new SqliteEventStore({ filename: join(dir.path, 'other.sqlite') });
      await newLoop(elsewhere).handle(STREAM, launch, context());
      await newLoop(elsewhere).handle(STREAM, apply('upstage'), keyed('k-1'));
      const [, second] = await collect(elsewhere.readStream(STREAM));
      await elsewhere.close();
      expect(second!.eventId).toBe(first!.eventId);
    });
  });

  it('re-reads and re-decides when another process appended first: non-conflicting decisions both land', async () => {
    await loop.handle(STREAM, launch, context());
    const processes = Array.from({ length: 6 }, () => newLoop(store));
    await Promise.all(processes.map((p, i) => p.handle(STREAM, apply(`team-${i}`), context())));
    const events = await collect(store.readStream(STREAM));
    expect(events.map((e) => e.data['teamId']).filter(Boolean).sort()).toEqual(['team-0', 'team-1', 'team-2', 'team-3', 'team-4', 'team-5']);
    // Each process that lost a race re-read the events it had not seen and chained its own to the last of them.
    expectChained(events);
  });

  it('lets exactly one of many processes take the last finalist slot; the rules refuse the rest', async () => {
    await loop.handle(STREAM, launch, context());
    for (const team of ['a-team', 'b-team', 'c-team', 'd-team']) await loop.handle(STREAM, apply(team), context());
    await loop.handle(STREAM, command('CloseApplications', {}), context());
    await loop.handle(STREAM, command('SelectFinalist', { teamId: 'a-team' }), context());
    const racers = ['b-team', 'c-team', 'd-team'].flatMap((team) => [newLoop(store), loop].map((l) => l.handle(STREAM, command('SelectFinalist', { teamId: team }), context())));
    const settled = await Promise.allSettled(racers);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    for (const s of settled) if (s.status === 'rejected') expect(['FINALIST_SLOTS_FULL', 'NOT_AN_APPLICANT']).toContain((s.reason as ProgramRuleError).code);
    const events = await collect(store.readStream(STREAM));
    expect(events.filter((e) => e.type === 'FinalistSelected')).toHaveLength(2);
    expectChained(events);
  });

  it('retries an append the store could not confirm, with the same events, so the decision is taken once', async () => {
    await loop.handle(STREAM, launch, context());
    const flaky = losingOneAnswer(store);
    const outcome = await newLoop(flaky).handle(STREAM, apply('upstage'), context());
    expect(outcome).toMatchObject({ revision: 1, replayed: false });
    expect(await collect(store.readStream(STREAM))).toHaveLength(2);
  });

  it('tells its observer of every append, every conflict and every retry, as the metrics count them', async () => {
    await loop.handle(STREAM, launch, context());
    const seen: string[] = [];
    const observer: CommandLoopObserver = {
      appended: (seconds, outcome) => {
        expect(seconds).toBeGreaterThanOrEqual(0);
        seen.push(`append:${outcome}`);
      },
      retried: (cause) => seen.push(`retry:${cause}`),
    };
    const observed = newLoop(store, { observer });
    await observed.handle(STREAM, apply('team-a'), context());
    expect(seen).toEqual(['append:ok']);
    // Another process appends: the observed loop's cached state is stale, its append refused, its decision retaken.
    await newLoop(store).handle(STREAM, apply('team-b'), context());
    seen.length = 0;
    await observed.handle(STREAM, apply('team-c'), context());
    expect(seen).toEqual(['append:conflict', 'retry:conflict', 'append:ok']);
    // A store that could not confirm an append: the same events again.
    const flaky = losingOneAnswer(store);
    seen.length = 0;
    await newLoop(flaky, { observer }).handle(STREAM, apply('team-d'), context());
    expect(seen).toEqual(['append:unavailable', 'retry:unavailable', 'append:ok']);
  });

  it('decides on the state it folded last without reading the stream, as long as no other process moved it', async () => {
    let reads = 0;
    const counting: EventStore = Object.create(store, {
      readStream: { value: (id: string, options: object) => (reads++, store.readStream(id, options)) },
    });
    const warm = newLoop(counting);
    await warm.handle(STREAM, launch, context());
    expect(reads).toBe(1);
    for (let i = 0; i < 5; i++) await warm.handle(STREAM, apply(`team-${i}`), context());
    await expect(warm.handle(STREAM, apply('team-0'), context())).rejects.toMatchObject({ code: 'DUPLICATE_APPLICATION' });
    // Five decisions without a read; the refusal read the stream once, to refuse on what it holds now.
    expect(reads).toBe(2);
    expect(await collect(store.readStream(STREAM))).toHaveLength(6);
  });

  it('never refuses on a state another process made stale: it reads the stream and decides again', async () => {
    await loop.handle(STREAM, launch, context());
    for (const team of ['a-team', 'b-team', 'c-team']) await loop.handle(STREAM, apply(team), context());
    await loop.handle(STREAM, command('CloseApplications', {}), context());
    for (const team of ['a-team', 'b-team']) await loop.handle(STREAM, command('SelectFinalist', { teamId: team }), context());
    // Both slots are taken in this loop's cached state; another process frees one.
    await newLoop(store).handle(STREAM, command('WithdrawTeam', { teamId: 'b-team', statement: 'We withdraw.' }), context());
    const selected = await loop.handle(STREAM, command('SelectFinalist', { teamId: 'c-team' }), context());
    expect(selected).toMatchObject({ revision: 8, events: [{ type: 'FinalistSelected' }] });
    // Nor is If-Match answered 412 on a stale state: another process moves the stream again, and the revision the
    // client read there is the one this loop must find.
    await newLoop(store).handle(STREAM, command('ClarifyEligibilityRule', { ruleId: 'r-1', text: 'Consortia count once.' }), context());
    const clarified = await loop.handle(STREAM, command('ClarifyEligibilityRule', { ruleId: 'r-2', text: 'Members are listed.' }), context({ ifMatchRevision: 9 }));
    expect(clarified.revision).toBe(10);
  });

  it('takes no decision twice on a stale state: the append refused at the old revision, it decides on the new one', async () => {
    await loop.handle(STREAM, launch, context());
    for (const team of ['a-team', 'b-team', 'c-team']) await loop.handle(STREAM, apply(team), context());
    await loop.handle(STREAM, command('CloseApplications', {}), context());
    await loop.handle(STREAM, command('SelectFinalist', { teamId: 'a-team' }), context());
    // One slot is left in this loop's cached state; another process takes it.
    await newLoop(store).handle(STREAM, command('SelectFinalist', { teamId: 'b-team' }), context());
    await expect(loop.handle(STREAM, command('SelectFinalist', { teamId: 'c-team' }), context())).rejects.toMatchObject({ code: 'FINALIST_SLOTS_FULL' });
    expect((await collect(store.readStream(STREAM))).filter((e) => e.type === 'FinalistSelected')).toHaveLength(2);
  });

  it('reads only the events a cached state has not seen', async () => {
    await loop.handle(STREAM, launch, context());
    for (let i = 0; i < 50; i++) await loop.handle(STREAM, apply(`team-${i}`), context());
    let read = 0;
    const counting: EventStore = Object.create(store, {
      readStream: { value: (id: string, options: object) => (async function* () { for await (const e of store.readStream(id, options)) { read++; yield e; } })() },
    });
    const warm = newLoop(counting);
    await warm.handle(STREAM, apply('first-after-start'), context());
    expect(read).toBe(51);
    read = 0;
    await loop.handle(STREAM, apply('from-elsewhere'), context());
    await warm.handle(STREAM, apply('second'), context());
    expect(read).toBe(1);
  });
});

/** Every event names the hash of the one before it in the stream, and its own hash covers it. */
function expectChained(events: readonly RecordedEvent[]): void {
  let previous = GENESIS_HASH;
  for (const event of events) {
    expect({ revision: event.revision, prevHash: event.metadata['prevHash'], hash: event.metadata['hash'] }).toEqual({ revision: event.revision, prevHash: previous, hash: eventHash(event) });
    previous = event.metadata['hash'] as string;
  }
}

describe('event ids', () => {
  it('are the UUID v5 of the uuid package, for any name', () => {
    for (const name of ['', 'a', 'command/0', '8f1e…/12', 'ü'.repeat(300)]) {
      expect(uuidv5(name)).toBe(uuidPackageV5(name, '6f1d8a52-3c0e-4f3a-9a57-3f3d6c1e2b90'));
    }
  });
});
