import { TOKENS, type TokenRole } from '../support/http-client.js';

/** One parsed SSE message; `comment` is set for comment lines (heartbeats) instead of the fields. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/**
 * A plain fetch-based reader of the feed, for the tests that need to see the raw stream (headers, comments, exact
 * framing); the resume test uses the `eventsource` package instead, a client none of us wrote.
 */
export interface FeedReader {
  status: number;
  headers: Headers;
  /** The next `count` messages with an `id` (comments and `retry:` are kept aside in `others`). */
  take(count: number, timeoutMs?: number): Promise<SseMessage[]>;
  /** Resolves with what arrived within `ms` (events only). */
  drainFor(ms: number): Promise<SseMessage[]>;
  others: SseMessage[];
  close(): void;
}

export async function openFeed(baseUrl: string, query = '', options: { role?: TokenRole | null; headers?: Record<string, string> } = {}): Promise<FeedReader> {
  const headers: Record<string, string> = { ...options.headers };
  const role = options.role === undefined ? 'subscriber' : options.role;
  if (role) headers['authorization'] = `Bearer ${TOKENS[role]}`;
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/api/events/stream${query}`, { headers, signal: abort.signal });
  const events: SseMessage[] = [];
  const others: SseMessage[] = [];
  let waiter: (() => void) | null = null;
  let buffer = '';
  let ended = false;
  const pump = async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          (message.id !== undefined ? events : others).push(message);
        }
        waiter?.();
      }
    } catch {
      // aborted by close()
    } finally {
      ended = true;
      waiter?.();
    }
  };
  void pump();
  const waitMore = (deadline: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  return {
    status: response.status,
    headers: response.headers,
    others,
    async take(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && !ended && Date.now() < deadline) await waitMore(deadline);
      if (events.length < count) throw new Error(`expected ${count} events, got ${events.length}${ended ? ' before the stream ended' : ''}`);
      return events.splice(0, count);
    },
    async drainFor(ms) {
      const deadline = Date.now() + ms;
      while (!ended && Date.now() < deadline) await waitMore(deadline);
      return events.splice(0, events.length);
    },
    close: () => abort.abort(),
  };
}

function parse(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      message.comment = line.slice(1);
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id' || field === 'event' || field === 'data' || field === 'retry') message[field] = value;
  }
  return message;
}
