import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module.js';
import { Logger } from 'nestjs-pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { loadAuthTokens } from './auth/auth-tokens.js';
import { Authenticator } from './auth/authenticator.js';
import { OidcVerifier } from './auth/oidc.js';
import { createLogger, nestLogging } from './observability/logging.js';
import { DocketMetrics } from './observability/metrics.js';
import { observeRequests } from './observability/request-observer.js';
import { correlationIdOf } from './observability/request-notes.js';
import { loadCheckpointSigner } from './integrity/signing-key.js';
import { applySecurityHeaders, setSecurityHeaders } from './auth/security-headers.js';
import { setupOpenApi } from './http/openapi.js';
import type { AppConfig } from './config/app-config.js';
import { readBodyInGuard } from './http/json-body.js';
import { problemOf, sendProblem } from './http/problem-details.filter.js';
import { releaseReadModels, takeReadModels } from './projections/engine/read-model-storage.module.js';

/**
 * Fastify rather than Express: under the decisions benchmark, Nest on Express spent about 250 µs of the HTTP thread
 * per request in its router and response helpers, Nest on Fastify about 70 µs (measured on this 2-core machine).
 * - Paths match as they did: case-insensitively, with or without a trailing slash.
 * - Route parameters may be long: an over-long identifier is the validation's to refuse (400, naming the field), not
 *   the router's (414).
 * - No logger of Fastify's own: pino logs each request (see observability/logging.ts), and the problem filter what fails.
 */
const FASTIFY_OPTIONS = {
  logger: false,
  // The request id is the correlation id: the client's X-Correlation-Id, else a fresh UUID (see request-notes.ts).
  genReqId: (request: IncomingMessage) => correlationIdOf(request),
  routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2_000 },
  // A URL the router refuses (bad percent-encoding) is answered before any hook: its headers are set here, and the
  // error goes on to the problem filter like any other.
  frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
    setSecurityHeaders(request.url, reply.raw);
    sendProblem(reply, problemOf(error));
  },
  // A stop drains: requests that arrive on open connections meanwhile are still answered (see closeWhenStopping).
  return503OnClosing: false,
};

/** How long a stop waits for the answers in flight before it cuts the connections that still hold them. */
const STOP_DRAIN_MS = 10_000;

/**
 * A graceful stop: Fastify stops accepting connections and closes the idle ones at once; a keep-alive connection
 * busy with a request when the stop began is closed once that request is answered (`Connection: close`). So a stop
 * waits for the requests in flight, and not for idle connections' keep-alive timeout. A client that does not read
 * its answer (a large one, stuck in the socket) would hold the stop for ever: after `STOP_DRAIN_MS` every
 * connection left is cut.
 */
export function closeWhenStopping(app: NestFastifyApplication, drainMs = STOP_DRAIN_MS): void {
  const fastify = app.getHttpAdapter().getInstance();
  let stopping = false;
  fastify.addHook('preClose', (done) => {
    stopping = true;
    setTimeout(() => fastify.server.closeAllConnections(), drainMs).unref();
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (stopping) void reply.header('Connection', 'close');
    done(null, payload);
  });
}

/** The HTTP adapter every Docket application runs on (the slice tests too, so they see the same routing). */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter(FASTIFY_OPTIONS);
}

export interface AppOptions {
  /**
   * `false`: nothing is logged (the tests). Otherwise the log is pino's (JSON lines or pretty, by `LOG_FORMAT`), to
   * `logDestination` when given (the log-redaction test reads it), else to stdout.
   */
  logger?: false;
  logDestination?: DestinationStream;
  /** The process's logger (main.ts makes it, to flush it at the stop); else one is made here. */
  pino?: PinoLogger;
}

/** Builds the HTTP application for a configuration; `main.ts` and the end-to-end tests both start it this way. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const pinoLogger = options.pino ?? createLogger(options.logger === false ? { ...config, logLevel: 'silent' } : config, options.logDestination);
  // Start-up messages before Nest exists go through the same logger.
  const bootLogger = (context: string) => {
    const child = pinoLogger.child({ context });
    return { log: (message: string) => child.info(message), warn: (message: string) => child.warn(message) };
  };
  const tokens = loadAuthTokens(config, bootLogger('Auth'));
  const signer = loadCheckpointSigner(config, bootLogger('Checkpoints'));
  const authenticator = new Authenticator(tokens, config.oidc ? new OidcVerifier(config.oidc) : null);
  if (config.oidc) bootLogger('Auth').log(`single sign-on: JWTs of ${config.oidc.issuer} for the audience ${config.oidc.audience}, keys from ${config.oidc.jwksUrl}`);
  const metrics = new DocketMetrics();
  // Before Nest: a server that may not write the read models is refused here, with one line and nothing started.
  const readModels = takeReadModels(config);
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, authenticator, readModels, signer, metrics, nestLogging(pinoLogger)), createHttpAdapter(), {
      ...(options.logger === false ? { logger: false } : { bufferLogs: true }),
      bodyParser: false,
      abortOnError: false,
    });
  } catch (error) {
    await releaseReadModels(readModels);
    throw error;
  }
  app.useLogger(app.get(Logger));
  app.flushLogs();
  // The API under /api; the web console at / (its page and its modules).
  app.setGlobalPrefix('api', {
    exclude: [
      { path: '/', method: RequestMethod.GET },
      { path: 'console/:file', method: RequestMethod.GET },
      { path: 'console/vendor/:file', method: RequestMethod.GET },
    ],
  });
  // No shutdown hooks on signals here: main.ts stops on SIGTERM and SIGINT (app.close() runs the same hooks).
  closeWhenStopping(app);
  observeRequests(app, metrics, pinoLogger);
  readBodyInGuard(app);
  applySecurityHeaders(app);
  setupOpenApi(app);
  return app;
}
