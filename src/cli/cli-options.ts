import { DocketClient } from './docket-client.js';

/** Exit codes of every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface ServerOptions {
  url?: string;
  token?: string;
  offline?: boolean;
}

/** The server the CLI talks to: `--url`, or this machine's Docket on `PORT`; `--token`, `DOCKET_TOKEN`, or the dev admin token. */
export function clientFor(options: ServerOptions, env: NodeJS.ProcessEnv = process.env): DocketClient {
  const url = (options.url ?? `http://127.0.0.1:${env['PORT'] || '3000'}`).replace(/\/+$/, '');
  const token = options.token ?? env['DOCKET_TOKEN'] ?? (env['NODE_ENV'] === 'production' ? '' : 'dev-admin-token');
  return new DocketClient(url, token);
}

export function fail(message: string, code: number = EXIT.failed): number {
  process.stderr.write(`${message}\n`);
  return code;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
