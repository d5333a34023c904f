import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/roles.decorator.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';

@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Liveness and the state of what the service depends on; 503 when the event store cannot be read. */
  @Get()
  async health(@Res({ passthrough: true }) response: Response) {
    const store = await this.store.health();
    const up = store.status === 'up';
    if (!up) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: up ? 'ok' : 'unavailable',
      eventStore: { ...store, headPosition: store.headPosition === null ? null : store.headPosition.toString() },
      projections: {},
    };
  }
}
