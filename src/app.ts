import 'reflect-metadata';
import { type INestApplication, Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { loadAuthTokens } from './auth/auth-tokens.js';
import { applySecurityHeaders } from './auth/security-headers.js';
import { setupOpenApi } from './decisions/openapi.js';
import { createValidationPipe } from './decisions/validation.js';
import type { AppConfig } from './config/app-config.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { releaseReadModels, takeReadModels } from './projections/read-model-storage.module.js';

/** Builds the HTTP application for a configuration; `main.ts` and the end-to-end tests both start it this way. */
export async function createApp(config: AppConfig, options: { logger?: LoggerService | false } = {}): Promise<INestApplication> {
  const tokens = loadAuthTokens(config, options.logger === false ? { log: () => undefined, warn: () => undefined } : new Logger('Auth'));
  // Before Nest: a server that may not write the read models is refused here, with one line and nothing started.
  const readModels = takeReadModels(config);
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, tokens, readModels), {
      logger: options.logger,
      bodyParser: false,
      abortOnError: false,
    });
  } catch (error) {
    await releaseReadModels(readModels);
    throw error;
  }
  app.setGlobalPrefix('api');
  // Helmet removes the header anyway; not setting it spares both steps on every response.
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  applySecurityHeaders(app);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app);
  return app;
}
