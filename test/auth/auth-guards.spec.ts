import { Authenticator } from '../../src/auth/authenticator.js';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import type { AuthorisedActor } from '../../src/auth/actor.js';
import { createHttpAdapter } from '../../src/app.js';
import { loadAuthTokens } from '../../src/auth/auth-tokens.js';
import { AuthModule } from '../../src/auth/auth.module.js';
import { CurrentActor } from '../../src/auth/current-actor.decorator.js';
import { Public, Roles } from '../../src/auth/roles.decorator.js';
import { applySecurityHeaders } from '../../src/auth/security-headers.js';
import { ConfigError, type AppConfig } from '../../src/config/app-config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { HttpModule } from '../../src/http/http.module.js';
import { tempDir } from '../support/temp-dir.js';

@Controller('things')
@Roles('official')
class ThingsController {
  @Get()
  list(@CurrentActor() actor: AuthorisedActor) {
    return actor;
  }

  @Get('audit')
  @Roles('official', 'auditor')
  audit(@CurrentActor() actor: AuthorisedActor) {
    return actor;
  }

  @Get('open')
  @Public()
  open() {
    return { open: true };
  }
}

@Controller('forgotten')
class ForgottenController {
  @Get()
  leak() {
    return { leaked: true };
  }
}

const silentLogger: LoggerService = { log() {}, warn() {}, error() {} };
const files = tempDir('docket-auth-');
const TOKENS_FILE = join(files.path, 'tokens.json');
writeFileSync(
  TOKENS_FILE,
  JSON.stringify([
    { token: 'official-secret', subject: 'kim.official', roles: ['official'] },
    { tokenSha256: createHash('sha256').update('hashed-auditor-secret').digest('hex'), subject: 'ada.auditor', roles: ['auditor'] },
    { token: 'subscriber-secret', subject: 'sam.subscriber', roles: ['subscriber'] },
    { token: 'admin-secret', subject: 'alex.admin', roles: ['admin'] },
    { token: 'chair-secret', subject: 'lee.chair', roles: ['evaluator', 'auditor', 'official'] },
  ]),
);
afterAll(() => files.remove());

function configWith(overrides: Partial<AppConfig>): AppConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: files.path,
    eventStore: { kind: 'sqlite', durability: 'full' },
    snapshotEvery: 1000,
    stateCacheTeams: 200_000,
    auditSigningKeyFile: null,
    auditOrigin: 'docket',
    checkpointEvery: 1000,
    checkpointSeconds: 60,
    logFormat: 'json',
    logLevel: 'silent',
    metrics: { token: null, loopback: true },
    tracing: null,
    oidc: null,
    nodeEnv: 'test',
    authTokensFile: TOKENS_FILE,
    rateLimitPerMinute: 600_000,
    ...overrides,
  };
}

async function startApp(overrides: Partial<AppConfig> = {}, { docs = false, logger = silentLogger } = {}) {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(configWith(overrides)), HttpModule, AuthModule.forRoot(new Authenticator(loadAuthTokens(configWith(overrides), logger), null))],
    controllers: [ThingsController, ForgottenController],
  })
    .setLogger(logger)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), { logger: false });
  applySecurityHeaders(app);
  app.setGlobalPrefix('api');
  if (docs) {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('t').addBearerAuth().build());
    SwaggerModule.setup('api/docs', app, document);
  }
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const call = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}/api${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  return { app, call };
}

type Running = Awaited<ReturnType<typeof startApp>>;

async function problem(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as { status: number; code: string; detail: string };
}

describe('authentication and roles', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.app.close());

  it('answers 401 with WWW-Authenticate to a request without a token', async () => {
    const response = await running.call('/things');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="docket"');
    expect(await problem(response)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it.each([
    ['an unknown token', { authorization: 'Bearer not-a-known-token' }],
    ['the hash of a token instead of the token', { authorization: `Bearer ${createHash('sha256').update('hashed-auditor-secret').digest('hex')}` }],
    ['another scheme', { authorization: 'Basic b2ZmaWNpYWwtc2VjcmV0' }],
    ['a token without its scheme', { authorization: 'official-secret' }],
  ])('answers 401 to %s', async (_case, headers) => {
    const response = await running.call('/things', undefined, headers);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="docket", error="invalid_token"$/);
    expect(await problem(response)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('lets a token with the route’s role through and tells the handler who and as what', async () => {
    const response = await running.call('/things', 'official-secret');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'kim.official', role: 'official' });
  });

  it('accepts a token the file holds only as its SHA-256', async () => {
    const response = await running.call('/things/audit', 'hashed-auditor-secret');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'ada.auditor', role: 'auditor' });
  });

  it('records a token with several roles under its first role the route allows', async () => {
    expect(await (await running.call('/things/audit', 'chair-secret')).json()).toEqual({ id: 'lee.chair', role: 'auditor' });
    expect(await (await running.call('/things', 'chair-secret')).json()).toEqual({ id: 'lee.chair', role: 'official' });
  });

  it('answers 403 to a known token without the role, admin included', async () => {
    for (const token of ['hashed-auditor-secret', 'subscriber-secret', 'admin-secret']) {
      const response = await running.call('/things', token);
      expect(response.status).toBe(403);
      expect(await problem(response)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }
  });

  it('lets anyone call a @Public route, ignoring whatever token comes along', async () => {
    expect((await running.call('/things/open')).status).toBe(200);
    expect((await running.call('/things/open', 'not-a-known-token')).status).toBe(200);
  });

  it('refuses a route with neither @Roles nor @Public to everyone', async () => {
    expect((await running.call('/forgotten')).status).toBe(401);
    for (const token of ['official-secret', 'admin-secret', 'chair-secret']) {
      const response = await running.call('/forgotten', token);
      expect(response.status).toBe(403);
      expect(await problem(response)).toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('leaves an unknown route to the router’s 404', async () => {
    expect((await running.call('/nowhere', 'official-secret')).status).toBe(404);
  });

  it('refuses @Roles and @Public on the same target when the class is defined', () => {
    expect(() => {
      class Both {
        @Roles('official')
        @Public()
        handler() {}
      }
      return Both;
    }).toThrow('Both.handler has more than one @Roles/@Public');
  });
});

describe('rate limiting', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startApp({ rateLimitPerMinute: 10 });
  });
  afterAll(() => running.app.close());

  it('gives each token RATE_LIMIT_PER_MINUTE across all routes, then 429 with Retry-After', async () => {
    for (let i = 0; i < 5; i++) expect((await running.call('/things', 'official-secret')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await running.call('/things/audit', 'official-secret')).status).toBe(200);
    // A refused request counts too: the budget is per token, whatever the route answers.
    expect((await running.call('/forgotten', 'official-secret')).status).toBe(403);
    const response = await running.call('/things', 'official-secret');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('6');
    expect(await problem(response)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect((await running.call('/things', 'chair-secret')).status).toBe(200);
  });

  it('gives requests without a known token a tenth of it per client address, before checking the token', async () => {
    expect((await running.call('/things', 'wrong-guess-1')).status).toBe(401);
    const guess = await running.call('/things', 'wrong-guess-2');
    expect(guess.status).toBe(429);
    expect(Number(guess.headers.get('retry-after'))).toBe(60);
    expect((await running.call('/things')).status).toBe(429);
    expect((await running.call('/things/open')).status).toBe(429);
    expect((await running.call('/things/audit', 'hashed-auditor-secret')).status).toBe(200);
  });

  it('keeps budgets per application: another instance starts afresh', async () => {
    const other = await startApp({ rateLimitPerMinute: 10 });
    try {
      expect((await other.call('/things/open')).status).toBe(200);
    } finally {
      await other.app.close();
    }
  });
});

describe('starting', () => {
  it('refuses to start in production without AUTH_TOKENS_FILE', async () => {
    const started = startApp({ nodeEnv: 'production', authTokensFile: null });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(startApp({ nodeEnv: 'production', authTokensFile: null })).rejects.toThrow(/AUTH_TOKENS_FILE must be set when NODE_ENV=production/);
  });

  it('refuses to start on a faulty tokens file', async () => {
    const file = join(files.path, 'faulty.json');
    writeFileSync(file, JSON.stringify([{ token: 'x-token', subject: 'kim', roles: ['root'] }]));
    await expect(startApp({ authTokensFile: file })).rejects.toThrow(/entry \[0\] \(subject "kim"\): unknown role\(s\) "root"/);
  });

  it('serves the development tokens without AUTH_TOKENS_FILE, with a warning', async () => {
    const warnings: string[] = [];
    const running = await startApp({ nodeEnv: 'development', authTokensFile: null }, { logger: { ...silentLogger, warn: (message: string) => warnings.push(message) } });
    try {
      expect(await (await running.call('/things', 'dev-official-token')).json()).toEqual({ id: 'kim.official', role: 'official' });
      expect(warnings.join('\n')).toContain('AUTH_TOKENS_FILE is not set');
    } finally {
      await running.app.close();
    }
  });
});

describe('security headers', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startApp({}, { docs: true });
  });
  afterAll(() => running.app.close());

  it('forbids API answers to load anything, to be framed or cached, and hides the framework', async () => {
    for (const response of [await running.call('/things', 'official-secret'), await running.call('/things')]) {
      // Read to the end: an answer left unread would keep its connection busy, and the app's close waiting for it.
      await response.arrayBuffer();
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('sets them, and answers problem+json, on a URL the router refuses before any hook runs', async () => {
    const response = await running.call('/things/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(await response.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('lets the OpenAPI UI load its own scripts and styles, without a token', async () => {
    const page = await running.call('/docs');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const html = await page.text();
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThan(0);
    // 'self' is enough only while every script is a file of the same origin.
    for (const attributes of scripts) expect(attributes).toMatch(/src="\.?\/?[^":]+"/);
    for (const src of [...html.matchAll(/src="([^"]+)"/g)].map((match) => match[1]!)) {
      const asset = await fetch(new URL(src, page.url));
      await asset.arrayBuffer();
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-security-policy')).toBe(csp);
    }
    const document = await running.call('/docs-json');
    await document.arrayBuffer();
    expect(document.status).toBe(200);
  });
});
