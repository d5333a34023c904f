/**
 * Wakes every waiting subscriber after a commit. Subscribers re-read the log themselves, so a notification carries
 * no events: a slow subscriber costs the writer nothing, and a missed wake-up is impossible because a subscriber
 * takes the promise before it looks at the log.
 */
export class AppendSignal {
  private waiting: { promise: Promise<void>; resolve: () => void } | null = null;

  /** A promise that settles at the next commit. */
  next(): Promise<void> {
    if (!this.waiting) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiting = { promise, resolve };
    }
    return this.waiting.promise;
  }

  notify(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve();
  }
}
