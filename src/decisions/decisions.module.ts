import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { SnapshotStore } from '../command-handling/snapshot-store.js';
import { SqliteSnapshotStore, snapshotPath } from '../command-handling/sqlite-snapshot-store.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { CLOCK, DecideOnProgramHandler, SNAPSHOT_STORE } from './decide-on-program.handler.js';
import { ApplicationsController } from './applications.controller.js';
import { EligibilityController } from './eligibility.controller.js';
import { RoundsController } from './rounds.controller.js';
import { WildcardController } from './wildcard.controller.js';

export const DECISION_CONTROLLERS = [ApplicationsController, RoundsController, EligibilityController, WildcardController];

/** The HTTP face of the decisions, and the one handler every decision reaches through the command bus. */
@Module({
  imports: [CqrsModule],
  controllers: DECISION_CONTROLLERS,
  providers: [
    DecideOnProgramHandler,
    { provide: CLOCK, useValue: { now: () => new Date() } },
    { provide: SNAPSHOT_STORE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new SqliteSnapshotStore(snapshotPath(config.dataDir)) },
  ],
})
export class DecisionsModule implements OnApplicationShutdown {
  constructor(@Inject(SNAPSHOT_STORE) private readonly snapshots: SnapshotStore) {}

  onApplicationShutdown(): void {
    this.snapshots.close();
  }
}
