import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ProblemError } from '../http/problem.js';
import type { TokenMatch } from './auth-tokens.js';
import { Authenticator } from './authenticator.js';
import { clientAddress } from './client-address.js';
import { TokenBuckets } from './token-buckets.js';

/** Requests without a known token share a tenth of a token's budget per client address (at least one). */
export function anonymousLimit(perToken: number): number {
  return Math.max(1, Math.floor(perToken / 10));
}

/**
 * One budget per known token across all routes, and one per client address for everything else: missing and
 * unknown tokens alike, so that guessing tokens is throttled as hard as anonymous calls. Runs before authentication.
 * The buckets belong to the guard, so each application instance has its own.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets = new TokenBuckets(60_000);
  private readonly perToken: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
  ) {
    this.perToken = config.rateLimitPerMinute;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const match = this.authenticator.authenticate(request);
    // A token the identity provider could not check yet is throttled as unknown; the auth guard answers it.
    if (match instanceof Promise) return match.then((found) => this.take(request, found), () => this.take(request, null));
    return this.take(request, match);
  }

  private take(request: FastifyRequest, match: TokenMatch | null): boolean {
    const [key, limit] = match
      ? [`token:${match.key}`, this.perToken]
      : [`address:${clientAddress(request.ip)}`, anonymousLimit(this.perToken)];
    const { allowed, retryAfterSeconds } = this.buckets.take(key, limit);
    if (allowed) return true;
    const who = match ? 'this token' : 'requests without a known token from this address';
    throw new ProblemError(429, 'RATE_LIMITED', `The rate limit for ${who} is ${limit} per minute; retry in ${retryAfterSeconds} s.`, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}
