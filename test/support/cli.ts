import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a node script as a child process and collects what it printed and how it exited. */
export function runNode(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Runs `npm run cli -- …` as a child (through tsx here; `npm run cli` runs the compiled one). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runNode(['--import', 'tsx', CLI, ...args], env);
}
