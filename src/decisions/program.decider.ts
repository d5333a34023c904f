import type { Decider } from '../command-handling/command-loop.js';
import type { ProgramCommand } from '../program/program.commands.js';
import { checkProgramAcceptsCommands, decide } from '../program/program.decide.js';
import type { ProgramEvent } from '../program/program.events.js';
import { PROGRAM_SNAPSHOT_VERSION, programFromSnapshot, programSnapshot } from '../program/program.snapshot.js';
import { evolve, initialState, type ProgramState } from '../program/program.state.js';
import { currentSchemaVersion, upcast } from '../program/program.upcasters.js';

/** The programme as the command loop runs it: its fold and decisions, its weight in memory, its snapshots. */
export const programDecider: Decider<ProgramCommand, ProgramEvent, ProgramState> = {
  initialState,
  evolve,
  precheck: checkProgramAcceptsCommands,
  decide,
  upcast,
  schemaVersion: currentSchemaVersion,
  weigh: (state) => (state.exists ? state.teams.size + 1 : 1),
  snapshots: {
    version: PROGRAM_SNAPSHOT_VERSION,
    write: (state) => (state.exists ? programSnapshot(state) : null),
    read: programFromSnapshot,
  },
};
