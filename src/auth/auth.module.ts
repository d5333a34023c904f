import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AuthGuard } from './auth.guard.js';
import { AuthTokens, loadAuthTokens } from './auth-tokens.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/**
 * Tokens, rate limit and roles for every route. Global guards run in the order listed: the rate limit first, so
 * that guessing tokens is throttled, then authentication and roles. Needs the global `ConfigModule`.
 */
@Module({
  providers: [
    { provide: AuthTokens, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadAuthTokens(config) },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthTokens],
})
export class AuthModule {}
