import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApp } from '../../src/app.js';
import { CheckpointSigner } from '../../src/integrity/checkpoint.js';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import { startApp } from '../support/app-harness.js';
import { tempDir } from '../support/temp-dir.js';

// Authentication does not depend on the event store, so this runs on the embedded one only.
describe('authentication, rate limit and security headers of the whole app', () => {
  let running: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    running = await startApp('sqlite', { RATE_LIMIT_PER_MINUTE: '20' });
  });
  afterAll(() => running?.stop());

  const call = (path: string, init: RequestInit = {}) => fetch(`${running.baseUrl}${path}`, init);
  const launch = (token?: string) =>
    call('/api/programs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: '{"broken": ',
    });

  it('serves GET /api/health without a token, with security headers', async () => {
    const response = await call('/api/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('checks the token, then the role, before the body', async () => {
    const anonymous = await launch();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await anonymous.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    const subscriber = await launch('dev-subscriber-token');
    expect(subscriber.status).toBe(403);
    expect(await subscriber.json()).toMatchObject({ status: 403, code: 'FORBIDDEN' });

    expect((await launch('dev-official-token')).status).toBe(400);
  });

  it('answers 429 with Retry-After once an address without a token has spent its tenth of the limit', async () => {
    // Two were spent above (health, and the anonymous launch); the limit per address is 20 / 10 = 2.
    const response = await call('/api/health');
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await response.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect((await launch('dev-official-token')).status).toBe(400);
  });
});

describe('starting the app', () => {
  const data = tempDir('docket-auth-e2e-');
  afterAll(() => data.remove());

  it('refuses to start in production without AUTH_TOKENS_FILE', async () => {
    const config = loadConfig({ DATA_DIR: data.path, NODE_ENV: 'production' });
    const started = createApp(config, { logger: false });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(/AUTH_TOKENS_FILE must be set when NODE_ENV=production/);
  });

  it('starts in production with AUTH_TOKENS_FILE, and only its tokens open the API', async () => {
    const tokensFile = join(data.path, 'tokens.json');
    writeFileSync(tokensFile, JSON.stringify([{ token: 'prod-official-secret', subject: 'kim.official', roles: ['official'] }]));
    const keyFile = join(data.path, 'audit-key.pem');
    writeFileSync(keyFile, CheckpointSigner.generate().privateKeyPem());
    const app = await startApp('sqlite', { NODE_ENV: 'production', AUTH_TOKENS_FILE: tokensFile, AUDIT_SIGNING_KEY_FILE: keyFile });
    try {
      const launch = (token: string) =>
        fetch(`${app.baseUrl}/api/programs`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"broken": ' });
      expect((await launch('dev-official-token')).status).toBe(401);
      expect((await launch('prod-official-secret')).status).toBe(400);
    } finally {
      await app.stop();
    }
  });
});
