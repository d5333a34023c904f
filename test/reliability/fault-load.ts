import { expect } from '@jest/globals';

/**
 * The decision load the fault tests share: clients that apply teams with an Idempotency-Key each and, like a careful
 * client, send the very same request again when it got no answer or a 5xx, until it is acknowledged (201, or 200 for
 * a retry the server had recorded already); and the checks of the history after it.
 */
export interface LoadResult {
  requests: number;
  acknowledged: number;
  /** Teams whose decision was never acknowledged after every retry: must be none. */
  gaveUp: string[];
}

export interface Verdict {
  /** Acknowledged decisions not in the history. */
  missing: string[];
  /** Teams whose application is in the history more than once. */
  duplicates: string[];
  /** Applications in the history that no client had acknowledged (half-written decisions would show here). */
  unacknowledged: string[];
  standingsAgree: boolean;
  rebuildAgrees: boolean;
  /** Positions of the programme's events, in order. */
  positions: string[];
}

export interface Load {
  launched: Promise<void>;
  done(): boolean;
  progress(): { requests: number; acknowledged: number; finishedClients: number };
  finished: Promise<LoadResult>;
  verify(auditorToken: string, adminToken: string): Promise<Verdict>;
}

const OFFICIAL = 'Bearer dev-official-token';

async function post(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any } | null> {
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: OFFICIAL, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch {
    return null; // no answer: the connection was cut, or the server is restarting
  }
}

export function keyedLoad(baseUrlOf: string | (() => string), programId: string, options: { clients: number; decisionsPerClient: number; maxAttempts?: number }): Load {
  const base = typeof baseUrlOf === 'string' ? () => baseUrlOf : baseUrlOf;
  const acknowledged = new Map<string, string>();
  const gaveUp: string[] = [];
  let requests = 0;
  let finishedClients = 0;
  const launched = (async () => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const answer = await post(base(), '/api/programs', { programId, title: 'Faults', ministry: 'MSIT', finalistSlots: 5, winnerSlots: 1, reason: 'launch', rules: [{ ruleId: 'independent-development', text: 'x' }] }, { 'idempotency-key': 'launch' });
      if (answer && (answer.status === 201 || answer.status === 200)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the programme could not be launched');
  })();
  const finished = launched.then(async () => {
    await Promise.all(
      Array.from({ length: options.clients }, async (_, client) => {
        for (let n = 0; n < options.decisionsPerClient; n++) {
          const teamId = `c${client}-team-${n}`;
          const body = { teamId, consortiumName: `${teamId} consortium`, leadOrganization: teamId, members: [teamId], reason: 'Application received' };
          let done = false;
          for (let attempt = 0; attempt < (options.maxAttempts ?? 60) && !done; attempt++) {
            requests += 1;
            const answer = await post(base(), `/api/programs/${programId}/applications`, body, { 'idempotency-key': `apply-${teamId}` });
            if (answer && (answer.status === 201 || answer.status === 200)) {
              acknowledged.set(teamId, answer.body.position);
              done = true;
            } else if (answer && answer.status < 500 && answer.status !== 409) {
              throw new Error(`${teamId}: refused ${answer.status} ${JSON.stringify(answer.body)}`);
            } else await new Promise((resolve) => setTimeout(resolve, 50 + attempt * 20));
          }
          if (!done) gaveUp.push(teamId);
        }
        finishedClients += 1;
      }),
    );
    return { requests, acknowledged: acknowledged.size, gaveUp };
  });
  let settled = false;
  void finished.then(
    () => (settled = true),
    () => (settled = true),
  );
  return {
    launched,
    done: () => settled || finishedClients === options.clients,
    progress: () => ({ requests, acknowledged: acknowledged.size, finishedClients }),
    finished,
    async verify(auditorToken, adminToken) {
      const get = async (path: string, token: string) => {
        for (let attempt = 0; ; attempt++) {
          try {
            const response = await fetch(`${base()}${path}`, { headers: { authorization: `Bearer ${token}` } });
            if (response.status === 200 || attempt > 50) return { status: response.status, body: (await response.json()) as any };
          } catch {
            if (attempt > 50) throw new Error(`GET ${path} never answered`);
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      };
      const items: Array<{ position: string; type: string; data: { teamId?: string } }> = [];
      // Read once the audit has applied every acknowledged decision (it follows the log by a moment).
      const latest = [...acknowledged.values()].reduce((max, position) => (BigInt(position) > max ? BigInt(position) : max), 0n);
      for (let after: string | null = null; ; ) {
        const page = await get(`/api/programs/${programId}/audit?limit=1000&minPosition=${latest}${after ? `&after=${after}` : ''}`, auditorToken);
        items.push(...page.body.items);
        after = page.body.next;
        if (!after) break;
      }
      const applied = items.filter((item) => item.type === 'ApplicationSubmitted').map((item) => item.data.teamId!);
      const counts = new Map<string, number>();
      for (const teamId of applied) counts.set(teamId, (counts.get(teamId) ?? 0) + 1);
      const head = items.at(-1)!.position;
      const standings = await get(`/api/programs/${programId}/standings?minPosition=${head}`, auditorToken);
      const teams = (body: any) => new Set((body.teams as Array<{ teamId: string }>).map((team) => team.teamId));
      const inLog = new Set(applied);
      const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
      // A fresh rebuild of the standings from the log agrees too.
      const rebuild = await fetch(`${base()}/api/admin/projections/standings/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
      if (rebuild.status !== 202 && rebuild.status !== 200) throw new Error(`rebuild answered ${rebuild.status}`);
      for (let attempt = 0; attempt < 300; attempt++) {
        const status = await get('/api/admin/projections', adminToken);
        const standingsStatus = (status.body as Array<{ name: string; status: string; rebuild: unknown }>).find((p) => p.name === 'standings')!;
        if (standingsStatus.status === 'live' && standingsStatus.rebuild === null) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const rebuilt = await get(`/api/programs/${programId}/standings?minPosition=${head}`, auditorToken);
      return {
        missing: [...acknowledged.keys()].filter((teamId) => !inLog.has(teamId)),
        duplicates: [...counts].filter(([, count]) => count > 1).map(([teamId]) => teamId),
        unacknowledged: applied.filter((teamId) => !acknowledged.has(teamId)),
        standingsAgree: same(teams(standings.body), inLog),
        rebuildAgrees: same(teams(rebuilt.body), inLog),
        positions: items.map((item) => item.position),
      };
    },
  };
}

/** A feed consumer that resumes with Last-Event-ID whenever its connection ends, keeping every position it got. */
export class FeedFollower {
  private readonly seen: string[] = [];
  private stopped = false;
  private controller = new AbortController();

  constructor(
    private readonly baseUrl: string | (() => string),
    private readonly programId: string,
    private readonly token: string,
  ) {}

  async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const last = this.seen.at(-1);
        const base = typeof this.baseUrl === 'string' ? this.baseUrl : this.baseUrl();
        const response = await fetch(`${base}/api/events/stream?programId=${this.programId}`, {
          headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', ...(last ? { 'last-event-id': last } : {}) },
          signal: this.controller.signal,
        });
        if (response.status !== 200 || !response.body) throw new Error(`feed answered ${response.status}`);
        let buffer = '';
        for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const id = /^id: (\d+)$/m.exec(buffer.slice(0, end))?.[1];
            buffer = buffer.slice(end + 2);
            if (id) this.seen.push(id);
          }
        }
      } catch {
        // Cut, refused while restarting, or stopped: resume from the last position seen.
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Resolves once the consumer has the event at `position`. */
  async until(position: string, ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.seen.includes(position)) {
      if (Date.now() > deadline) throw new Error(`the feed consumer never got position ${position} (last ${this.seen.at(-1)})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): void {
    this.stopped = true;
    this.controller.abort();
  }

  positions(): string[] {
    return [...this.seen];
  }

  duplicates(): string[] {
    return this.seen.filter((id, i) => this.seen.indexOf(id) !== i);
  }
}

/**
 * What every fault test holds the service to once its load has finished: every acknowledged decision in the history
 * exactly once and nothing else, the standings and a fresh rebuild agreeing with the log, and the feed consumer
 * holding every event once, in order.
 */
export async function expectHistoryIntact(load: Load, feed: FeedFollower): Promise<Verdict> {
  const verdict = await load.verify('dev-auditor-token', 'dev-admin-token');
  expect(verdict.missing).toEqual([]);
  expect(verdict.duplicates).toEqual([]);
  expect(verdict.unacknowledged).toEqual([]);
  expect(verdict.standingsAgree).toBe(true);
  expect(verdict.rebuildAgrees).toBe(true);
  await feed.until(verdict.positions.at(-1)!);
  feed.stop();
  expect(feed.duplicates()).toEqual([]);
  expect(feed.positions()).toEqual(verdict.positions);
  return verdict;
}
