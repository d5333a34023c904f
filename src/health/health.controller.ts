import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/roles.decorator.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { FeedHub } from '../feed/feed-hub.js';
import { PROJECTION_CONTROL, type ProjectionControl } from '../projections/engine/projection.js';

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
