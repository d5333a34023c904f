import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

/**
 * The layout the README describes, held by the imports themselves:
 * - the core (common, config, event store, command handling, integrity, the programme's domain, the HTTP layer, auth,
 *   observability, threads)
 *   imports no feature and nothing of the application shell;
 * - a feature (decisions, projections, feed) imports the core, never another feature;
 * - the shell (main, app, health, cli) puts them together.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const CORE = ['common', 'config', 'event-store', 'command-handling', 'integrity', 'program', 'http', 'auth', 'observability', 'threads'];
const FEATURES = ['decisions', 'projections', 'feed', 'console'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Each source file with the files and packages it imports (relative imports resolved to `src/…` paths). */
const imports = filesUnder(SRC).map((file) => {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g), ...text.matchAll(/import\('([^']+)'\)/g)].map((m) => m[1]!);
  return {
    file: relative(SRC, file),
    modules: specifiers.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s))),
    packages: specifiers.filter((s) => !s.startsWith('.')),
  };
});

const folderOf = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '');

describe('the layout of src/', () => {
  it('has every top-level folder in the core or among the features, or in the shell', () => {
    const folders = new Set(imports.map(({ file }) => folderOf(file)).filter((folder) => folder !== ''));
    expect([...folders].filter((folder) => ![...CORE, ...FEATURES, 'health', 'cli'].includes(folder))).toEqual([]);
  });

  it('keeps the core free of features and of the shell', () => {
    const crossings = imports.flatMap(({ file, modules }) =>
      CORE.includes(folderOf(file)) ? modules.filter((m) => !CORE.includes(folderOf(m))).map((m) => `${file} → ${m}`) : [],
    );
    expect(crossings).toEqual([]);
  });

  it('keeps every feature to the core and itself: no feature imports another', () => {
    const crossings = imports.flatMap(({ file, modules }) => {
      const feature = folderOf(file);
      if (!FEATURES.includes(feature)) return [];
      return modules.filter((m) => FEATURES.includes(folderOf(m)) && folderOf(m) !== feature).map((m) => `${file} → ${m}`);
    });
    expect(crossings).toEqual([]);
  });

  it('keeps the domain pure: program/ imports only common/, and no framework, store or clock', () => {
    const program = imports.filter(({ file }) => folderOf(file) === 'program');
    expect(program.length).toBeGreaterThan(10);
    const outside = program.flatMap(({ file, modules }) => modules.filter((m) => !['program', 'common'].includes(folderOf(m))).map((m) => `${file} → ${m}`));
    expect(outside).toEqual([]);
    const packages = program.flatMap(({ file, packages }) => packages.filter((p) => p !== 'immutable').map((p) => `${file} → ${p}`));
    expect(packages).toEqual([]);
  });

  it('keeps the command loop generic: command-handling/ imports only common/, the event store and the hash chain', () => {
    const outside = imports
      .filter(({ file }) => folderOf(file) === 'command-handling')
      .flatMap(({ file, modules }) => modules.filter((m) => !['command-handling', 'common', 'event-store', 'integrity'].includes(folderOf(m))).map((m) => `${file} → ${m}`));
    expect(outside).toEqual([]);
  });

  it('throws no HTTP error from the core of the loop, the store or the projections: only the HTTP layer knows statuses', () => {
    const transportFree = (file: string) => ['command-handling', 'integrity', 'program', 'event-store', 'common'].includes(folderOf(file)) || file.startsWith('projections/engine/');
    const crossings = imports.flatMap(({ file, modules }) =>
      transportFree(file) ? modules.filter((m) => folderOf(m) === 'http' || m.startsWith('auth/')).map((m) => `${file} → ${m}`) : [],
    );
    expect(crossings).toEqual([]);
  });
});
