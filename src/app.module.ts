import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from './auth/auth.module.js';
import type { Authenticator } from './auth/authenticator.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConsoleModule } from './console/console.module.js';
import type { DocketMetrics } from './observability/metrics.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { DecisionsModule } from './decisions/decisions.module.js';
import { FeedModule } from './feed/feed.module.js';
import { HealthModule } from './health/health.module.js';
import { HttpModule } from './http/http.module.js';
import type { CheckpointSigner } from './integrity/checkpoint.js';
import { IntegrityModule } from './integrity/integrity.module.js';
import { EvidenceModule } from './projections/evidence/evidence.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { ReadModelsModule } from './projections/read-models.module.js';
import { type ReadModelStorage, ReadModelStorageModule } from './projections/engine/read-model-storage.module.js';

@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    authenticator: Authenticator,
    readModels: ReadModelStorage,
    signer: CheckpointSigner,
    metrics: DocketMetrics,
    logging: DynamicModule,
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        logging,
        ObservabilityModule.forRoot(metrics),
        IntegrityModule.forRoot(signer),
        HttpModule,
        ReadModelStorageModule.forRoot(readModels),
        CqrsModule.forRoot(),
        EventStoreModule,
        AuthModule.forRoot(authenticator),
        HealthModule,
        DecisionsModule,
        ProjectionsModule,
        ReadModelsModule,
        EvidenceModule,
        FeedModule,
        ConsoleModule,
      ],
    };
  }
}
