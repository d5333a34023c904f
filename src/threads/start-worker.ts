import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker thread whose entry module sits beside `from` (the caller's `import.meta.url`) as `<name>.js`,
 * or as `<name>.ts` when the caller itself runs from the sources (tests, tsx). A worker can load a `.ts` entry only
 * with tsx registered in that very thread: Node 20's ESM loader hooks, `--import tsx` included, do not reach a
 * worker's entry module, so a small bootstrap registers tsx's ESM hooks in the thread first and then imports the
 * entry (as ESM: the packages that ship ESM only load there as they do in the application).
 */
export function startWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSources = from.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, from);
  if (!fromSources) return new Worker(entry, options);
  const bootstrap =
    `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })` +
    '.catch((error) => { process.nextTick(() => { throw error; }); });';
  return new Worker(bootstrap, { ...options, eval: true });
}

/** The file URL of tsx's ESM API (`tsx/esm/api`, its `import` condition), from tsx's own package.json. */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(join(dirname(manifest), exports['./esm/api']!.import.default)).href;
}
