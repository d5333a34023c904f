import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemError } from '../http/problem.js';
import type { IncomingMessage } from 'node:http';
import type { TokenMatch } from './auth-tokens.js';
import { Authenticator } from './authenticator.js';
import { IdentityProviderUnavailableError } from './oidc.js';
import { notesOf } from '../observability/request-notes.js';
import { attachAuthorisedActor } from './current-actor.decorator.js';
import { ROUTE_ACCESS, type RouteAccess } from './roles.decorator.js';

/**
 * The global guard: authentication (401), then the route's roles (403), in the order the API promises. Routes
 * without `@Roles` or `@Public` are refused to every token, so a forgotten decorator cannot open a route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');
  private readonly reported = new Set<string>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (access?.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; raw?: IncomingMessage }>();
    const match = this.authenticator.authenticate(request);
    if (match instanceof Promise) return match.then((found) => this.authorise(context, request, access, found), unavailable);
    return this.authorise(context, request, access, match);
  }

  private authorise(
    context: ExecutionContext,
    request: { headers: Record<string, string | string[] | undefined>; raw?: IncomingMessage },
    access: Extract<RouteAccess, { kind: 'roles' }> | undefined,
    match: TokenMatch | null,
  ): boolean {
    if (!match) {
      const invalid = request.headers.authorization !== undefined;
      throw new ProblemError(401, 'UNAUTHENTICATED', invalid ? 'The bearer token is not known.' : 'This request needs Authorization: Bearer <token>.', {
        headers: { 'WWW-Authenticate': invalid ? 'Bearer realm="docket", error="invalid_token"' : 'Bearer realm="docket"' },
      });
    }

    if (!access) {
      this.reportUndecorated(context);
      throw new ProblemError(403, 'FORBIDDEN', 'This route is not open to any role.');
    }
    const role = match.actor.roles.find((held) => access.roles.includes(held));
    if (!role) {
      const held = match.actor.roles.length > 0 ? match.actor.roles.join(', ') : 'no Docket role';
      const needed = access.roles.length === 1 ? `the role ${access.roles[0]}` : `one of the roles ${access.roles.join(', ')}`;
      throw new ProblemError(403, 'FORBIDDEN', `This needs ${needed}; the token has ${held}.`);
    }
    attachAuthorisedActor(request, { id: match.actor.id, role });
    if (request.raw) notesOf(request.raw).actor = { id: match.actor.id, role };
    return true;
  }

  private reportUndecorated(context: ExecutionContext): void {
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    if (this.reported.has(route)) return;
    this.reported.add(route);
    this.logger.error(`${route} has neither @Roles nor @Public, so it is refused to everyone`);
  }
}

/** The identity provider out of reach: the token may be good, so not a 401 but a 503 the client may retry. */
function unavailable(error: unknown): never {
  if (error instanceof IdentityProviderUnavailableError) {
    throw new ProblemError(503, 'IDENTITY_PROVIDER_UNAVAILABLE', 'The identity provider cannot be reached to check this token; try again shortly.', { headers: { 'Retry-After': '5' } });
  }
  throw error;
}
