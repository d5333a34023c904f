import { CORRELATION_ID, correlationIdOf } from '../observability/request-notes.js';
import { hash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuthorisedActor } from '../auth/actor.js';
import { canonicalJson } from '../common/canonical-json.js';
import type { DecisionContext } from '../command-handling/decision.js';
import { ProblemError } from '../http/problem.js';
import type { DecisionDto } from './decision.dto.js';

/** What a decision takes from the request besides its body: read once, by `DecisionInterceptor`, for all sixteen routes. */
export interface DecisionRequestInfo {
  correlationId: string;
  ifMatchRevision?: number;
  idempotencyKey?: string;
  method: string;
  /**
   * The route's path with its parameters filled in, so that `/API/Programs/x/` and `/api/programs/x` agree. Only
   * the idempotency fingerprint needs it, so it is worked out only when an Idempotency-Key came.
   */
  path?: string;
  /** The body as parsed, before validation turned it into a DTO: what the client sent is what is fingerprinted. */
  body: unknown;
}

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;
const IF_MATCH = /^(?:W\/)?(?:"(\d{1,15})"|(\d{1,15}))$/;

function invalidHeader(field: string, message: string): ProblemError {
  return new ProblemError(400, 'VALIDATION_FAILED', 'A request header is not valid', { errors: [{ field, message }] });
}

/** Node joins a repeated header with ", "; an array only comes for a few known headers. Either way: one value. */
function single(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function readCorrelationId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!CORRELATION_ID.test(value)) throw invalidHeader('X-Correlation-Id', 'X-Correlation-Id must be 1 to 200 printable ASCII characters');
  return value;
}

/** `"3"`, `W/"3"` and a bare `3` name revision 3. `*` is refused: the contract's If-Match names one revision. */
export function readIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = IF_MATCH.exec(value.trim());
  if (!match) throw invalidHeader('If-Match', 'If-Match must name one revision of the programme, as in "3" (its ETag)');
  return Number(match[1] ?? match[2]);
}

export function readIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(value)) throw invalidHeader('Idempotency-Key', 'Idempotency-Key must be 1 to 255 printable ASCII characters');
  return value;
}

/**
 * SHA-256 (hex) of `METHOD path\n` and the body in RFC 8785 canonical JSON: the same decision sent again with its
 * keys in another order or other whitespace is the same request; any other value is another one.
 */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  const canonical = canonicalJson(body ?? null);
  return hash('sha256', `${method.toUpperCase()} ${path}\n${canonical}`, 'hex');
}

function routePath(request: FastifyRequest): string {
  const pattern: unknown = request.routeOptions.url;
  if (typeof pattern !== 'string') return request.url.split('?', 1)[0]!;
  const params = request.params as Record<string, string | undefined>;
  return pattern.replace(/:(\w+)/g, (_whole, name: string) => encodeURIComponent(params[name] ?? ''));
}

export function readDecisionRequest(request: FastifyRequest): DecisionRequestInfo {
  const ifMatchRevision = readIfMatch(single(request, 'if-match'));
  const idempotencyKey = readIdempotencyKey(single(request, 'idempotency-key'));
  return {
    // The request's own id when the client sent none: the same in the log line and in the events' metadata.
    correlationId: readCorrelationId(single(request, 'x-correlation-id')) ?? correlationIdOf(request.raw),
    ...(ifMatchRevision !== undefined ? { ifMatchRevision } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey, path: routePath(request) } : {}),
    method: request.method,
    body: request.body,
  };
}

/**
 * The context of the command: who (from the token, never from the body), why (reason, legal basis, effective time,
 * from the validated body) and the request's own handles. The fingerprint is computed only here, after validation,
 * so that a body refused as invalid is never walked by the canonicaliser.
 */
export function decisionContext(actor: AuthorisedActor, body: DecisionDto, request: DecisionRequestInfo): DecisionContext {
  return {
    actor: { id: actor.id, role: actor.role },
    reason: body.reason,
    ...(body.legalBasis !== undefined ? { legalBasis: body.legalBasis } : {}),
    ...(body.effectiveAt !== undefined ? { effectiveAt: body.effectiveAt } : {}),
    correlationId: request.correlationId,
    ...(request.ifMatchRevision !== undefined ? { ifMatchRevision: request.ifMatchRevision } : {}),
    ...(request.idempotencyKey !== undefined
      ? { idempotency: { key: request.idempotencyKey, fingerprint: requestFingerprint(request.method, request.path ?? '', request.body) } }
      : {}),
  };
}
