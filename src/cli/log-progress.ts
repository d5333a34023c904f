import { Presets, SingleBar } from 'cli-progress';

/**
 * A progress bar over the log, by position (the events' count is not known before they are read): the share of the
 * log read, the events so far and their rate. Nothing when not wanted (`--no-progress`, or output not a terminal).
 */
export class LogProgress {
  private readonly bar: SingleBar | null;
  private readonly started = Date.now();

  constructor(
    label: string,
    private readonly head: bigint | null,
    enabled: boolean,
  ) {
    this.bar =
      enabled && head !== null
        ? new SingleBar({ format: `${label} [{bar}] {percentage}% | {events} events | {rate} events/s`, hideCursor: true, stream: process.stderr }, Presets.shades_classic)
        : null;
    this.bar?.start(Number(head), 0, { events: 0, rate: 0 });
  }

  update(events: number, position: bigint): void {
    this.bar?.update(Number(position), { events: events.toLocaleString('en-US'), rate: this.rate(events).toLocaleString('en-US') });
  }

  stop(events: number): void {
    if (this.bar) {
      this.bar.update(this.bar.getTotal(), { events: events.toLocaleString('en-US'), rate: this.rate(events).toLocaleString('en-US') });
      this.bar.stop();
    }
  }

  seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  private rate(events: number): number {
    return Math.round(events / Math.max(this.seconds(), 1e-3));
  }
}
