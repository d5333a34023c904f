import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandLoop, type Clock } from '../command-handling/command-loop.js';
import { activeTraceparent, inSpan } from '../common/tracing.js';
import { DocketMetrics } from '../observability/metrics.js';
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
    metrics: DocketMetrics,
  ) {
    this.loop = new CommandLoop(store, programDecider, clock, {
      cacheWeight: config.stateCacheTeams,
      snapshots: { store: snapshots, every: config.snapshotEvery },
      warn: (message) => this.logger.warn(message),
      observer: {
        appended: (seconds, outcome) => {
          metrics.appendSeconds.observe({ outcome }, seconds);
          if (outcome !== 'ok') metrics.appendErrors.inc({ kind: outcome });
          if (outcome === 'conflict') metrics.conflicts.inc();
        },
        retried: (cause) => metrics.retries.inc({ cause }),
      },
    });
  }

  execute({ command, context }: DecideOnProgram): Promise<ProgramDecisionOutcome> {
    const { programId } = command.data;
    // With tracing on, the decision is a span of its own, and its trace context goes into its events' metadata.
    return inSpan(`decide ${command.type}`, { attributes: { 'docket.command': command.type, 'docket.program': programId } }, async (span) => {
      const traced = span ? { ...context, traceparent: activeTraceparent() } : context;
      const outcome = await this.loop.handle(programStreamId(programId), command, traced);
      span?.setAttributes({ 'docket.revision': outcome.revision, 'docket.position': outcome.position, 'docket.replayed': outcome.replayed });
      return { programId, ...outcome };
    });
  }
}
