import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandLoop, type Clock } from '../command-handling/command-loop.js';
import { DecideOnProgram, type ProgramDecisionOutcome } from './decide-on-program.command.js';
import type { SnapshotStore } from '../command-handling/snapshot-store.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import type { ProgramCommand } from '../program/program.commands.js';
import { programDecider } from './program.decider.js';
import type { ProgramEvent } from '../program/program.events.js';
import type { ProgramState } from '../program/program.state.js';
import { programStreamId } from '../program/program.stream.js';

export const CLOCK = Symbol('CLOCK');
export const SNAPSHOT_STORE = Symbol('SNAPSHOT_STORE');

/** Every decision of a programme: the programme's stream, its decider, the shared loop. */
@CommandHandler(DecideOnProgram)
export class DecideOnProgramHandler implements ICommandHandler<DecideOnProgram, ProgramDecisionOutcome> {
  private readonly loop: CommandLoop<ProgramCommand, ProgramEvent, ProgramState>;
  private readonly logger = new Logger('Decisions');

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(SNAPSHOT_STORE) snapshots: SnapshotStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.loop = new CommandLoop(store, programDecider, clock, {
      cacheWeight: config.stateCacheTeams,
      snapshots: { store: snapshots, every: config.snapshotEvery },
      warn: (message) => this.logger.warn(message),
    });
  }

  async execute({ command, context }: DecideOnProgram): Promise<ProgramDecisionOutcome> {
    const { programId } = command.data;
    return { programId, ...(await this.loop.handle(programStreamId(programId), command, context)) };
  }
}
