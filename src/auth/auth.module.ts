import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JsonBodyGuard } from '../http/json-body.js';
import { AuthGuard } from './auth.guard.js';
import { Authenticator } from './authenticator.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/**
 * Tokens, rate limit and roles for every route. Global guards run in the order listed: the rate limit first, so
 * that guessing tokens is throttled, then authentication and roles, then the JSON body (400/413/415). Needs the
 * global `ConfigModule`. The tokens are loaded (`loadAuthTokens`) before the application is built, so a faulty
 * tokens file stops start-up cleanly; with single sign-on configured, the identity provider's JWTs are accepted too.
 */
@Module({})
export class AuthModule {
  static forRoot(authenticator: Authenticator): DynamicModule {
    return {
      module: AuthModule,
      // The authenticator is also asked by the metrics route, which scrapers reach with a token of their own.
      global: true,
      providers: [
        { provide: Authenticator, useValue: authenticator },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        // Not auth, but it must come right after it: the body is checked only once the caller may send it.
        { provide: APP_GUARD, useClass: JsonBodyGuard },
      ],
      exports: [Authenticator],
    };
  }
}
