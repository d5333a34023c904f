import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ProjectionsAdminController } from './admin/projections-admin.controller.js';
import { ProjectionHost } from './engine/projection-host.js';
import { PROJECTION_CONTROL, READ_MODEL_ACCESS } from './engine/projection.js';
import { PROJECTION_NAMES } from './projections.registry.js';
import { READ_MODEL_STORAGE, type ReadModelStorage, releaseReadModels } from './engine/read-model-storage.module.js';

/**
 * The projections' thread that writes the read models (`ProjectionHost`), and the admin endpoints. The read models'
 * database and lease come from `ReadModelStorageModule` (taken before the application is built); this module
 * releases them at shutdown. The thread starts feeding once the application is bootstrapped and stops before the
 * event store closes.
 */
@Module({
  controllers: [ProjectionsAdminController],
  providers: [
    {
      provide: ProjectionHost,
      inject: [APP_CONFIG, READ_MODEL_STORAGE],
      useFactory: async (config: AppConfig, storage: ReadModelStorage) => {
        const host = await ProjectionHost.open(
          config,
          PROJECTION_NAMES,
          new Logger('Projections'),
        );
        // Stopped before the lease goes, also when the application fails to start after this.
        storage.stopWriters.push(() => host.stop());
        const { lease } = storage;
        // Two writers would swap and drop tables under each other: the one that lost the lease stops writing.
        lease.whenLost((holder) => void host.suspend(`the read models' lease was taken over${holder ? ` by pid ${holder.pid} on ${holder.host}` : ''}`));
        return host;
      },
    },
    { provide: READ_MODEL_ACCESS, useExisting: ProjectionHost },
    { provide: PROJECTION_CONTROL, useExisting: ProjectionHost },
  ],
  exports: [READ_MODEL_ACCESS, PROJECTION_CONTROL],
})
export class ProjectionsModule implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    private readonly host: ProjectionHost,
    @Inject(READ_MODEL_STORAGE) private readonly storage: ReadModelStorage,
  ) {}

  onApplicationBootstrap(): void {
    this.host.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.host.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await releaseReadModels(this.storage);
  }
}
