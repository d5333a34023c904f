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
