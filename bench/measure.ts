/** Small timing helpers shared by the benchmarks. */

export interface Measurement {
  label: string;
  count: number;
  seconds: number;
  perSecond: number;
}

export async function measure(label: string, count: number, work: () => Promise<void> | void): Promise<Measurement> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { label, count, seconds, perSecond: count / seconds };
}

/** Samples the resident set size every 20 ms; `stop()` returns the peak in MiB. */
export function trackPeakMemory(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) / 2 ** 20;
    },
  };
}

export function printTable(title: string, rows: Array<Record<string, string | number>>): void {
  console.log(`\n${title}`);
  console.table(rows);
}

export const formatRate = (n: number) => Math.round(n).toLocaleString('en-US');

/** Nearest-rank percentile of sorted values, to 0.1 ms; 100 is the maximum. */
export function percentile(sorted: Float64Array, p: number): number | string {
  if (sorted.length === 0) return '-';
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Math.round(sorted[rank - 1]! * 10) / 10;
}
