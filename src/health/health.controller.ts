import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/roles.decorator.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { FeedHub } from '../feed/feed-hub.js';
import { ProblemDto } from '../http/problem.dto.js';
import { PROJECTION_CONTROL, type ProjectionControl } from '../projections/engine/projection.js';
import { HealthDto, ProjectionHealthDto } from './health.dto.js';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_CONTROL) private readonly projections: ProjectionControl,
    private readonly feed: FeedHub,
  ) {}

  /**
   * Liveness and the state of what the service depends on; 503 when the event store cannot be read. A projection
   * halted at a refused event makes the status `degraded` but not a 503: decisions are still taken and the other
   * read models still answer, so a load balancer must not take the instance out. `feed` counts the subscribers'
   * connections: open, caught up and waiting, and how the ended ones ended since start (`stalled`: cut after its
   * socket stayed full for the drain timeout).
   */
  @Get()
  @ApiTags('operations')
  @ApiExtraModels(ProjectionHealthDto, ProblemDto)
  @ApiOperation({
    operationId: 'getHealth',
    summary: 'Liveness, and the state of the event store, the projections and the feed',
    description: 'No token needed. 503 when the event store cannot be read; a failed or halted projection makes it `degraded`, still 200.',
    security: [],
  })
  @ApiResponse({ status: 200, type: HealthDto, description: '`ok` or `degraded`.' })
  @ApiResponse({ status: 503, type: HealthDto, description: '`unavailable`: the event store cannot be read.' })
  @ApiResponse({
    status: 429,
    description: 'code: RATE_LIMITED (unauthenticated requests get a tenth of the rate limit, per client address).',
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
  })
  async health(@Res({ passthrough: true }) response: FastifyReply) {
    const [store, projections] = await Promise.all([this.store.health(), this.projections.statuses()]);
    const up = store.status === 'up';
    if (!up) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    const failed = projections.some((projection) => projection.status === 'failed' || projection.error !== null);
    return {
      status: !up ? 'unavailable' : failed ? 'degraded' : 'ok',
      eventStore: { ...store, headPosition: store.headPosition === null ? null : store.headPosition.toString() },
      projections: Object.fromEntries(
        projections.map(({ name, status, position, lag, lagIsLowerBound, error, resubscribing }) => [name, { status, position, lag, lagIsLowerBound, error, resubscribing }]),
      ),
      feed: { open: this.feed.openConnections, waiting: this.feed.waitingConnections, ended: { ...this.feed.ends } },
    };
  }
}
