import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** `DOCKET_BENCH_MAIN` measures another build of the service (say, one built elsewhere to compare with). */
const MAIN = process.env['DOCKET_BENCH_MAIN'] ?? fileURLToPath(new URL('../dist/main.js', import.meta.url));
/** Clock ticks per second of /proc/<pid>/stat's CPU times: 100 on every Linux that Node runs on. */
const CLOCK_TICKS = 100;

/** The built service (`npm run build` first) as a child process, the way `npm start` runs it. */
export interface ServerProcess {
  baseUrl: string;
  /** Peak resident set size of the server so far, in MiB (the kernel's high-water mark). */
  peakMemoryMiB(): number;
  /**
   * CPU time (user + system, every thread) the server has used so far, in seconds. Divided by the decisions taken
   * between two readings it is the cost of a decision, a figure that other load on the machine barely moves.
   */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Node's own flags, placed before the script (`--max-semi-space-size=…`, `--cpu-prof`). */
  nodeArgs?: string[];
}

/**
 * The node flags an npm script gives its entry point (`npm start`: `dist/main.js`; `npm run cli`:
 * `dist/cli/main.js`), so that the bench runs the program as it is run.
 */
export function scriptFlags(script = 'start', entry = 'dist/main.js'): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const pattern = new RegExp(`\\bnode\\s+(.*?)\\s*${entry.replaceAll('.', '\\.')}`);
  const flags = pattern.exec(pkg.scripts[script] ?? '')?.[1] ?? '';
  return flags.split(/\s+/).filter((flag) => flag !== '');
}

export async function startServer(env: Record<string, string>, options: ServerOptions = {}): Promise<ServerProcess> {
  // Flags given here come after those of the start script, and V8 takes the last value of a flag given twice.
  const child: ChildProcess = spawn(process.execPath, [...scriptFlags(), ...(options.nodeArgs ?? []), MAIN], {
    // Logs as in production (JSON lines, one per request), unless the bench says otherwise.
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // A bench that fails or is interrupted must not leave its server running (and holding the read models' lease).
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  child.once('exit', () => process.off('exit', orphaned));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening`)));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /serving on http:\/\/[^:]+:(\d+)\//.exec(line);
      if (match) resolve(Number(match[1]));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    peakMemoryMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      return kib / 1024;
    },
    cpuSeconds() {
      // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command name.
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
