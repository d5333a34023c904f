import { Presets, SingleBar } from 'cli-progress';
import type { ProjectionStatus } from '../projections/engine/projection-status.js';

/** The progress bar of a rebuild (events done of total, rate, ETA), or nothing when it is not wanted. */
export class RebuildProgress {
  private readonly bar: SingleBar | null;
  private started = false;
  readonly enabled: boolean;

  constructor(
    private readonly name: string,
    enabled: boolean,
  ) {
    this.enabled = enabled;
    this.bar = enabled
      ? new SingleBar(
          { format: `${name} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {etaText}`, hideCursor: true, etaBuffer: 20 },
          Presets.shades_classic,
        )
      : null;
  }

  update(status: ProjectionStatus): void {
    const rebuild = status.rebuild;
    if (!this.bar || !rebuild) return;
    const payload = { rate: rebuild.eventsPerSecond.toLocaleString('en-US'), etaText: rebuild.etaSeconds === null ? '?' : `${rebuild.etaSeconds}s` };
    const total = Math.max(rebuild.total, rebuild.done, 1);
    if (!this.started) {
      this.bar.start(total, rebuild.done, payload);
      this.started = true;
    } else {
      this.bar.setTotal(total);
      this.bar.update(rebuild.done, payload);
    }
  }

  /** Ends the bar and prints the outcome; `events` is what the rebuild applied (the benchmark reads this line). */
  finish(status: ProjectionStatus | null, seconds: number, events = 0): void {
    if (this.bar && this.started) {
      this.bar.update(this.bar.getTotal());
      this.bar.stop();
    }
    if (status) process.stdout.write(`${this.name}: ${status.status} at position ${status.position ?? 'none'}, generation ${status.generation} (${events.toLocaleString('en-US')} events in ${seconds.toFixed(2)} s, ${Math.round(events / Math.max(seconds, 1e-3)).toLocaleString('en-US')} events/s)\n`);
  }
}
