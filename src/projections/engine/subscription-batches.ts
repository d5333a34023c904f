import type { RecordedEvent, Subscription } from '../../event-store/event-store.port.js';

const TICK = Symbol('tick');

/**
 * Hands a subscription's events over in batches: whatever arrives without waiting for the store (up to `maxSize`,
 * or until the event loop gets a turn) forms one batch, so catching up commits big transactions while a live event
 * is committed at once. `onBatch` returns false to stop. Events received before the subscription failed or ended are
 * handed over too, then the failure is thrown.
 *
 * `minIntervalMs` spaces the batches of a steady trickle: a batch that would start sooner than that after the last
 * one began waits out the rest, gathering what arrives meanwhile. An event that comes after a quiet spell is handed
 * over at once; under load, batches come at most every `minIntervalMs` and each costs one commit instead of many.
 * A full batch (catching up) never waits.
 */
export async function consumeInBatches(
  subscription: Subscription,
  maxSize: number,
  onBatch: (events: RecordedEvent[]) => boolean,
  minIntervalMs = 0,
): Promise<void> {
  const iterator = subscription[Symbol.asyncIterator]();
  let batch: RecordedEvent[] = [];
  let tick: Promise<typeof TICK> | null = null;
  let stopped = false;
  let lastFlush = Number.NEGATIVE_INFINITY;
  const flush = () => {
    tick = null;
    lastFlush = performance.now();
    const events = batch;
    batch = [];
    if (events.length > 0 && !onBatch(events)) stopped = true;
    return !stopped;
  };
  try {
    let pending = iterator.next();
    for (;;) {
      let result: IteratorResult<RecordedEvent> | typeof TICK;
      if (batch.length === 0) result = await pending;
      else {
        tick ??= new Promise((resolve) => {
          const wait = lastFlush + minIntervalMs - performance.now();
          if (wait > 0) setTimeout(() => resolve(TICK), wait);
          else setImmediate(() => resolve(TICK));
        });
        result = await Promise.race([pending, tick]);
      }
      if (result === TICK) {
        if (!flush()) return;
        continue;
      }
      if (result.done) return;
      batch.push(result.value);
      pending = iterator.next();
      if (batch.length >= maxSize) {
        if (!flush()) return;
        // While catching up, every event is at hand and all of this runs on microtasks: without a turn of the event
        // loop here, a long catch-up would starve HTTP and keep every race against a not-yet-fired tick (and the
        // events it references) alive until it ends.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    if (!stopped) flush();
  }
}
