import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { FeedHub } from '../feed/feed-hub.js';
import { FeedModule } from '../feed/feed.module.js';
import { DocketMetrics } from '../observability/metrics.js';
import { PROJECTION_CONTROL, type ProjectionControl } from '../projections/engine/projection.js';
import { ReadModelLease } from '../projections/engine/read-model-lease.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { registerStateCollectors } from './metrics.collectors.js';

/** What operators look at: health (for load balancers) and the Prometheus metrics. */
@Module({ imports: [ProjectionsModule, FeedModule], controllers: [HealthController, MetricsController] })
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly metrics: DocketMetrics,
    @Inject(PROJECTION_CONTROL) private readonly projections: ProjectionControl,
    private readonly feed: FeedHub,
    private readonly lease: ReadModelLease,
  ) {}

  onModuleInit(): void {
    registerStateCollectors(this.metrics, this.projections, this.feed, this.lease);
  }
}
