import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { tempDir } from '../test/support/temp-dir.js';
import { CONNECTIONS, foldEveryProgramme, measureSteadyState, seedProgrammes, type SteadyState } from './decision-load.js';
import { percentile, printTable } from './measure.js';
import { startServer, type ServerProcess } from './server-process.js';

const SUBSCRIBERS = 100;
const RATE = 500;
const SUBSCRIBER = 'dev-subscriber-token';

interface FeedBenchOptions {
  duration: number;
  warmUp: number;
  subscribers: number;
  rate: number;
}

function parseOptions(args: string[]): FeedBenchOptions {
  const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    duration: Number(value('duration') ?? 10),
    warmUp: Number(value('warm-up') ?? 3),
    subscribers: Number(value('subscribers') ?? SUBSCRIBERS),
    rate: Number(value('rate') ?? RATE),
  };
}

/**
 * `npm run bench -- feed`: the built service on a fresh embedded store; writers take decisions (score corrections over
 * 20 programmes) through the HTTP API, at a fixed 500/s and in a closed loop of 50 clients, first with no subscriber,
 * then with 100 SSE subscribers reading the whole feed. Delivery latency is from the event's `recordedat` (stamped by
 * the store as it commits) to its arrival at a subscriber, over every subscriber and event of the measured seconds;
 * both clocks are this machine's. The subscribers run in a worker thread, parse only what they measure, and check
 * that each got every event exactly once, in order.
 */
export async function runFeedBenchmark(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const data = tempDir('docket-bench-feed-');
  await seedProgrammes(join(data.path, 'events.sqlite'), 10);
  const server = await startServer({ DATA_DIR: data.path, NODE_ENV: 'development' });
  const rows: Array<Record<string, string | number>> = [];
  try {
    await foldEveryProgramme(server.baseUrl);
    const writers = async (label: string, subscribers: Subscribers | null) => {
      for (const rate of [options.rate, undefined]) {
        const run = await measureWriters(server, options, rate, subscribers);
        rows.push({
          subscribers: label,
          writers: rate === undefined ? `${CONNECTIONS} clients, closed loop` : `${rate}/s offered`,
          'decisions/s': Math.round(run.decisions / run.seconds).toLocaleString('en-US'),
          'decision p50 ms': percentile(run.latencies, 50),
          'decision p99 ms': percentile(run.latencies, 99),
          'delivery p50 ms': run.delivery ? percentile(run.delivery, 50) : '-',
          'delivery p99 ms': run.delivery ? percentile(run.delivery, 99) : '-',
          'delivery max ms': run.delivery ? percentile(run.delivery, 100) : '-',
          'not 201': run.refused,
          'CPU µs/decision': run.decisions > 0 ? Math.round((run.cpuSeconds * 1e6) / run.decisions) : '-',
        });
      }
    };
    await writers('none', null);
    const subscribers = await Subscribers.open(server.baseUrl, options.subscribers);
    await writers(`${options.subscribers} SSE`, subscribers);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the last events reach every subscriber
    const integrity = await subscribers.check(server.baseUrl);
    await subscribers.close();
    printTable(
      `the event feed: writers over HTTP with and without ${options.subscribers} SSE subscribers; each run ${options.warmUp} s of warm-up (not counted) then ${options.duration} s measured; embedded store (durability full); server peak RSS ${server.peakMemoryMiB().toFixed(0)} MiB`,
      rows,
    );
    console.log(`\nintegrity: ${integrity}`);
    console.log('targets (issue 6): delivery p99 < 50 ms; writers with subscribers within 10% of the figure without.');
  } finally {
    await server.stop();
    data.remove();
  }
}

/**
 * The subscribers' side of the benchmark, in a worker thread: reading and parsing 100 streams must not take the
 * event loop that paces the writers (a starved autocannon offers less than it says).
 */
class Subscribers {
  private constructor(
    private readonly worker: Worker,
    private readonly from: string,
  ) {}

  static async open(baseUrl: string, count: number): Promise<Subscribers> {
    const health = (await (await fetch(`${baseUrl}/api/health`)).json()) as { eventStore: { headPosition: string } };
    // A worker does not inherit `--import tsx`: it registers tsx itself, then loads this very module.
    const entry = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(entry, { eval: true, workerData: { feedSubscribers: true } });
    const subscribers = new Subscribers(worker, health.eventStore.headPosition);
    await subscribers.ask({ command: 'open', baseUrl, count, from: subscribers.from });
    return subscribers;
  }

  async setRecording(on: boolean): Promise<void> {
    await this.ask({ command: 'record', on });
  }

  async takeSamples(): Promise<Float64Array> {
    return ((await this.ask({ command: 'samples' })) as Float64Array).sort();
  }

  /** Every subscriber got every event after `from` exactly once, in order (ids strictly increasing). */
  async check(baseUrl: string): Promise<string> {
    const health = (await (await fetch(`${baseUrl}/api/health`)).json()) as { eventStore: { headPosition: string } };
    const expected = Number(BigInt(health.eventStore.headPosition) - BigInt(this.from)); // the embedded store's positions are dense
    const { received, disorder } = (await this.ask({ command: 'check' })) as { received: number[]; disorder: number[] };
    const complete = received.filter((n) => n === expected).length;
    return `${complete} of ${received.length} subscribers received all ${expected} events; ${disorder.reduce((a, b) => a + b, 0)} out of order or repeated`;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private ask(message: object): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.postMessage(message);
    });
  }
}

/** The worker: one fetch stream per subscriber; it parses only the id and `recordedat` of each message. */
function runSubscribersWorker(): void {
  const samples: number[] = [];
  let received: number[] = [];
  let disorder: number[] = [];
  let recording = false;
  const read = async (body: ReadableStream<Uint8Array>, index: number) => {
    const decoder = new TextDecoder();
    let buffer = '';
    let last = -1n;
    for await (const chunk of body) {
      const now = Date.now();
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!message.startsWith('id: ')) continue; // retry and heartbeat comments
        const id = BigInt(message.slice(4, message.indexOf('\n')));
        if (id <= last) disorder[index]! += 1;
        last = id;
        received[index]! += 1;
        if (!recording) continue;
        const at = message.indexOf('"recordedat":"');
        samples.push(now - Date.parse(message.slice(at + 14, message.indexOf('"', at + 14))));
      }
    }
  };
  parentPort!.on('message', async (message: { command: string; baseUrl?: string; count?: number; from?: string; on?: boolean }) => {
    switch (message.command) {
      case 'open': {
        received = new Array<number>(message.count!).fill(0);
        disorder = new Array<number>(message.count!).fill(0);
        await Promise.all(
          Array.from({ length: message.count! }, async (_, i) => {
            const response = await fetch(`${message.baseUrl}/api/events/stream?after=${message.from}`, { headers: { authorization: `Bearer ${SUBSCRIBER}` } });
            if (response.status !== 200 || !response.body) throw new Error(`the feed answered ${response.status}`);
            void read(response.body, i);
          }),
        );
        parentPort!.postMessage('opened');
        return;
      }
      case 'record':
        recording = message.on === true;
        parentPort!.postMessage('ok');
        return;
      case 'samples': {
        const taken = Float64Array.from(samples.splice(0));
        parentPort!.postMessage(taken, [taken.buffer]);
        return;
      }
      case 'check':
        parentPort!.postMessage({ received, disorder });
        return;
    }
  });
}

if (!isMainThread && (workerData as { feedSubscribers?: boolean } | null)?.feedSubscribers) runSubscribersWorker();

interface WritersRun extends SteadyState {
  delivery: Float64Array | null;
}

async function measureWriters(server: ServerProcess, options: FeedBenchOptions, rate: number | undefined, subscribers: Subscribers | null): Promise<WritersRun> {
  const run = await measureSteadyState(server, options.warmUp, options.duration, rate, () => void subscribers?.setRecording(true));
  await new Promise((resolve) => setTimeout(resolve, 200)); // the run's last events reach the subscribers
  await subscribers?.setRecording(false);
  return { ...run, delivery: subscribers ? await subscribers.takeSamples() : null };
}
