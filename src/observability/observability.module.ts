import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DocketMetrics } from './metrics.js';

/** The application's metrics, for whoever counts something (the decisions' handler, the HTTP hooks, the scrape). */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(metrics: DocketMetrics): DynamicModule {
    return { module: ObservabilityModule, providers: [{ provide: DocketMetrics, useValue: metrics }], exports: [DocketMetrics] };
  }
}
