import type { ProjectionStatus } from '../projections/engine/projection-status.js';
import { clientFor, EXIT, fail, type ServerOptions } from './cli-options.js';
import { withOfflineRunner } from './offline-runner.js';

/** `projections`: every projection's status, position, lag and rebuild progress, from the server or DATA_DIR. */
export async function projectionsCommand(options: ServerOptions & { json?: boolean }): Promise<number> {
  const client = clientFor(options);
  let statuses: ProjectionStatus[];
  if (!options.offline && (await client.reachable())) {
    const response = await client.projections();
    if (response.status === 401 || response.status === 403) return fail(`The server refused the token (${response.status}): pass an admin token with --token or DOCKET_TOKEN.`);
    if (response.status !== 200) return fail(`The server answered ${response.status}.`);
    statuses = response.body;
  } else {
    statuses = await withOfflineRunner((runner) => runner.statuses());
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
  } else {
    console.table(
      statuses.map((p) => ({
        name: p.name,
        status: p.status,
        position: p.position ?? '-',
        lag: `${p.lag}${p.lagIsLowerBound ? '+' : ''}`,
        generation: p.generation,
        rebuild: p.rebuild ? `${p.rebuild.done}/${p.rebuild.total} (${p.rebuild.eventsPerSecond}/s)` : '-',
        error: p.error ? `at ${p.error.position}: ${p.error.message}` : '-',
      })),
    );
  }
  return statuses.some((p) => p.status === 'failed') ? EXIT.failed : EXIT.ok;
}
