/**
 * Child process of the projection crash test: runs the runner with the counter projection over the folder's event
 * store while appending more events, and (in `rebuild` mode) rebuilds the projection meanwhile, until it is killed.
 * It prints `ready` once it is working, then one line per event store append.
 */
import { join } from 'node:path';
import { SqliteEventStore } from '../../../src/event-store/sqlite/sqlite-event-store.js';
import { ProjectionRunner } from '../../../src/projections/engine/projection-runner.js';
import { openReadModelDb } from '../../../src/projections/engine/read-model-db.js';
import { appendSpread, counterProjection } from '../runner-fixtures.js';

const [dir, mode] = process.argv.slice(2);
const store = new SqliteEventStore({ filename: join(dir!, 'events.sqlite'), durability: 'normal' });
const db = openReadModelDb(join(dir!, 'read-models.sqlite'));
const runner = new ProjectionRunner(db, store, [counterProjection()], { batchSize: 37, chunkSize: 53, logger: { log: () => undefined, error: (m) => process.stderr.write(`${m}\n`) } });
runner.start();
// A rebuild the killed process left running is resumed by `start`; a fresh counter being built from nothing is not one.
const status = await runner.status('counter');
const rebuilding = status.rebuild !== null && status.rebuild.generation > status.generation;
if (mode === 'rebuild' && !rebuilding) runner.rebuild('counter');
process.stdout.write('ready\n');
for (;;) {
  await appendSpread(store, 20, 13, 4);
  process.stdout.write('appended\n');
}
