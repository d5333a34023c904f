import { ReadModelNotReadyError } from './read-model-errors.js';

interface Waiter {
  position: bigint;
  resolve(): void;
  reject(error: Error): void;
}

/** What a read is refused with when its projection has not applied the position it asked for. */
export function notReady(detail: string): ReadModelNotReadyError {
  return new ReadModelNotReadyError(detail);
}

/**
 * Readers waiting for one projection to reach a position. They are woken by the commit that gets there (no polling),
 * or refused with a 503 when their time is up or the projection halts.
 */
export class PositionWaiters {
  private readonly waiters = new Set<Waiter>();

  wait(position: bigint, timeoutMs: number, timeoutDetail: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(notReady(timeoutDetail));
      }, timeoutMs);
      const waiter: Waiter = {
        position,
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      this.waiters.add(waiter);
    });
  }

  /** The lowest position anyone waits for, or null when no one waits. */
  lowest(): bigint | null {
    let lowest: bigint | null = null;
    for (const waiter of this.waiters) if (lowest === null || waiter.position < lowest) lowest = waiter.position;
    return lowest;
  }

  /** Resolves everyone waiting for `position` or an earlier one. */
  reached(position: bigint): void {
    for (const waiter of this.waiters) {
      if (waiter.position <= position) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  refuseAll(detail: string): void {
    for (const waiter of this.waiters) waiter.reject(notReady(detail));
    this.waiters.clear();
  }
}

/** The 503 detail of a read held by a build from nothing; `target` when the reader knows it. */
export function buildingDetail(name: string, position: bigint | null, target?: bigint | null): string {
  const reached = position === null ? 'no event yet' : `position ${position}`;
  const of = target === undefined || target === null ? '' : ` of ${target}`;
  return `the ${name} read model is being built from the event log (at ${reached}${of}) and answers no read until it is complete`;
}

/**
 * Readers waiting for a projection whose serving generation is being built from nothing: woken once it serves, or
 * refused with a 503 when their time is up or the build cannot go on (a halt, a stop).
 */
export class BuildWaiters {
  private readonly waiters = new Set<Omit<Waiter, 'position'>>();

  /** `timeoutDetail` is asked for when the time is up, so it can tell how far the build got. */
  wait(timeoutMs: number, timeoutDetail: () => string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(notReady(timeoutDetail()));
      }, timeoutMs);
      const waiter = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error: Error) => (clearTimeout(timer), reject(error)),
      };
      this.waiters.add(waiter);
    });
  }

  served(): void {
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }

  refuseAll(detail: string): void {
    for (const waiter of this.waiters) waiter.reject(notReady(detail));
    this.waiters.clear();
  }
}
