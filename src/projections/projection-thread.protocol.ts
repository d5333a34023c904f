import type { AppConfig } from '../config/app-config.js';
import type { ProjectionStatus } from './projection-status.js';

/**
 * The projections' thread and the HTTP thread: what they tell each other.
 *
 * Positions are not messages. They sit in shared memory (`SharedPositions`), which the projections' thread writes
 * after every commit and the HTTP thread reads when a query asks: a read-your-writes check costs no message. A
 * reader that must wait publishes the lowest position it waits for; the projections' thread sends `advanced` once it
 * has committed that far, and the HTTP thread wakes whoever is due.
 */

export interface ProjectionThreadData {
  config: AppConfig;
  /** The projections' names, in the order of the shared memory's slots. */
  names: readonly string[];
  positions: SharedArrayBuffer;
}

export interface ProjectionState {
  name: string;
  /** The prefix of the generation that serves reads (see `TableSet`). */
  prefix: string;
  halted: boolean;
}

export type ToHost =
  | { kind: 'ready'; projections: ProjectionState[] }
  | { kind: 'state'; state: ProjectionState }
  /** A swap retired `generation`: its tables go once the HTTP thread answers `released`. */
  | { kind: 'retired'; name: string; generation: number }
  | { kind: 'advanced' }
  | { kind: 'log'; level: 'log' | 'error'; message: string }
  | { kind: 'reply'; id: number; value?: ProjectionStatus[]; problem?: { status: number; code: string; detail: string }; error?: string };

export type ToThread =
  | { kind: 'start' }
  | { kind: 'stop' }
  | { kind: 'released'; name: string; generation: number }
  | { kind: 'call'; id: number; method: 'statuses' }
  | { kind: 'call'; id: number; method: 'rebuild'; name: string };

const NONE = -1n;

/**
 * Per projection, two 64-bit slots in one `SharedArrayBuffer`: the last position applied (written by the
 * projections' thread) and the lowest position a reader waits for (written by the HTTP thread). Positions are below
 * 2^63 (see the event store port), so -1 stands for none.
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
    const positions = new SharedPositions(new SharedArrayBuffer(16 * count), count);
    for (let i = 0; i < 2 * count; i++) Atomics.store(positions.slots, i, NONE);
    return positions;
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
