import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EventStoreInputError, EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store/event-store.errors.js';
import { CodedError, type ErrorKind } from '../common/coded-error.js';
import { type FieldProblem, ProblemError } from './problem.js';
import { notesOf } from '../observability/request-notes.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Decision refused by the programme rules',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};
const KIND_STATUS: Record<ErrorKind, number> = { 'not-found': 404, conflict: 409, 'precondition-failed': 412, rule: 422, unavailable: 503 };

/**
 * The one place that turns errors into `application/problem+json`. Controllers do not catch: the domain's and the
 * core's coded errors (by kind: see `CodedError`), concurrency conflicts, validation and transport errors all arrive
 * here. Anything unexpected is a 500 whose
 * detail says nothing about the internals; it is logged with its stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const problem = problemOf(exception);
    if (problem.status >= 500 && problem.status !== 503) this.logger.error((exception as Error)?.stack ?? String(exception));
    sendProblem(host.switchToHttp().getResponse<FastifyReply>(), problem);
  }
}

/** The problem an error stands for: ours as they are, the domain's and the store's by kind, anything else a 500. */
export function problemOf(exception: unknown): ProblemError {
  if (exception instanceof ProblemError) return exception;
  if (exception instanceof CodedError) {
    const retry = exception.retryAfterSeconds;
    return new ProblemError(KIND_STATUS[exception.kind], exception.code, exception.message, retry === undefined ? {} : { headers: { 'Retry-After': String(retry) } });
  }
  if (exception instanceof WrongExpectedRevisionError) {
    return new ProblemError(409, 'CONCURRENCY_CONFLICT', 'The programme changed while the decision was being taken, more often than retries could absorb; try again.');
  }
  if (exception instanceof EventStoreInputError) return new ProblemError(400, 'VALIDATION_FAILED', exception.message);
  if (exception instanceof EventStoreUnavailableError) {
    return new ProblemError(503, 'EVENT_STORE_UNAVAILABLE', 'The event store cannot be reached; try again shortly.', { headers: { 'Retry-After': '1' } });
  }
  const bodyError = bodyParserProblem(exception);
  if (bodyError) return bodyError;
  const frameworkError = fastifyProblem(exception);
  if (frameworkError) return frameworkError;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    // Nest's own 400s are bad parameters to API.md.
    const code = status === 404 ? 'NOT_FOUND' : status === 405 ? 'METHOD_NOT_ALLOWED' : status === 400 ? 'VALIDATION_FAILED' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR';
    return new ProblemError(status, code, status === 404 ? 'There is no such resource.' : exception.message);
  }
  return new ProblemError(500, 'INTERNAL_ERROR', 'The server failed to handle the request; it has been logged.');
}

/** Answers `application/problem+json`, whatever state the response is in. */
export function sendProblem(reply: FastifyReply, problem: ProblemError): void {
  const raw = reply.raw;
  if (reply.request) notesOf(reply.request.raw).code = problem.code;
  // A streamed answer (the feed, an export) that fails once under way can only be cut short.
  if (raw.headersSent) {
    raw.end();
    return;
  }
  const body = JSON.stringify(render(problem.status, problem.code, problem.detail, problem.extras.errors));
  const headers = { ...problem.extras.headers, 'Content-Type': 'application/problem+json; charset=utf-8' };
  if (reply.sent) {
    // A route that took the response over (`reply.hijack()`) and failed before its first byte.
    raw.writeHead(problem.status, { ...headers, 'Content-Length': Buffer.byteLength(body) }).end(body);
    return;
  }
  void reply.code(problem.status).headers(headers).send(body);
}

/**
 * Requests Fastify refuses before any route (a URL that is not valid percent-encoding, a Content-Type it cannot
 * read) carry their status in a `statusCode` and a `FST_` code.
 */
function fastifyProblem(exception: unknown): ProblemError | null {
  const { code, statusCode, message } = (exception ?? {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_') || typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return null;
  const problemCode = { 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' }[statusCode] ?? 'BAD_REQUEST';
  return new ProblemError(statusCode, problemCode, typeof message === 'string' ? message : 'The request could not be read.');
}

/** Errors of the JSON body parser (body-parser), which mark themselves with a `type`. */
export function bodyParserProblem(exception: unknown): ProblemError | null {
  const type = (exception as { type?: unknown })?.type;
  switch (type) {
    case 'entity.parse.failed':
      return new ProblemError(400, 'MALFORMED_JSON', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new ProblemError(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 64 KiB.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ProblemError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be UTF-8 JSON.');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new ProblemError(400, 'MALFORMED_JSON', 'The request body could not be read.');
    default:
      return null;
  }
}

function render(status: number, code: string, detail: string, errors?: FieldProblem[]) {
  return {
    type: `urn:docket:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors ? { errors } : {}),
  };
}
