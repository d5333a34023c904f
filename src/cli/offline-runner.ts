import { loadConfig } from '../config/app-config.js';
import { createEventStore } from '../event-store/event-store.module.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { PROJECTIONS } from '../projections/projections.registry.js';
import { openReadModelDb, readModelPath } from '../projections/read-model-db.js';

/**
 * The runner over `DATA_DIR` and the configured event store, in this process, without its live loops: for when no
 * server is running. Only one process may write the read models, so the commands check for a server first.
 */
export async function withOfflineRunner<T>(work: (runner: ProjectionRunner) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const store = createEventStore(config);
  const db = openReadModelDb(readModelPath(config.dataDir));
  const runner = new ProjectionRunner(db, store, PROJECTIONS, {
    // No HTTP to keep answering here, so bigger transactions than the server's: fewer commits, faster rebuilds.
    chunkSize: 20_000,
    logger: { log: () => undefined, error: (message) => process.stderr.write(`${message}\n`) },
  });
  try {
    return await work(runner);
  } finally {
    await runner.stop();
    db.close();
    await store.close();
  }
}
