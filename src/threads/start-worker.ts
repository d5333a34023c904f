import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker thread whose entry module sits beside `from` (the caller's `import.meta.url`) as `<name>.js`,
 * or as `<name>.ts` when the caller itself runs from the sources (tests, tsx). A worker can load a `.ts` entry only
 * with tsx registered in that very thread: Node 20's ESM loader hooks, `--import tsx` included, do not reach a
 * worker's entry module, so a small bootstrap installs tsx's require hook first.
 */
export function startWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSources = from.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, from);
  if (!fromSources) return new Worker(entry, options);
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const bootstrap = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(fileURLToPath(entry))});`;
  return new Worker(bootstrap, { ...options, eval: true });
}
