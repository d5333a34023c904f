import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import type { AppConfig } from '../../config/app-config.js';
import { READ_MODEL_DB } from './projection.js';
import { openReadModelDb, readModelPath } from './read-model-db.js';
import { LEASE_EXPIRY_MS, ReadModelLease } from './read-model-lease.js';

/** The read models' database as this server holds it: its connection, and the lease that makes it the one writer. */
export interface ReadModelStorage {
  db: Database;
  lease: ReadModelLease;
  /** Stops what writes the read models in this process (the projections' thread); run before the lease goes. */
  stopWriters: Array<() => Promise<void>>;
}

/** Nest token of the `ReadModelStorage` itself, for whoever writes the read models to register in `stopWriters`. */
export const READ_MODEL_STORAGE = Symbol('READ_MODEL_STORAGE');

/**
 * Opens `DATA_DIR/read-models.sqlite` and takes the read models' lease for a server, before the application is
 * built: another live writer is refused here (`ReadModelsHeldError`), with nothing started and nothing logged but
 * the one line `main.ts` prints. The caller releases it if the application then fails to start.
 */
export function takeReadModels(config: Pick<AppConfig, 'dataDir'>): ReadModelStorage {
  const db = openReadModelDb(readModelPath(config.dataDir));
  // This connection reads, and writes only the lease row: the projections' thread, which writes the WAL, checkpoints
  // it. Left on, a lease renewal that happened to commit past the threshold would copy the WAL on the HTTP thread.
  db.pragma('wal_autocheckpoint = 0');
  const logger = new Logger('Projections');
  const lease = new ReadModelLease(db, 'server', undefined, (holder) =>
    logger.error(
      `this server lost the read models' lease${holder ? ` to pid ${holder.pid} on ${holder.host}` : ''} (it was not renewed for ${LEASE_EXPIRY_MS / 1000} s): its projections are stopped, the read models are the other process's to write; restart this server once that one is done`,
    ),
  );
  try {
    lease.acquire({ renew: true });
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, lease, stopWriters: [] };
}

/** Stops the writers, then gives up the lease and closes the connection: at shutdown, or when the start-up failed. */
export async function releaseReadModels({ db, lease, stopWriters }: ReadModelStorage): Promise<void> {
  await Promise.all(stopWriters.map((stop) => stop()));
  lease.release();
  if (db.open) db.close();
}

/** Provides the storage `takeReadModels` opened to every module of one application (no global state). */
@Global()
@Module({})
export class ReadModelStorageModule {
  static forRoot(storage: ReadModelStorage): DynamicModule {
    return {
      module: ReadModelStorageModule,
      providers: [
        { provide: READ_MODEL_STORAGE, useValue: storage },
        { provide: READ_MODEL_DB, useValue: storage.db },
        { provide: ReadModelLease, useValue: storage.lease },
      ],
      exports: [READ_MODEL_STORAGE, READ_MODEL_DB, ReadModelLease],
    };
  }
}
