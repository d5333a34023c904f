import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { RecordedEvent, Subscription } from '../../src/event-store/event-store.port.js';
import { consumeInBatches } from '../../src/projections/engine/subscription-batches.js';

/** A subscription the test feeds by hand: `push` makes an event available, `end` finishes it. */
function manualSubscription() {
  const queue: RecordedEvent[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  let position = 0n;
  const subscription: Subscription = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async close() {
      ended = true;
      wake?.();
    },
  };
  return {
    subscription,
    push(count = 1) {
      for (let i = 0; i < count; i++) {
        position += 1n;
        queue.push({ eventId: `e${position}`, streamId: 's', revision: Number(position) - 1, position, type: 'T', data: {}, metadata: {}, recordedAt: new Date() });
      }
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
  };
}

/** Lets the consumer run what is due now: its microtasks and the turns of the event loop it waits for. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('consumeInBatches', () => {
  // The clock is jest's: time passes only when the test says so, so the intervals are exact and no test waits.
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('hands over what is ready at once as one batch, and a full batch without waiting', async () => {
    const feed = manualSubscription();
    const batches: number[] = [];
    feed.push(5);
    const done = consumeInBatches(feed.subscription, 2, (events) => (batches.push(events.length), true), 1000);
    await settle();
    // Full batches of 2 went without waiting for the interval; the last, short one waits for it...
    expect(batches).toEqual([2, 2]);
    feed.end();
    await done;
    // ...unless the subscription ends, which hands it over.
    expect(batches).toEqual([2, 2, 1]);
  });

  it('with an interval, hands over an event after a quiet spell at once and gathers a steady trickle', async () => {
    const feed = manualSubscription();
    const batches: Array<{ size: number; at: number }> = [];
    const started = performance.now();
    const done = consumeInBatches(feed.subscription, 1000, (events) => (batches.push({ size: events.length, at: performance.now() - started }), true), 100);
    feed.push();
    await settle();
    expect(batches).toEqual([{ size: 1, at: 0 }]);
    // Within the interval after that batch: three events one by one, handed over together once it has passed.
    for (let i = 0; i < 3; i++) {
      feed.push();
      await jest.advanceTimersByTimeAsync(5);
    }
    expect(batches.map((b) => b.size)).toEqual([1]);
    await jest.advanceTimersByTimeAsync(84);
    expect(batches.map((b) => b.size)).toEqual([1]);
    await jest.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([
      { size: 1, at: 0 },
      { size: 3, at: 100 },
    ]);
    // Quiet for longer than the interval: the next event goes at once.
    await jest.advanceTimersByTimeAsync(500);
    feed.push();
    await settle();
    expect(batches.at(-1)).toEqual({ size: 1, at: 600 });
    feed.end();
    await done;
  });
});
