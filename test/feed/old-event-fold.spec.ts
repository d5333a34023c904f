import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CommandLoop } from '../../src/command-handling/command-loop.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import type { ProgramCommand } from '../../src/program/program.commands.js';
import { checkProgramAcceptsCommands, decide } from '../../src/program/program.decide.js';
import type { ProgramEvent } from '../../src/program/program.events.js';
import { evolve, initialState, type ProgramState } from '../../src/program/program.state.js';
import { currentSchemaVersion, upcast } from '../../src/program/program.upcasters.js';
import { collect } from '../event-store/event-store.contract.js';
import { command, PROGRAM_ID, roundOneClosed } from '../program/program.fixtures.js';
import { tempDir } from '../support/temp-dir.js';

const STREAM = `program-${PROGRAM_ID}`;
const context = { actor: { id: 'kim.official', role: 'official' as const }, reason: 'as announced', correlationId: 'corr-1' };

/** The command loop's fold against a real SQLite file holding events written by an older Docket. */
describe('the command loop reads old event versions through the current schema', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteEventStore;
  const folded: ProgramEvent[] = [];
  const loop = () =>
    new CommandLoop<ProgramCommand, ProgramEvent, ProgramState>(
      store,
      {
        initialState,
        // The real evolve, watched: what the decider is given is what the fold made of the recorded events.
        evolve: (state, event) => (folded.push(event), evolve(state, event)),
        precheck: checkProgramAcceptsCommands,
        decide,
        upcast,
        schemaVersion: currentSchemaVersion,
      },
      { now: () => new Date('2026-02-01T00:00:00.000Z') },
    );

  beforeEach(async () => {
    dir = tempDir();
    store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite') });
    folded.length = 0;
    // Round 1 closed, then beta eliminated on its ranking the way version 1 recorded it: no `round`.
    const history = [...roundOneClosed, { type: 'TeamEliminated', data: { teamId: 'beta', stage: 1, grounds: 'ranking' } }];
    await store.append(
      STREAM,
      history.map((event, i) => ({ eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: event.type, data: event.data, metadata: { schemaVersion: 1 } })),
      { expectedRevision: 'no-stream' },
    );
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('folds a v1 TeamEliminated as v2, with the round that ranked it', async () => {
    await loop().handle(STREAM, command('WithdrawTeam', { teamId: 'alpha', statement: 'We withdraw.' }), context);
    const elimination = folded.find((event) => event.type === 'TeamEliminated');
    expect(elimination?.data).toEqual({ teamId: 'beta', stage: 1, grounds: 'ranking', round: 1 });
    // The recorded event itself is left as it was written.
    const stored = (await collect(store.readStream(STREAM))).find((event) => event.type === 'TeamEliminated');
    expect(stored?.data).toEqual({ teamId: 'beta', stage: 1, grounds: 'ranking' });
    expect(stored?.metadata).toEqual({ schemaVersion: 1 });
  });

  it('writes each new event with the current version of its own type', async () => {
    await loop().handle(STREAM, command('EliminateTeam', { teamId: 'alpha', grounds: 'ranking', round: 1 }), context);
    await loop().handle(STREAM, command('OpenWildcard', { slots: 1, closesAt: '2026-02-12T18:00:00+09:00' }), context);
    const written = (await collect(store.readStream(STREAM))).slice(-2);
    expect(written.map((event) => [event.type, event.metadata.schemaVersion])).toEqual([
      ['TeamEliminated', 2],
      ['WildcardOpened', 1],
    ]);
    expect(written[0]!.data).toEqual({ teamId: 'alpha', stage: 1, grounds: 'ranking', round: 1 });
  });
});
