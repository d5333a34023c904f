import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator.js';
import { ProblemDto } from '../../http/problem.dto.js';
import { PROJECTION_CONTROL, type ProjectionControl } from '../engine/projection.js';
import type { ProjectionStatus } from '../engine/projection-status.js';
import { ProjectionParams } from './projection-params.dto.js';
import { ProjectionStatusDto } from './projection-status.dto.js';

const problem = (status: number, description: string) =>
  ApiResponse({ status, description, content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } } });

/** Operators: where each projection stands, and rebuilds without downtime. */
@ApiTags('operations')
@ApiExtraModels(ProblemDto)
@Roles('admin')
@Controller('admin/projections')
export class ProjectionsAdminController {
  constructor(@Inject(PROJECTION_CONTROL) private readonly projections: ProjectionControl) {}

  @Get()
  @ApiOperation({ summary: 'Every projection: status, position, lag, rebuild progress, the event it halted at' })
  @ApiResponse({ status: 200, type: [ProjectionStatusDto] })
  @problem(401, 'code: UNAUTHENTICATED')
  @problem(403, 'code: FORBIDDEN')
  list(): Promise<ProjectionStatus[]> {
    return this.projections.statuses();
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Rebuild a projection from the whole log into new tables',
    description:
      'The serving tables keep answering reads and receiving live events; once the new generation has caught up it is ' +
      'swapped in atomically and the old tables are dropped. Progress is in `GET /api/admin/projections`. Rebuilding a ' +
      '`failed` projection is how it is recovered once the code that refused the event is fixed.',
  })
  @ApiResponse({ status: 202, type: ProjectionStatusDto, description: 'The rebuild started; the projection as it stands now.' })
  @problem(400, 'code: VALIDATION_FAILED')
  @problem(401, 'code: UNAUTHENTICATED')
  @problem(403, 'code: FORBIDDEN')
  @problem(404, 'code: PROJECTION_NOT_FOUND')
  @problem(409, 'code: REBUILD_IN_PROGRESS')
  rebuild(@Param() { name }: ProjectionParams): Promise<ProjectionStatus> {
    return this.projections.startRebuild(name);
  }
}
