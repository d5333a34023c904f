import { join } from 'node:path';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { EVENT_STORE, type EventStore } from './event-store.port.js';
import { createEventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

export function createEventStore(config: AppConfig): EventStore {
  switch (config.eventStore.kind) {
    case 'sqlite':
      return new SqliteEventStore({ filename: join(config.dataDir, 'events.sqlite'), durability: config.eventStore.durability });
    case 'eventstoredb':
      return createEventStoreDbEventStore({ connectionString: config.eventStore.connectionString });
  }
}

/** Provides the one event store of the application, chosen by configuration, and closes it on shutdown. */
@Global()
@Module({
  providers: [{ provide: EVENT_STORE, inject: [APP_CONFIG], useFactory: createEventStore }],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
