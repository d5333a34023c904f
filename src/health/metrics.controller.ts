import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticator, bearerToken } from '../auth/authenticator.js';
import { sha256 } from '../auth/auth-tokens.js';
import { Public } from '../auth/roles.decorator.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ProblemDto } from '../http/problem.dto.js';
import { ProblemError } from '../http/problem.js';
import { DocketMetrics } from '../observability/metrics.js';

/**
 * Prometheus text. Not for every token: an `admin`, a scraper presenting `METRICS_TOKEN`, or (unless
 * `METRICS_LOOPBACK=closed`) a client on the loopback interface, as a scraper sidecar is. Behind a proxy on the same
 * host every client looks local: close the loopback there.
 */
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly scrapeToken: Buffer | null;

  constructor(
    private readonly metrics: DocketMetrics,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.scrapeToken = config.metrics.token === null ? null : sha256(config.metrics.token);
  }

  @Get()
  @ApiTags('operations')
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    description: 'Open to the `admin` role, to a scraper with `Authorization: Bearer <METRICS_TOKEN>`, and to loopback clients unless `METRICS_LOOPBACK=closed`.',
    // A bearer token (an admin's or the metrics token), or none from loopback.
    security: [{ bearer: [] }, {}],
  })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 401, description: 'code: UNAUTHENTICATED', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } } })
  @ApiResponse({ status: 403, description: 'code: FORBIDDEN', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } } })
  async scrape(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.authorise(request);
    void reply.header('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }

  private async authorise(request: FastifyRequest): Promise<void> {
    const token = bearerToken(request.headers.authorization);
    if (token !== null && this.scrapeToken !== null && timingSafeEqual(sha256(token), this.scrapeToken)) return;
    if (token === null) {
      if (this.config.metrics.loopback && isLoopback(request.socket.remoteAddress)) return;
      throw new ProblemError(401, 'UNAUTHENTICATED', 'The metrics need an admin token or the metrics token (Authorization: Bearer <token>).', {
        headers: { 'WWW-Authenticate': 'Bearer realm="docket"' },
      });
    }
    const match = await this.authenticator.authenticate(request);
    if (!match) {
      throw new ProblemError(401, 'UNAUTHENTICATED', 'The bearer token is not known.', { headers: { 'WWW-Authenticate': 'Bearer realm="docket", error="invalid_token"' } });
    }
    if (!match.actor.roles.includes('admin')) throw new ProblemError(403, 'FORBIDDEN', 'The metrics need the role admin or the metrics token.');
  }
}

/** The socket's own peer, never a forwarded header: loopback means this host. */
function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
