// The API as the console uses it: the pasted token (this tab's session storage only), JSON in and out, problems as
// errors with their code, and the feed read as a stream (EventSource cannot send an Authorization header).
const TOKEN_KEY = 'docket.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code ?? null;
    this.problem = problem;
  }
}

export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const response = await fetch(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token.get()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, parsed);
  return { status: response.status, body: parsed, etag: response.headers.get('etag') };
}

/** A failed read, in words: what the token may not do, or what went wrong. */
export function refusalOf(error) {
  if (!(error instanceof ApiError)) return `The server could not be reached (${error.message}).`;
  if (error.status === 401) return 'The token is not known: sign in again with another.';
  if (error.status === 403) return 'This token may not read programme data (subscribers read the event feed only).';
  if (error.status === 404) return 'There is no such programme or team.';
  return error.message;
}

/** Downloads a file the API serves to a token (a plain link cannot carry the Authorization header). */
export async function download(path, filename) {
  const response = await fetch(`/api${path}`, { headers: { authorization: `Bearer ${token.get()}` } });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Follows the feed of one programme from `after` on and calls `onEvent(cloudEvent)` for each event; resumes after a
 * dropped connection from the last position seen. Resolves to 'forbidden' when the token may not read the feed
 * (officials may not: the console then polls). `signal` ends it.
 */
export async function follow(programId, after, onEvent, signal, onOpen = () => {}) {
  let position = after;
  while (!signal.aborted) {
    let response;
    try {
      response = await fetch(`/api/events/stream?programId=${encodeURIComponent(programId)}&after=${position}`, {
        headers: { authorization: `Bearer ${token.get()}`, accept: 'text/event-stream' },
        signal,
      });
    } catch {
      if (signal.aborted) return 'ended';
      await new Promise((resolve) => setTimeout(resolve, 2000));
      continue;
    }
    if (response.status === 403 || response.status === 401) return 'forbidden';
    if (!response.ok || !response.body) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      continue;
    }
    onOpen();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice(6));
          position = event.position;
          onEvent(event);
        }
      }
    } catch {
      if (signal.aborted) return 'ended';
    }
  }
  return 'ended';
}
