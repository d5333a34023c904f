import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What one request's log line says beyond method, URL and status: filled in as the request is handled. */
export interface RequestNotes {
  /** The route's pattern (`/api/programs/:programId/finalists`), so lines of one route group whatever the ids. */
  route?: string;
  /** Who was authenticated, and under which role the route allowed them. */
  actor?: { id: string; role: string };
  /** For a decision: what was decided, and how it ended. */
  decision?: {
    command: string;
    programId: string;
    outcome?: 'recorded' | 'replayed' | 'refused';
    revision?: number;
    /** Global positions of the events the decision recorded (or replayed), first and last. */
    positions?: { first: string; last: string };
  };
  /** The problem's `code` of a 4xx/5xx answer. */
  code?: string;
}

const notes = new WeakMap<IncomingMessage, RequestNotes>();

/** The notes of a request (the raw Node request, which every layer can reach), created on first use. */
export function notesOf(request: IncomingMessage): RequestNotes {
  let found = notes.get(request);
  if (!found) {
    found = {};
    notes.set(request, found);
  }
  return found;
}

/** The printable `X-Correlation-Id` a client may send (the decisions' metadata refuses any other with a 400). */
export const CORRELATION_ID = /^[\x20-\x7e]{1,200}$/;

const CORRELATION = Symbol('docket:correlation-id');

/**
 * The request's correlation id: the client's `X-Correlation-Id` when it is one, else a fresh UUID, the same for the
 * request's log lines (Fastify's and pino's request id) and the metadata of the events it records.
 */
export function correlationIdOf(request: IncomingMessage): string {
  const holder = request as IncomingMessage & { [CORRELATION]?: string };
  const known = holder[CORRELATION];
  if (known !== undefined) return known;
  const header = request.headers['x-correlation-id'];
  const id = typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
  holder[CORRELATION] = id;
  return id;
}
