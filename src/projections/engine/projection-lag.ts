import type { EventStore } from '../../event-store/event-store.port.js';

export interface Lag {
  /** Events in the log after the position; at most the cap. */
  events: number;
  /** True when counting stopped at the cap: the projection is at least that far behind. */
  lowerBound: boolean;
}

interface Cached {
  at: number;
  lag: Promise<Lag>;
}

/**
 * Counts the events a projection is behind. Positions are not dense (EventStoreDB's are commit positions), so the
 * events after the checkpoint are counted by reading them, up to a cap, and the answer is kept briefly by position:
 * projections fed by the one live subscription usually share their checkpoint, so they share one count, and health and the
 * admin list stay cheap however often they are asked.
 */
export class LagMeter {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly store: EventStore,
    private readonly options: { cap?: number; ttlMs?: number } = {},
  ) {}

  lag(position: bigint | null): Promise<Lag> {
    const now = Date.now();
    const key = position?.toString() ?? 'none';
    const cached = this.cache.get(key);
    if (cached && now - cached.at < (this.options.ttlMs ?? 1000)) return cached.lag;
    for (const [other, entry] of this.cache) if (now - entry.at >= (this.options.ttlMs ?? 1000)) this.cache.delete(other);
    const lag = this.count(position).catch(() => ({ events: 0, lowerBound: true }));
    this.cache.set(key, { at: now, lag });
    return lag;
  }

  private async count(position: bigint | null): Promise<Lag> {
    const head = await this.store.headPosition();
    if (head === null || (position !== null && position >= head)) return { events: 0, lowerBound: false };
    const cap = this.options.cap ?? 10_000;
    let events = 0;
    // `fromPosition` is inclusive and must be a position the store gave out, so the checkpoint itself is skipped.
    for await (const event of this.store.readAll({ fromPosition: position ?? 'start', maxCount: cap + 1 })) {
      if (position !== null && event.position <= position) continue;
      events += 1;
      if (events >= cap) return { events, lowerBound: true };
    }
    return { events, lowerBound: false };
  }
}
