import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ProjectionsAdminController } from './admin/projections-admin.controller.js';
import { ProjectionHost } from './projection-host.js';
import { PROJECTION_CONTROL, READ_MODEL_ACCESS, READ_MODEL_DB } from './projection.js';
import { PROJECTIONS } from './projections.registry.js';
import { openReadModelDb, readModelPath } from './read-model-db.js';
import { LEASE_EXPIRY_MS, ReadModelLease } from './read-model-lease.js';

/**
 * The read models: this thread's connection to their database (`DATA_DIR/read-models.sqlite`), which the queries
 * read; the projections' thread that writes them (`ProjectionHost`); and the admin endpoints. The server holds the
 * read models' lease while it runs (see `ReadModelLease`). The thread starts feeding once the application is
 * bootstrapped and stops before the event store closes.
 */
@Module({
  controllers: [ProjectionsAdminController],
  providers: [
    { provide: READ_MODEL_DB, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openReadModelDb(readModelPath(config.dataDir)) },
    {
      // Taken before the projections' thread reconciles the catalog, its first write: another live writer stops the
      // start-up here.
      provide: ReadModelLease,
      inject: [READ_MODEL_DB],
      useFactory: (db: Database) => {
        const logger = new Logger('Projections');
        const lease = new ReadModelLease(db, 'server', undefined, (holder) =>
          logger.error(
            `this server lost the read models' lease${holder ? ` to pid ${holder.pid} on ${holder.host}` : ''} (it was not renewed for ${LEASE_EXPIRY_MS / 1000} s): its projections are stopped, the read models are the other process's to write; restart this server once that one is done`,
          ),
        );
        lease.acquire({ renew: true });
        return lease;
      },
    },
    {
      provide: ProjectionHost,
      inject: [APP_CONFIG, ReadModelLease],
      useFactory: async (config: AppConfig, lease: ReadModelLease) => {
        const host = await ProjectionHost.open(
          config,
          PROJECTIONS.map((projection) => projection.name),
          new Logger('Projections'),
        );
        // Two writers would swap and drop tables under each other: the one that lost the lease stops writing.
        lease.whenLost((holder) => void host.suspend(`the read models' lease was taken over${holder ? ` by pid ${holder.pid} on ${holder.host}` : ''}`));
        return host;
      },
    },
    { provide: READ_MODEL_ACCESS, useExisting: ProjectionHost },
    { provide: PROJECTION_CONTROL, useExisting: ProjectionHost },
  ],
  exports: [READ_MODEL_DB, READ_MODEL_ACCESS, PROJECTION_CONTROL],
})
export class ProjectionsModule implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    private readonly host: ProjectionHost,
    private readonly lease: ReadModelLease,
    @Inject(READ_MODEL_DB) private readonly db: Database,
  ) {}

  onApplicationBootstrap(): void {
    this.host.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.host.stop();
  }

  onApplicationShutdown(): void {
    this.lease.release();
    if (this.db.open) this.db.close();
  }
}
