import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Observable } from 'rxjs';
import { bodyParserProblem } from './problem-details.filter.js';
import { ProblemError } from './problem.js';

export const MAX_BODY_BYTES = 64 * 1024;
const BODY_ERROR = Symbol('bodyError');
type RequestWithBodyError = Request & { [BODY_ERROR]?: unknown };

/**
 * Parses JSON bodies but keeps a parse error for later: API.md checks authentication and roles before the body,
 * so an unauthenticated request with a broken body answers 401, not 400.
 */
export function deferredJsonBody(): RequestHandler {
  const parse = express.json({ limit: MAX_BODY_BYTES, strict: true, type: ['application/json', 'application/*+json'] });
  return (request: Request, response: Response, next: NextFunction) => {
    parse(request, response, (error?: unknown) => {
      if (error) (request as RequestWithBodyError)[BODY_ERROR] = error;
      next();
    });
  };
}

/** Runs after the guards: answers the body's problems (400, 413, 415) in the order API.md gives. */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<RequestWithBodyError>();
    const error = request[BODY_ERROR];
    if (error) throw bodyParserProblem(error) ?? new ProblemError(400, 'MALFORMED_JSON', 'The request body could not be read.');
    if (hasBody(request) && !request.is(['application/json', 'application/*+json'])) {
      throw new ProblemError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json.');
    }
    return next.handle();
  }
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
