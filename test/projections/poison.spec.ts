import { afterEach, describe, expect, it } from '@jest/globals';
import type { FastifyReply } from 'fastify';
import { HealthController } from '../../src/health/health.controller.js';
import { FeedHub } from '../../src/feed/feed-hub.js';
import { FeedSettings } from '../../src/feed/feed-settings.js';
import { appendSpread, counterProjection, counts, eventually, events, expectedCounts, readLog, workspace } from './runner-fixtures.js';

describe('a projection that refuses an event', () => {
  let ws: ReturnType<typeof workspace>;
  afterEach(async () => {
    await ws.dispose();
  });

  async function poisonedLog() {
    await appendSpread(ws.store, 400);
    const poisoned = await ws.store.append('counter-bad', events(1, { poison: true }), { expectedRevision: 'no-stream' });
    await appendSpread(ws.store, 100);
    const log = await readLog(ws.store);
    return { poison: poisoned.events[0]!, before: log.filter((event) => event.position < poisoned.position), log };
  }

  it('halts at that event, keeps everything before it, never skips it, and says which event and why', async () => {
    ws = workspace();
    const refusing = new Set(['counter-bad']);
    const { poison, before } = await poisonedLog();
    // A tolerant projection on the same subscription: once it has applied an event, the halted one was offered it too.
    const { runner, db } = ws.open([counterProjection('counter', { refusing }), counterProjection('witness', { refusing: new Set() })], { batchSize: 1000 });
    runner.start();
    await eventually(async () => (await runner.status('counter')).status === 'failed');

    // Every event before the refused one is applied (the batch that held it was rolled back and re-applied up to it).
    expect(runner.position('counter')).toBe(before.at(-1)!.position);
    expect(counts(db, runner)).toEqual(expectedCounts(before));
    const status = await runner.status('counter');
    expect(status).toMatchObject({ status: 'failed', error: { position: poison.position.toString(), message: 'refused counter-bad@0' }, lag: 101 });
    expect(ws.logs).toContain(
      `projection counter halted at position ${poison.position} (type Counted, stream counter-bad, event ${poison.eventId}): refused counter-bad@0`,
    );
    // Reads of a halted projection answer 503 at once.
    await expect(runner.waitForPosition('counter', poison.position, 5000)).rejects.toMatchObject({ kind: 'unavailable', code: 'READ_MODEL_NOT_READY' });

    // Health shows it (degraded, not a 503: decisions and the other read models still work).
    let httpStatus = 200;
    const response = { status: (code: number) => (httpStatus = code) } as unknown as FastifyReply;
    const health = await new HealthController(ws.store, runner, new FeedHub(ws.store, new FeedSettings())).health(response);
    expect(httpStatus).toBe(200);
    expect(health.status).toBe('degraded');
    expect(health.projections['counter']).toMatchObject({ status: 'failed', position: before.at(-1)!.position.toString(), error: { position: poison.position.toString() } });

    // Later events do not move it: it stays at the refused event.
    const late = await ws.store.append('counter-late', events(2), { expectedRevision: 'no-stream' });
    await runner.waitForPosition('witness', late.position, 10_000);
    expect(runner.position('counter')).toBe(before.at(-1)!.position);
  });

  it('keeps the other projections running', async () => {
    ws = workspace();
    const { before, log } = await poisonedLog();
    const { runner, db } = ws.open([counterProjection('counter', { refusing: new Set(['counter-bad']) }), counterProjection('tolerant', { refusing: new Set() })]);
    runner.start();
    await runner.waitForPosition('tolerant', log.at(-1)!.position);
    await eventually(async () => (await runner.status('counter')).status === 'failed');
    expect(counts(db, runner, 'tolerant')).toEqual(expectedCounts(log));
    expect(counts(db, runner, 'counter')).toEqual(expectedCounts(before));
    const late = await ws.store.append('counter-late', events(2), { expectedRevision: 'no-stream' });
    await runner.waitForPosition('tolerant', late.position);
    expect(runner.position('counter')).toBe(before.at(-1)!.position);
  });

  it('is still failed after a restart, which retries the event once; a fixed projection then goes on', async () => {
    ws = workspace();
    const refusing = new Set(['counter-bad']);
    const { poison, before, log } = await poisonedLog();
    const first = ws.open([counterProjection('counter', { refusing })]);
    first.runner.start();
    await eventually(async () => (await first.runner.status('counter')).status === 'failed');
    await ws.close(first.runner, first.db);

    // Restarted with the same code: failed from the first moment (the catalog kept it), and it halts again.
    ws.logs.length = 0;
    const second = ws.open([counterProjection('counter', { refusing })]);
    expect((await second.runner.status('counter')).error).toEqual({ position: poison.position.toString(), message: 'refused counter-bad@0' });
    second.runner.start();
    await eventually(() => ws.logs.some((line) => line.startsWith('projection counter halted')));
    expect(counts(second.db, second.runner)).toEqual(expectedCounts(before));
    await ws.close(second.runner, second.db);

    // Restarted with code that accepts the event: it is applied, not skipped, and the failure clears.
    refusing.clear();
    const third = ws.open([counterProjection('counter', { refusing })]);
    third.runner.start();
    await third.runner.waitForPosition('counter', log.at(-1)!.position);
    await third.runner.waitUntilServing('counter');
    expect(counts(third.db, third.runner)).toEqual(expectedCounts(log));
    expect(await third.runner.status('counter')).toMatchObject({ status: 'live', error: null });
    const catalog = third.db.prepare("SELECT status, error_position FROM projection_catalog WHERE name = 'counter'").get();
    expect(catalog).toEqual({ status: 'live', error_position: null });
  });

  it('is recovered by a rebuild once the code accepts the event', async () => {
    ws = workspace();
    const refusing = new Set(['counter-bad']);
    const { log } = await poisonedLog();
    const { runner, db } = ws.open([counterProjection('counter', { refusing })]);
    runner.start();
    await eventually(async () => (await runner.status('counter')).status === 'failed');
    refusing.clear();
    await runner.rebuild('counter').done;
    expect(await runner.status('counter')).toMatchObject({ status: 'live', error: null });
    const late = await ws.store.append('counter-late', events(2), { expectedRevision: 'no-stream' });
    await runner.waitForPosition('counter', late.position);
    expect(counts(db, runner)).toEqual(expectedCounts(await readLog(ws.store)));
    expect(log.length).toBeGreaterThan(0);
  });
});
