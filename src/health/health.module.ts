import { Module } from '@nestjs/common';
import { FeedModule } from '../feed/feed.module.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [ProjectionsModule, FeedModule], controllers: [HealthController] })
export class HealthModule {}
