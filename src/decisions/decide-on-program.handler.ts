import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandLoop, type Clock } from '../command-handling/command-loop.js';
import { DecideOnProgram, type DecisionOutcome } from '../command-handling/decide-on-program.command.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import type { ProgramCommand } from '../program/program.commands.js';
import { checkProgramAcceptsCommands, decide } from '../program/program.decide.js';
import type { ProgramEvent } from '../program/program.events.js';
import { evolve, initialState, type ProgramState } from '../program/program.state.js';
import { programStreamId } from '../program/program.stream.js';

export const CLOCK = Symbol('CLOCK');

/** Every decision of a programme: the programme's stream, its decider, the shared loop. */
@CommandHandler(DecideOnProgram)
export class DecideOnProgramHandler implements ICommandHandler<DecideOnProgram, DecisionOutcome> {
  private readonly loop: CommandLoop<ProgramCommand, ProgramEvent, ProgramState>;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(CLOCK) clock: Clock) {
    this.loop = new CommandLoop(store, { initialState, evolve, precheck: checkProgramAcceptsCommands, decide }, clock);
  }

  execute({ command, context }: DecideOnProgram): Promise<DecisionOutcome> {
    const { programId } = command.data;
    return this.loop.handle(programStreamId(programId), programId, command, context);
  }
}
