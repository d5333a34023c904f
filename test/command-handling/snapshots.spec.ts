import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CommandLoop, type CommandLoopOptions } from '../../src/command-handling/command-loop.js';
import type { DecisionContext } from '../../src/command-handling/decision.js';
import { SqliteSnapshotStore } from '../../src/command-handling/sqlite-snapshot-store.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { programDecider } from '../../src/decisions/program.decider.js';
import { eventHash } from '../../src/integrity/event-hash.js';
import { PROGRAM_SNAPSHOT_VERSION } from '../../src/program/program.snapshot.js';
import { collect } from '../event-store/event-store.contract.js';
import { commandsOf } from '../program/program.fixtures.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const PROGRAM = 'open-call-2026';
const STREAM = `program-${PROGRAM}`;
const EVERY = 10;
const command = commandsOf(PROGRAM);
const clock = { now: () => new Date('2026-03-01T00:00:00.000Z') };
const context = (extra: Partial<DecisionContext> = {}): DecisionContext => ({ actor: { id: 'kim.official', role: 'official' }, reason: 'as announced', correlationId: 'c', ...extra });
const keyed = (key: string, fingerprint = `POST /applications ${key}`) => context({ idempotency: { key, fingerprint } });
const launch = command('LaunchProgram', { title: 'Open call', ministry: 'MSIT', finalistSlots: 3, winnerSlots: 1, rules: [] });
const apply = (teamId: string) => command('SubmitApplication', { teamId, consortiumName: teamId, leadOrganization: teamId, members: [teamId] });

/** The store, counting the events its stream reads yield. */
function counting(store: EventStore): { store: EventStore; read: () => number } {
  let read = 0;
  const wrapped: EventStore = Object.create(store, {
    readStream: {
      value: (id: string, options: object) =>
        (async function* () {
          for await (const event of store.readStream(id, options)) {
            read++;
            yield event;
          }
        })(),
    },
  });
  return { store: wrapped, read: () => read };
}

describe('command-side snapshots', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteEventStore;
  let snapshots: SqliteSnapshotStore;
  const loopOn = (on: EventStore, options: CommandLoopOptions = {}) =>
    new CommandLoop(on, programDecider, clock, { snapshots: { store: snapshots, every: EVERY }, ...options });
  const snapshotRevision = () => snapshots.load(STREAM, PROGRAM_SNAPSHOT_VERSION)?.revision ?? -1;

  beforeEach(() => {
    dir = tempDir();
    store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
    snapshots = new SqliteSnapshotStore(join(dir.path, 'snapshots.sqlite'));
  });
  afterEach(async () => {
    snapshots.close();
    await store.close();
    dir.remove();
  });

  /** Launches the programme and takes `applications` keyed applications, waiting for the last snapshot due. */
  async function history(applications: number): Promise<void> {
    const loop = loopOn(store);
    await loop.handle(STREAM, launch, context());
    for (let i = 0; i < applications; i++) await loop.handle(STREAM, apply(`team-${i}`), keyed(`key-${i}`));
    // The launch is revision 0: snapshots fall due after every N events, at revisions 9, 19, 29…
    const due = Math.floor((applications + 1) / EVERY) * EVERY - 1;
    await until(async () => snapshotRevision(), (revision) => revision >= due);
  }

  it('are saved every N events, after the decision that made one due', async () => {
    await history(25);
    expect(snapshotRevision()).toBe(19);
    const saved = snapshots.load(STREAM, PROGRAM_SNAPSHOT_VERSION)!;
    const [atSnapshot] = await collect(store.readStream(STREAM, { fromRevision: 19, maxCount: 1 }));
    expect(saved.eventId).toBe(atSnapshot!.eventId);
  });

  it('let the first decision after a restart read at most N events of a long stream, and decide as the fold from the start', async () => {
    await history(95);
    const cold = counting(store);
    const restarted = loopOn(cold.store);
    // Revision 89 is the last snapshot: the events after it (90-95) are read, and the one at 89 to check it.
    await expect(restarted.handle(STREAM, apply('team-3'), context())).rejects.toMatchObject({ code: 'DUPLICATE_APPLICATION' });
    expect(cold.read()).toBeLessThanOrEqual(EVERY + 1);
    const taken = await restarted.handle(STREAM, apply('team-new'), context());
    expect(taken.revision).toBe(96);
    // Decided on a snapshot, the event still chains to the one before it, which the loop did not fold.
    const [before, after] = await collect(store.readStream(STREAM, { fromRevision: 95, maxCount: 2 }));
    expect(after!.metadata).toMatchObject({ prevHash: before!.metadata['hash'], hash: eventHash(after!) });
    // The same decisions on a loop with no snapshots, from the first event.
    const fromStart = new CommandLoop(store, programDecider, clock);
    await expect(fromStart.handle(STREAM, apply('team-94'), context())).rejects.toMatchObject({ code: 'DUPLICATE_APPLICATION' });
  });

  it('chain the first event after a restart to the event the snapshot was taken at, when nothing followed it', async () => {
    await history(99);
    expect(snapshotRevision()).toBe(99);
    const taken = await loopOn(store).handle(STREAM, apply('team-new'), context());
    expect(taken.revision).toBe(100);
    const [atSnapshot, next] = await collect(store.readStream(STREAM, { fromRevision: 99, maxCount: 2 }));
    expect(next!.metadata).toMatchObject({ prevHash: atSnapshot!.metadata['hash'], hash: eventHash(next!) });
  });

  it('keep the idempotency keys of the events they cover: a repeated request after a restart answers the first outcome', async () => {
    await history(35);
    const first = (await collect(store.readStream(STREAM, { fromRevision: 4, maxCount: 1 })))[0]!;
    const restarted = loopOn(store);
    // key-3 made revision 4, long before the snapshot at 29; the restarted loop never folded it.
    const replay = await restarted.handle(STREAM, apply('team-3'), keyed('key-3'));
    expect(replay).toEqual({
      replayed: true,
      revision: 4,
      position: first.position.toString(),
      events: [{ type: 'ApplicationSubmitted', revision: 4, position: first.position.toString() }],
    });
    await expect(restarted.handle(STREAM, apply('someone-else'), keyed('key-3', 'another request'))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // A key of an event after the snapshot is found among the events read since.
    expect(await restarted.handle(STREAM, apply('team-33'), keyed('key-33'))).toMatchObject({ replayed: true, revision: 34 });
    expect(await collect(store.readStream(STREAM))).toHaveLength(36);
  });

  it('are ignored when of another version, and the state is folded from the start and snapshotted anew', async () => {
    await history(25);
    const saved = snapshots.load(STREAM, PROGRAM_SNAPSHOT_VERSION)!;
    // A snapshot written by an older shape of the state, at the last revision: were it read, it would decide wrongly.
    snapshots.save(STREAM, PROGRAM_SNAPSHOT_VERSION - 1, { ...saved, revision: 25, state: '{"not":"a state"}' }, new Map());
    expect(snapshots.load(STREAM, PROGRAM_SNAPSHOT_VERSION)).toBeNull();
    const cold = counting(store);
    const restarted = loopOn(cold.store);
    await expect(restarted.handle(STREAM, apply('team-7'), context())).rejects.toMatchObject({ code: 'DUPLICATE_APPLICATION' });
    expect(cold.read()).toBe(26);
    // Folded from the start, the state is snapshotted again in the current version.
    await until(async () => snapshotRevision(), (revision) => revision === 25);
    expect(snapshots.load(STREAM, PROGRAM_SNAPSHOT_VERSION)!.state).toContain('"team-7"');
  });

  it('are dropped when the event they were taken at is not in the stream: taken of another store', async () => {
    await history(25);
    await store.close();
    // The same snapshot file beside a new event store: the programme there has another history.
    store = new SqliteEventStore({ filename: join(dir.path, 'other-events.sqlite') });
    const loop = loopOn(store);
    await loop.handle(STREAM, launch, context());
    const restarted = loopOn(store);
    const taken = await restarted.handle(STREAM, apply('team-3'), keyed('key-3', 'a new request'));
    expect(taken).toMatchObject({ replayed: false, revision: 1 });
    expect(snapshots.findKey(STREAM, 'key-4')).toBeNull();
  });

  it('are dropped when the event at their revision has their id but not their position', async () => {
    await history(25);
    const saved = snapshots.load(STREAM, PROGRAM_SNAPSHOT_VERSION)!;
    // As a store replaced by one where the same keyed request landed elsewhere in the log would show it.
    snapshots.save(STREAM, PROGRAM_SNAPSHOT_VERSION, { ...saved, position: saved.position + 1000n, state: '{"not":"a state"}' }, new Map());
    const cold = counting(store);
    const restarted = loopOn(cold.store);
    await expect(restarted.handle(STREAM, apply('team-7'), context())).rejects.toMatchObject({ code: 'DUPLICATE_APPLICATION' });
    // The event at the snapshot's revision, then the whole stream from its start.
    expect(cold.read()).toBe(1 + 26);
  });

  it('never decide on their own: events another process appended after the snapshot are read before deciding', async () => {
    await history(20);
    const other = new CommandLoop(store, programDecider, clock);
    await other.handle(STREAM, apply('late-team'), context());
    const restarted = loopOn(store);
    await expect(restarted.handle(STREAM, apply('late-team'), context())).rejects.toMatchObject({ code: 'DUPLICATE_APPLICATION' });
    // And the expected revision still guards the append: a decision taken on a stale cached state is decided again.
    await other.handle(STREAM, command('CloseApplications', {}), context());
    await expect(restarted.handle(STREAM, apply('too-late'), context())).rejects.toMatchObject({ code: 'APPLICATIONS_CLOSED' });
  });

  it('hold the cache to its weight in teams, evicting the least recently used programme', async () => {
    const loop = loopOn(store, { cacheWeight: 50 });
    const streamsRead = new Set<string>();
    const spy: EventStore = Object.create(store, {
      readStream: { value: (id: string, options: object) => (streamsRead.add(id), store.readStream(id, options)) },
    });
    const watched = new CommandLoop(spy, programDecider, clock, { cacheWeight: 50 });
    for (const id of ['p-one', 'p-two']) {
      await loop.handle(`program-${id}`, commandsOf(id)('LaunchProgram', { title: 'T', ministry: 'M', finalistSlots: 1, winnerSlots: 1, rules: [] }), context());
      for (let i = 0; i < 30; i++) await loop.handle(`program-${id}`, commandsOf(id)('SubmitApplication', { teamId: `t-${i}`, consortiumName: 'c', leadOrganization: 'l', members: ['l'] }), context());
    }
    // Each programme weighs 31: both cannot be held at once within 50, so deciding on one evicts the other.
    await watched.handle('program-p-one', commandsOf('p-one')('ClarifyEligibilityRule', { ruleId: 'r-1', text: 'One.' }), context());
    await watched.handle('program-p-two', commandsOf('p-two')('ClarifyEligibilityRule', { ruleId: 'r-1', text: 'One.' }), context());
    streamsRead.clear();
    await watched.handle('program-p-two', commandsOf('p-two')('ClarifyEligibilityRule', { ruleId: 'r-2', text: 'Two.' }), context());
    expect(streamsRead.size).toBe(0);
    await watched.handle('program-p-one', commandsOf('p-one')('ClarifyEligibilityRule', { ruleId: 'r-2', text: 'Two.' }), context());
    expect([...streamsRead]).toEqual(['program-p-one']);
  });
});

