import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Liveness and the state of what the service depends on; 503 when the event store cannot be read. */
  @Get()
  async health(@Res({ passthrough: true }) response: Response) {
    const adapter = this.config.eventStore.kind;
    try {
      const head = await this.store.headPosition();
      return { status: 'ok', eventStore: { adapter, status: 'up', headPosition: head === null ? null : head.toString() }, projections: {} };
    } catch (error) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', eventStore: { adapter, status: 'down', error: (error as Error).message }, projections: {} };
    }
  }
}
