import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp } from '../support/app-harness.js';
import { httpClient } from '../support/http-client.js';
import { tempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const PROGRAM = 'example-2026';

/**
 * The example consumer of examples/ as a downstream service would run it, restarted half-way: against the SSE feed,
 * and directly against EventStoreDB (the protocol-level test server; persistent groups need a real node).
 */
describe.each(['sse', 'esdb'] as const)('examples/feed-consumer.ts in %s mode', (mode) => {
  let app: Awaited<ReturnType<typeof startApp>>;
  const state = tempDir('docket-consumer-');
  const positions: string[] = [];

  beforeAll(async () => {
    app = await startApp(mode === 'sse' ? 'sqlite' : 'eventstoredb');
    const http = httpClient(app.baseUrl);
    const launched = await http.post('/api/programs', { programId: PROGRAM, title: 'Example', ministry: 'MSIT', finalistSlots: 2, winnerSlots: 1, reason: 'test' });
    positions.push(launched.body.position);
    for (const teamId of ['team-a', 'team-b', 'team-c', 'team-d', 'team-e']) {
      const response = await http.post(`/api/programs/${PROGRAM}/applications`, { teamId, consortiumName: teamId, leadOrganization: teamId, members: [teamId], reason: 'applied' });
      positions.push(response.body.position);
    }
  });
  afterAll(async () => {
    await app?.stop();
    state.remove();
  });

  const consume = async (max: number) => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'examples/feed-consumer.ts', ...(mode === 'sse' ? ['sse', '--url', app.baseUrl] : ['esdb', '--connection', app.eventStoreDb!.connectionString]), '--state', join(state.path, 'position'), '--program-id', PROGRAM, '--max', String(max)],
      { timeout: 30_000 },
    );
    return stdout.trim().split('\n').map((line) => JSON.parse(line) as { position: string; type: string; programId: string; data: { teamId?: string } });
  };

  it('handles every event once across a restart, resuming from the position it saved', async () => {
    const first = await consume(4);
    expect(first.map((e) => e.position)).toEqual(positions.slice(0, 4));
    expect(readFileSync(join(state.path, 'position'), 'utf8')).toBe(positions[3]);
    const second = await consume(2);
    expect(second.map((e) => e.position)).toEqual(positions.slice(4, 6));
    expect(second.map((e) => [e.type, e.programId, e.data.teamId])).toEqual([
      ['ApplicationSubmitted', PROGRAM, 'team-d'],
      ['ApplicationSubmitted', PROGRAM, 'team-e'],
    ]);
  }, 60_000);
});
