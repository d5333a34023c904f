import { Module } from '@nestjs/common';
import { AuditController } from './audit/audit.controller.js';
import { AuditQueries } from './audit/audit.queries.js';
import { ProjectionsModule } from './projections.module.js';
import { StandingsController } from './standings/standings.controller.js';
import { StandingsQueries } from './standings/standings.queries.js';
import { StandingsTimeTravel } from './standings/standings.time-travel.js';
import { TimelineController } from './timeline/timeline.controller.js';
import { TimelineQueries } from './timeline/timeline.queries.js';

/**
 * The queries of the read models: the programme list, standings (live, and as of any past point), team timelines,
 * the audit history and its export. The runner's module provides the read models' database and access.
 */
@Module({
  imports: [ProjectionsModule],
  controllers: [StandingsController, TimelineController, AuditController],
  providers: [StandingsQueries, StandingsTimeTravel, TimelineQueries, AuditQueries],
})
export class ReadModelsModule {}
