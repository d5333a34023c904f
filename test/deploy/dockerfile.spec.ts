import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

/**
 * No Docker engine runs here, so the image cannot be built in the tests: these hold the Dockerfile to what the README
 * promises (current LTS, two stages, production dependencies, not root, a health check) and check its build context
 * against .dockerignore, which is what breaks a build that never ran.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => /^[A-Z]+\s/.test(line));
const stages = instructions.filter((line) => line.startsWith('FROM '));

/** Whether .dockerignore leaves a path of the repository out of the build context (the patterns used here only). */
function excluded(path: string): boolean {
  let out = false;
  for (const pattern of ignored) {
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    const regex = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
    if (regex.test(path)) out = !negated;
  }
  return out;
}

describe('the Dockerfile', () => {
  it('builds on the current Node.js LTS in two stages and runs the second as the unprivileged node user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(stages).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE}']);
    const run = instructions.slice(instructions.indexOf(stages[1]!));
    expect(run).toContain('USER node');
    expect(run.findIndex((line) => line === 'USER node')).toBeLessThan(run.findIndex((line) => line.startsWith('CMD ')));
    expect(run.some((line) => line.startsWith('HEALTHCHECK ') && line.includes('/api/health'))).toBe(true);
    expect(run.filter((line) => line.startsWith('ENV ')).join(' ')).toContain('NODE_ENV=production');
  });

  it('ships production dependencies only: the build stage prunes the development ones before they are copied', () => {
    const build = instructions.slice(0, instructions.indexOf(stages[1]!));
    expect(build.some((line) => line.includes('npm prune --omit=dev'))).toBe(true);
    expect(instructions.filter((line) => line.startsWith('COPY --from=build')).map((line) => line.split(/\s+/).at(-2))).toEqual(['/app/package.json', '/app/node_modules', '/app/dist']);
  });

  it('copies from the build context only what exists and .dockerignore lets through', () => {
    const sources = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1).filter((part) => !part.startsWith('--')));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'config', 'tools']));
    for (const source of sources) {
      expect({ source, exists: existsSync(join(root, source)) }).toEqual({ source, exists: true });
      expect({ source, excluded: excluded(source) }).toEqual({ source, excluded: false });
    }
  });

  it('keeps data, secrets, dependencies and tests out of the build context', () => {
    for (const path of ['node_modules', 'data/events.sqlite', '.git', 'test/e2e/a.spec.ts', 'bench/run.ts', '.env', 'audit-signing-key.pem', 'data', 'dist']) {
      expect({ path, excluded: excluded(path) }).toEqual({ path, excluded: true });
    }
    expect(excluded('src/main.ts')).toBe(false);
    expect(excluded('tools/verify-evidence.mjs')).toBe(false);
  });
});
