/** What stops a projection from getting to what a read waits for, as the runner or the host sees it. */
export interface ReadHindrances {
  /** Stopped at a refused event: it will not move on by itself. */
  halted: boolean;
  /** Stopped for good in this process (the read models' lease was taken over), with why; null otherwise. */
  stopped?: string | null;
  /** The projections' thread is restarting, since when; null otherwise. */
  restarting?: string | null;
}

export type ReadVerdict = { serve: true } | { wait: true } | { refuse: string };

/**
 * Whether a read of a projection is answered now, waits, or is refused at once: the one rule behind a read waiting for
 * a position (`ready`: the projection has applied it) and a read waiting for a build from nothing (`ready`: the
 * projection serves), in the runner and in the host alike. A projection that cannot move on is not waited for.
 */
export function readVerdict(name: string, ready: boolean, hindrances: ReadHindrances): ReadVerdict {
  if (ready) return { serve: true };
  if (hindrances.halted) return { refuse: `the ${name} projection is halted at a refused event` };
  if (hindrances.stopped) return { refuse: `the ${name} projection is stopped: ${hindrances.stopped}` };
  if (hindrances.restarting) return { refuse: `the projections are restarting (${hindrances.restarting})` };
  return { wait: true };
}
