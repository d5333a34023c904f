import { join } from 'node:path';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { EVENT_STORE, type EventStore } from './event-store.port.js';
import { createEventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

/**
 * The configured event store. `readOnly`: for a thread that only reads and subscribes beside the one that writes
 * (the embedded store then opens a follower connection that refuses appends; an EventStoreDB client is a client).
 */
export function createEventStore(config: AppConfig, options: { readOnly?: boolean } = {}): EventStore {
  switch (config.eventStore.kind) {
    case 'sqlite':
      return new SqliteEventStore({
        filename: join(config.dataDir, 'events.sqlite'),
        durability: config.eventStore.durability,
        ...(options.readOnly ? { writer: 'read-only' as const } : {}),
      });
    case 'eventstoredb':
      return createEventStoreDbEventStore({ connectionString: config.eventStore.connectionString });
  }
}

/** Provides the one event store of the application, chosen by configuration, and closes it on shutdown. */
@Global()
@Module({
  providers: [{ provide: EVENT_STORE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createEventStore(config) }],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
