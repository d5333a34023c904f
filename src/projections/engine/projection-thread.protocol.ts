import type { ErrorKind } from '../../common/coded-error.js';
import type { AppConfig } from '../../config/app-config.js';
import type { ProjectionStatus } from './projection-status.js';

/**
 * The projections' thread and the HTTP thread: what they tell each other.
 *
 * Positions and serving generations are not messages. They sit in shared memory (`SharedPositions`), which the
 * projections' thread writes after every commit and the HTTP thread reads when a query asks: a read-your-writes check
 * costs no message. A reader that must wait publishes the lowest position it waits for; the projections' thread sends
 * `advanced` once it has committed that far, and the HTTP thread wakes whoever is due.
 */

export interface ProjectionThreadData {
  config: AppConfig;
  /** The projections' names, in the order of the shared memory's slots. */
  names: readonly string[];
  positions: SharedArrayBuffer;
  /** Tracing is on in the HTTP thread: each live batch is reported (`batch`) for it to record as a span. */
  traceBatches: boolean;
}

export interface ProjectionState {
  name: string;
  halted: boolean;
  /** Its serving generation is still being built from nothing: reads wait for it (see `waitUntilServing`). */
  building: boolean;
}

export type ToHost =
  /** `statuses`: where each projection stands at start, for health to fall back on should the thread die at once. */
  | { kind: 'ready'; projections: ProjectionState[]; statuses: ProjectionStatus[] }
  | { kind: 'state'; state: ProjectionState }
  /** A swap retired `generation`: its tables go once the HTTP thread answers `released`. */
  | { kind: 'retired'; name: string; generation: number }
  | { kind: 'advanced' }
  | { kind: 'log'; level: 'log' | 'error'; message: string }
  /** A live batch committed (only with `traceBatches`): the span's times and the decisions' trace contexts it links to. */
  | { kind: 'batch'; startedAt: number; endedAt: number; events: number; first: string; last: string; projections: string[]; traceparents: string[] }
  | { kind: 'reply'; id: number; value?: ProjectionStatus[]; refusal?: Refusal; error?: string };

/** A coded error (see `CodedError`) as it crosses from the thread to the host, which throws it again. */
export interface Refusal {
  code: string;
  kind: ErrorKind;
  message: string;
  retryAfterSeconds?: number;
}

export type ToThread =
  | { kind: 'start' }
  | { kind: 'stop' }
  | { kind: 'released'; name: string; generation: number }
  | { kind: 'call'; id: number; method: 'statuses' }
  | { kind: 'call'; id: number; method: 'rebuild'; name: string };

const NONE = -1n;

/**
 * Per projection, three 64-bit slots in one `SharedArrayBuffer`: the last position applied and the generation that
 * serves reads (both written by the projections' thread), and the lowest position a reader waits for (written by the
 * HTTP thread). Positions are below 2^63 (see the event store port), so -1 stands for none.
 *
 * The thread stores a swapped-in generation before the position it brought: a reader that sees the position also
 * sees the generation that holds it (Atomics are sequentially consistent), so a read of its own write never lands
 * on the old generation, which may stop short of it.
 */
export class SharedPositions {
  private readonly slots: BigInt64Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    private readonly count: number,
  ) {
    this.slots = new BigInt64Array(buffer);
  }

  static create(count: number): SharedPositions {
    const positions = new SharedPositions(new SharedArrayBuffer(24 * count), count);
    for (let i = 0; i < 3 * count; i++) Atomics.store(positions.slots, i, NONE);
    return positions;
  }

  /** The generation serving reads, or null before the thread said. */
  generation(index: number): number | null {
    const value = Atomics.load(this.slots, 2 * this.count + index);
    return value === NONE ? null : Number(value);
  }

  setGeneration(index: number, generation: number): void {
    Atomics.store(this.slots, 2 * this.count + index, BigInt(generation));
  }

  applied(index: number): bigint | null {
    const value = Atomics.load(this.slots, index);
    return value === NONE ? null : value;
  }

  setApplied(index: number, position: bigint | null): void {
    Atomics.store(this.slots, index, position ?? NONE);
  }

  wanted(index: number): bigint | null {
    const value = Atomics.load(this.slots, this.count + index);
    return value === NONE ? null : value;
  }

  setWanted(index: number, position: bigint | null): void {
    Atomics.store(this.slots, this.count + index, position ?? NONE);
  }

  /**
   * Taken by the projections' thread when it tells the waiters: cleared unless the HTTP thread changed it meanwhile
   * (then the new value stands, and the next commit looks at it).
   */
  takeWanted(index: number, seen: bigint): void {
    Atomics.compareExchange(this.slots, this.count + index, seen, NONE);
  }
}
