/**
 * The time from an event being recorded (`recordedAt`, stamped by the store) to the projection committing it, over
 * the most recent events: the live lag in milliseconds, measured where it happens, without HTTP in between. With
 * EventStoreDB, `recordedAt` is the server's clock, so a clock offset shows here too.
 */
export class ApplyLatency {
  private readonly samples: Float64Array;
  private next = 0;
  private count = 0;

  constructor(size = 16_384) {
    this.samples = new Float64Array(size);
  }

  record(recordedAtMs: number, committedAtMs: number): void {
    this.samples[this.next] = Math.max(0, committedAtMs - recordedAtMs);
    this.next = (this.next + 1) % this.samples.length;
    this.count = Math.min(this.count + 1, this.samples.length);
  }

  reset(): void {
    this.next = 0;
    this.count = 0;
  }

  summary(): { samples: number; p50: number; p99: number; max: number } | null {
    if (this.count === 0) return null;
    const sorted = this.samples.slice(0, this.count).sort();
    const at = (q: number) => sorted[Math.min(this.count - 1, Math.floor(q * this.count))]!;
    return { samples: this.count, p50: at(0.5), p99: at(0.99), max: sorted[this.count - 1]! };
  }
}
