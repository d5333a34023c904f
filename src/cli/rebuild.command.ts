import { ProblemError } from '../http/problem.js';
import type { ProjectionStatus } from '../projections/engine/projection-status.js';
import { clientFor, EXIT, fail, type ServerOptions, sleep } from './cli-options.js';
import type { DocketClient } from './docket-client.js';
import { withOfflineRunner } from './offline-runner.js';
import { RebuildProgress } from './rebuild-progress.js';

export interface RebuildOptions extends ServerOptions {
  progress: boolean;
}

const POLL_MS = 250;

/**
 * `rebuild <name>`: asks the running server to rebuild (so the read models never have two writers) and follows its
 * progress; with `--offline`, or when no server answers, rebuilds in this process from DATA_DIR and the store.
 */
export async function rebuildCommand(name: string, options: RebuildOptions): Promise<number> {
  const client = clientFor(options);
  const started = Date.now();
  const progress = new RebuildProgress(name, options.progress);
  if (await client.reachable()) {
    if (options.offline) return fail(`A Docket server answers at ${client.baseUrl}: rebuild through it (drop --offline), or stop it first.`);
    return rebuildThroughServer(client, name, progress, started);
  }
  if (!options.offline) process.stderr.write(`No Docket server answers at ${client.baseUrl}; rebuilding in this process.\n`);
  return rebuildOffline(name, progress, started);
}

async function rebuildThroughServer(client: DocketClient, name: string, progress: RebuildProgress, started: number): Promise<number> {
  const response = await client.rebuild(name);
  if (response.status === 404) return fail(response.body.detail ?? `There is no projection named ${name}.`, EXIT.usage);
  if (response.status === 400) return fail(response.body.detail ?? 'The projection name is not valid.', EXIT.usage);
  if (response.status === 401 || response.status === 403) return fail(`The server refused the token (${response.status}): pass an admin token with --token or DOCKET_TOKEN.`);
  let fromGeneration: number;
  if (response.status === 409) {
    process.stderr.write(`A rebuild of ${name} is running already; following it.\n`);
    const current = await statusOf(client, name);
    if (!current) return fail(`The server does not list ${name}.`);
    fromGeneration = current.generation;
  } else if (response.status === 202) {
    fromGeneration = response.body.generation;
  } else {
    return fail(`The server answered ${response.status}: ${response.body.detail ?? JSON.stringify(response.body)}`);
  }
  let done = 0;
  for (;;) {
    const status = await statusOf(client, name);
    if (!status) return fail(`The server no longer lists ${name}.`);
    progress.update(status);
    done = status.rebuild?.done ?? done;
    if (status.status !== 'rebuilding') {
      if (status.generation > fromGeneration && status.status === 'live') {
        // The last progress seen may be a poll behind (or there was none); the swapped-in generation's count is exact.
        progress.finish(status, (Date.now() - started) / 1000, Math.max(done, status.applied));
        return EXIT.ok;
      }
      progress.finish(null, 0);
      const error = status.lastRebuildError ?? status.error;
      return fail(`The rebuild of ${name} did not complete${error ? `: refused the event at position ${error.position}: ${error.message}` : ''}.`);
    }
    await sleep(POLL_MS);
  }
}

async function statusOf(client: DocketClient, name: string): Promise<ProjectionStatus | undefined> {
  const response = await client.projections();
  if (response.status !== 200) throw new Error(`GET /api/admin/projections answered ${response.status}`);
  return response.body.find((projection) => projection.name === name);
}

function rebuildOffline(name: string, progress: RebuildProgress, started: number): Promise<number> {
  return withOfflineRunner(async (runner) => {
    let job;
    try {
      job = runner.rebuild(name);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 404) return fail(`${error.detail} Known: ${runner.names().join(', ')}.`, EXIT.usage);
      throw error;
    }
    let settled = !progress.enabled;
    void job.done.finally(() => (settled = true));
    while (!settled) {
      progress.update(await runner.status(name));
      await Promise.race([job.done, sleep(POLL_MS)]);
    }
    await job.done;
    if (job.outcome !== 'swapped') {
      progress.finish(null, 0);
      return fail(`The rebuild of ${name} did not complete${job.failure ? `: refused the event at position ${job.failure.event.position}: ${job.failure.message}` : ''}.`);
    }
    progress.finish(await runner.status(name), (Date.now() - started) / 1000, job.applied);
    return EXIT.ok;
  });
}
