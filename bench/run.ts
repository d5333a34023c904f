/**
 * `npm run bench -- <name> [options]`: runs one benchmark and prints its figures. Targets are stated in the issues
 * and compared by a person reading the table, never asserted in tests.
 */
import { runDecisionsBenchmark } from './decisions.bench.js';
import { runEvidenceBenchmark } from './evidence.bench.js';
import { runFeedBenchmark } from './feed.bench.js';
import { runProjectionsBenchmark } from './projections.bench.js';
import { runReadsBenchmark } from './reads.bench.js';
import { runStoreBenchmark } from './store.bench.js';

const benchmarks: Record<string, (args: string[]) => Promise<void>> = {
  store: runStoreBenchmark,
  decisions: runDecisionsBenchmark,
  projections: runProjectionsBenchmark,
  feed: runFeedBenchmark,
  reads: runReadsBenchmark,
  evidence: runEvidenceBenchmark,
};

const [name, ...args] = process.argv.slice(2);
const run = name ? benchmarks[name] : undefined;
if (!run) {
  console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]`);
  process.exit(2);
}
// Ctrl-C ends through 'exit', where the servers a benchmark started are stopped (see server-process.ts).
process.once('SIGINT', () => process.exit(130));
await run(args);
