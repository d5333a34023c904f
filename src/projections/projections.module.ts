import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ProjectionsAdminController } from './admin/projections-admin.controller.js';
import { ProjectionRunner } from './projection-runner.js';
import { type Projection, READ_MODEL_ACCESS, READ_MODEL_DB } from './projection.js';
import { PROJECTIONS } from './projections.registry.js';
import { openReadModelDb, readModelPath } from './read-model-db.js';
import { LEASE_EXPIRY_MS, ReadModelLease } from './read-model-lease.js';

/** Nest token of the list of projections the runner feeds (the registry's, unless a test provides its own). */
export const PROJECTION_LIST = Symbol('PROJECTION_LIST');

/**
 * The read models' database (`DATA_DIR/read-models.sqlite`), the runner that feeds every projection, and the admin
 * endpoints. The server holds the read models' lease while it runs (see `ReadModelLease`). The runner starts once the
 * application is bootstrapped and stops before the event store closes.
 */
@Module({
  controllers: [ProjectionsAdminController],
  providers: [
    { provide: PROJECTION_LIST, useValue: PROJECTIONS },
    { provide: READ_MODEL_DB, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openReadModelDb(readModelPath(config.dataDir)) },
    {
      // Taken before the runner reconciles the catalog, its first write: another live writer stops the start-up here.
      provide: ReadModelLease,
      inject: [READ_MODEL_DB],
      useFactory: (db: Database) => {
        const logger = new Logger('Projections');
        const lease = new ReadModelLease(db, 'server', undefined, (holder) =>
          logger.error(
            `this server lost the read models' lease${holder ? ` to pid ${holder.pid} on ${holder.host}` : ''} (it was not renewed for ${LEASE_EXPIRY_MS / 1000} s): two processes may now write the read models; stop one of them`,
          ),
        );
        lease.acquire({ renew: true });
        return lease;
      },
    },
    {
      provide: ProjectionRunner,
      inject: [READ_MODEL_DB, EVENT_STORE, PROJECTION_LIST, ReadModelLease],
      useFactory: (db: Database, store: EventStore, projections: readonly Projection[]) =>
        new ProjectionRunner(db, store, projections, { logger: new Logger('Projections') }),
    },
    { provide: READ_MODEL_ACCESS, useExisting: ProjectionRunner },
  ],
  exports: [READ_MODEL_DB, READ_MODEL_ACCESS, ProjectionRunner],
})
export class ProjectionsModule implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly lease: ReadModelLease,
    @Inject(READ_MODEL_DB) private readonly db: Database,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }

  onApplicationShutdown(): void {
    this.lease.release();
    if (this.db.open) this.db.close();
  }
}
