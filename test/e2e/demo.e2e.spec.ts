import { expect, it } from '@jest/globals';
import { demoCommand } from '../../src/cli/demo.command.js';
import { demoHistory } from '../../src/cli/demo/programme-history.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { collect } from '../event-store/event-store.contract.js';
import { describeOnEachStore } from '../support/app-harness.js';
import { httpClient } from '../support/http-client.js';

/** Runs the demo against the app and returns what it printed. */
async function demo(baseUrl: string): Promise<{ code: number; printed: string }> {
  let printed = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
  try {
    return { code: await demoCommand({ url: baseUrl, programId: 'sovereign-ai-2025', progress: false }), printed };
  } finally {
    process.stdout.write = write;
  }
}

describeOnEachStore('npm run demo', (app) => {
  it('records the real history through the API, every decision with a reason, a legal basis and its effective date; run again, it changes nothing', async () => {
    const decisions = demoHistory('sovereign-ai-2025');
    const first = await demo(app().baseUrl);
    expect(first).toEqual({ code: 0, printed: expect.stringContaining(`The ${decisions.length} decisions of programme sovereign-ai-2025: ${decisions.length} recorded now, 0 recorded before.`) });
    const store = app().app.get<EventStore>(EVENT_STORE);
    const events = await collect(store.readStream('program-sovereign-ai-2025'));
    expect(events).toHaveLength(decisions.length);
    for (const event of events) {
      expect(event.metadata).toMatchObject({ reason: expect.any(String), legalBasis: expect.any(String), idempotencyKey: expect.stringMatching(/^sovereign-ai-2025-\d{3}-/) });
    }
    expect(events.at(-1)).toMatchObject({ type: 'EvaluationRoundOpened', data: { round: 2 }, metadata: { occurredAt: '2026-02-16T00:00:00.000Z' } });

    const again = await demo(app().baseUrl);
    expect(again.printed).toContain(`0 recorded now, ${decisions.length} recorded before.`);
    expect(await collect(store.readStream('program-sovereign-ai-2025'))).toHaveLength(decisions.length);

    const standings = await httpClient(app().baseUrl).get('/api/programs/sovereign-ai-2025/standings', { role: 'auditor' });
    const status = Object.fromEntries((standings.body.teams as Array<{ teamId: string; status: string }>).map((t) => [t.teamId, t.status]));
    expect(status).toMatchObject({ 'lg-ai-research': 'finalist', 'sk-telecom': 'finalist', upstage: 'finalist', 'nc-ai': 'eliminated', 'naver-cloud': 'eliminated' });
    expect(standings.body.phase).toBe('round-open');
  });

  it('says so, and fails, when no Docket answers', async () => {
    const closed = await demoCommand({ url: 'http://127.0.0.1:9', programId: 'x', progress: false }).catch((error: unknown) => error);
    expect(closed).toBe(1);
  }, 30_000);
});
