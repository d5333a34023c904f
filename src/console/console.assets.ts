import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One file the console is made of, held in memory: the console is small and served from this process only. */
export interface ConsoleAsset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The console's own files, beside this module (copied into dist/ by the build). */
const OWN = ['index.html', 'app.js', 'views.js', 'pages.js', 'api.js', 'decisions.js', 'style.css'];

/**
 * The libraries, from node_modules, with their bare imports pointed at the served copies: the browser needs no
 * import map (an inline script the Content-Security-Policy would have to allow) and no build step.
 */
const VENDOR: Record<string, { pkg: string; file: string; rewrite?: Record<string, string> }> = {
  'preact.mjs': { pkg: 'preact', file: 'dist/preact.module.js' },
  'preact-hooks.mjs': { pkg: 'preact', file: 'hooks/dist/hooks.module.js', rewrite: { preact: '/console/vendor/preact.mjs' } },
  'htm.mjs': { pkg: 'htm', file: 'dist/htm.module.js' },
  'htm-preact.mjs': { pkg: 'htm', file: 'preact/index.module.js', rewrite: { preact: '/console/vendor/preact.mjs', htm: '/console/vendor/htm.mjs' } },
};

export function loadConsoleAssets(): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  const publicDir = new URL('./public/', import.meta.url);
  for (const name of OWN) assets.set(name, { body: readFileSync(new URL(name, publicDir)), type: TYPES[name.slice(name.lastIndexOf('.'))]! });
  const require = createRequire(import.meta.url);
  for (const [name, { pkg, file, rewrite }] of Object.entries(VENDOR)) {
    // The package's folder, then the ES module build inside it (not every one of them is in the package's exports).
    let text = readFileSync(join(packageDir(require.resolve(pkg), pkg), file), 'utf8');
    for (const [bare, path] of Object.entries(rewrite ?? {})) text = text.replaceAll(`from"${bare}"`, `from"${path}"`).replaceAll(`from "${bare}"`, `from "${path}"`);
    assets.set(`vendor/${name}`, { body: Buffer.from(text), type: TYPES['.mjs']! });
  }
  return assets;
}

/** The folder of a package, from any file of it: the nearest folder above whose package.json names it. */
function packageDir(resolved: string, name: string): string {
  for (let dir = dirname(resolved); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === name) return dir;
    } catch {
      // No package.json here: one level up.
    }
  }
  throw new Error(`the package ${name} was not found above ${resolved}`);
}
