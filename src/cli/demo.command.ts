import { Presets, SingleBar } from 'cli-progress';
import { demoHistory } from './demo/programme-history.js';
import { EXIT, fail } from './cli-options.js';

export interface DemoOptions {
  url?: string;
  token?: string;
  programId: string;
  progress: boolean;
}

/**
 * `npm run demo`: records the programme's real 2025–26 history through a running Docket's HTTP API (so through its
 * handlers and rules, on whichever store it runs), each decision with its effective date, reason, legal basis and an
 * idempotency key: run again, it records nothing new (every decision answers 200, the first outcome).
 */
export async function demoCommand(options: DemoOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const baseUrl = (options.url ?? `http://127.0.0.1:${env['PORT'] || '3000'}`).replace(/\/+$/, '');
  const token = options.token ?? env['DOCKET_TOKEN'] ?? 'dev-official-token';
  if (!(await reachable(baseUrl))) return fail(`No Docket answers at ${baseUrl}: start it (npm start) or pass --url.`);
  const decisions = demoHistory(options.programId);
  const bar = options.progress && process.stderr.isTTY === true ? new SingleBar({ format: 'demo [{bar}] {value}/{total} decisions | {what}', hideCursor: true, stream: process.stderr }, Presets.shades_classic) : null;
  bar?.start(decisions.length, 0, { what: '' });
  let recorded = 0;
  let already = 0;
  let lastPosition = '0';
  try {
    for (const [index, decision] of decisions.entries()) {
      const response = await fetch(`${baseUrl}${decision.path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': decision.idempotencyKey },
        body: JSON.stringify(decision.body),
      });
      const body = (await response.json().catch(() => null)) as { position?: string; code?: string; detail?: string } | null;
      if (response.status === 201) recorded += 1;
      else if (response.status === 200) already += 1;
      else {
        bar?.stop();
        const why = body?.code ? `${body.code}: ${body.detail ?? ''}` : `HTTP ${response.status}`;
        return fail(`Decision ${index + 1} of ${decisions.length} (POST ${decision.path}, "${String(decision.body['reason'])}") was refused: ${why}`);
      }
      if (body?.position) lastPosition = body.position;
      bar?.update(index + 1, { what: String(decision.body['reason']) });
    }
  } finally {
    bar?.stop();
  }
  // The read models follow the log by a moment: the demo is done once the standings show its last decision.
  const standings = await fetch(`${baseUrl}/api/programs/${options.programId}/standings?minPosition=${lastPosition}&limit=1`, { headers: { authorization: `Bearer ${token}` } });
  if (standings.status !== 200) return fail(`The decisions are recorded, but the standings did not catch up (HTTP ${standings.status}).`);
  process.stdout.write(
    `The ${decisions.length} decisions of programme ${options.programId}: ${recorded} recorded now, ${already} recorded before.\n` +
      `Open ${baseUrl}/ and paste a token: dev-official-token (decides), dev-auditor-token (audits).\n`,
  );
  return EXIT.ok;
}

async function reachable(baseUrl: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(1500) });
      if (response.status === 200) return true;
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}
