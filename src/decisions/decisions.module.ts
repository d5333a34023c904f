import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CLOCK, DecideOnProgramHandler } from './decide-on-program.handler.js';
import { ApplicationsController } from './applications.controller.js';
import { EligibilityController } from './eligibility.controller.js';
import { RoundsController } from './rounds.controller.js';
import { WildcardController } from './wildcard.controller.js';

export const DECISION_CONTROLLERS = [ApplicationsController, RoundsController, EligibilityController, WildcardController];

/** The HTTP face of the decisions, and the one handler every decision reaches through the command bus. */
@Module({
  imports: [CqrsModule],
  controllers: DECISION_CONTROLLERS,
  providers: [DecideOnProgramHandler, { provide: CLOCK, useValue: { now: () => new Date() } }],
})
export class DecisionsModule {}
