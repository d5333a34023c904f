import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { collect } from '../event-store/event-store.contract.js';
import { tempDir } from '../support/temp-dir.js';

const ISSUER = 'https://idp.ministry.example/realms/staff';
const AUDIENCE = 'docket';
const launch = (programId: string) => ({
  programId,
  title: 'SSO programme',
  ministry: 'Ministry of Science and ICT',
  finalistSlots: 2,
  winnerSlots: 1,
  reason: 'Programme announced',
  rules: [{ ruleId: 'independent-development', text: 'Train from scratch.' }],
});

/** The identity provider's signing keys, and one key it never published. */
interface Keys {
  rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  stranger: { privateKey: CryptoKey; publicKey: CryptoKey };
}

async function sign(key: CryptoKey, alg: string, kid: string, claims: JWTPayload, options: { expiresIn?: string | number; issuer?: string; audience?: string } = {}): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m');
  return jwt.sign(key);
}

const b64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('single sign-on: JWTs of the identity provider beside the tokens file', () => {
  const data = tempDir('docket-sso-');
  let keys: Keys;
  let jwks: Server;
  let jwksRequests = 0;
  let app: Awaited<ReturnType<typeof createApp>>;
  let baseUrl: string;

  beforeAll(async () => {
    keys = {
      rsa: await generateKeyPair('RS256'),
      ec: await generateKeyPair('ES256'),
      stranger: await generateKeyPair('RS256'),
    };
    const published = { keys: [{ ...(await exportJWK(keys.rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(keys.ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }] };
    jwks = createServer((request, response) => {
      jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(published));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: data.path,
      OIDC_ISSUER: ISSUER,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/protocol/openid-connect/certs`,
      OIDC_ROLES_CLAIM: 'realm_access.roles',
      OIDC_SUBJECT_CLAIM: 'preferred_username',
      OIDC_ROLE_MAP: 'docket-officials=official,docket-auditors=auditor,docket-admins=admin',
    });
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => jwks?.close(resolve));
    data.remove();
  });

  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), body: text ? (JSON.parse(text) as Record<string, any>) : null };
  };
  const official = (kid = 'rsa-1') => sign(kid === 'ec-1' ? keys.ec.privateKey : keys.rsa.privateKey, kid === 'ec-1' ? 'ES256' : 'RS256', kid, { preferred_username: 'min.jung', realm_access: { roles: ['docket-officials', 'offline_access'] } });

  it('takes a decision on a valid token, recording the subject and the mapped role as the actor', async () => {
    const response = await call('POST', '/api/programs', await official());
    expect(response.status).toBe(400); // authenticated and authorised: only the missing body is refused
    const launched = await call('POST', '/api/programs', await official('ec-1'), launch('sso-launched'));
    expect(launched.status).toBe(201);
    const [event] = await collect(app.get<EventStore>(EVENT_STORE).readStream('program-sso-launched'));
    expect(event!.metadata['actor']).toEqual({ id: 'min.jung', role: 'official' });
  });

  it("enforces a token's roles exactly as a file token's", async () => {
    const auditor = await sign(keys.rsa.privateKey, 'RS256', 'rsa-1', { preferred_username: 'ada.lee', realm_access: { roles: ['docket-auditors'] } });
    expect((await call('GET', '/api/programs/sso-launched/audit', auditor)).status).toBe(200);
    const refused = await call('POST', '/api/programs', auditor, launch('not-by-an-auditor'));
    expect({ status: refused.status, code: refused.body?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect((await call('GET', '/api/admin/projections', await official())).status).toBe(403);
    const admin = await sign(keys.rsa.privateKey, 'RS256', 'rsa-1', { preferred_username: 'root.ops', realm_access: { roles: ['docket-admins'] } });
    expect((await call('GET', '/api/admin/projections', admin)).status).toBe(200);
    // A Docket role's own name stands for itself; a provider role nobody mapped grants nothing.
    const direct = await sign(keys.rsa.privateKey, 'RS256', 'rsa-1', { preferred_username: 'sam.feed', realm_access: { roles: ['subscriber', 'docket-interns'] } });
    expect((await call('GET', '/api/events/schema', direct)).status).toBe(200);
    const nobody = await sign(keys.rsa.privateKey, 'RS256', 'rsa-1', { preferred_username: 'intern', realm_access: { roles: ['docket-interns'] } });
    const none = await call('GET', '/api/programs/sso-launched/audit', nobody);
    expect({ status: none.status, detail: none.body?.detail }).toEqual({ status: 403, detail: expect.stringContaining('no Docket role') });
    // The tokens file still serves service accounts and subscribers.
    expect((await call('GET', '/api/programs/sso-launched/audit', 'dev-auditor-token')).status).toBe(200);
  });

  it.each([
    ['expired', async () => sign(keys.rsa.privateKey, 'RS256', 'rsa-1', { preferred_username: 'min.jung', realm_access: { roles: ['docket-officials'] } }, { expiresIn: Math.floor(Date.now() / 1000) - 120 })],
    ['for another audience', async () => sign(keys.rsa.privateKey, 'RS256', 'rsa-1', { preferred_username: 'min.jung', realm_access: { roles: ['docket-officials'] } }, { audience: 'payroll' })],
    ['from another issuer', async () => sign(keys.rsa.privateKey, 'RS256', 'rsa-1', { preferred_username: 'min.jung', realm_access: { roles: ['docket-officials'] } }, { issuer: 'https://idp.elsewhere.example' })],
    ['signed by a key the provider never published (unknown kid)', async () => sign(keys.stranger.privateKey, 'RS256', 'rsa-9', { preferred_username: 'min.jung', realm_access: { roles: ['docket-officials'] } })],
    ['signed by an unpublished key under a published kid', async () => sign(keys.stranger.privateKey, 'RS256', 'rsa-1', { preferred_username: 'min.jung', realm_access: { roles: ['docket-officials'] } })],
    [
      'with alg: none',
      async () => `${b64url({ alg: 'none', typ: 'JWT', kid: 'rsa-1' })}.${b64url({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300, preferred_username: 'min.jung', realm_access: { roles: ['docket-officials'] } })}.`,
    ],
    [
      'with alg: none and a signature part',
      async () => `${b64url({ alg: 'none', typ: 'JWT', kid: 'rsa-1' })}.${b64url({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300, preferred_username: 'min.jung', realm_access: { roles: ['docket-officials'] } })}.${b64url('x')}`,
    ],
    [
      'signed with an HMAC of the public key',
      async () => {
        const publicPem = await exportSPKI(keys.rsa.publicKey);
        return new SignJWT({ preferred_username: 'min.jung', realm_access: { roles: ['docket-officials'] } })
          .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1', typ: 'JWT' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(publicPem));
      },
    ],
    [
      'with its payload altered after signing',
      async () => {
        const [header, , signature] = (await official()).split('.');
        return `${header}.${b64url({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300, preferred_username: 'min.jung', realm_access: { roles: ['docket-admins'] } })}.${signature}`;
      },
    ],
    ['without a subject', async () => sign(keys.rsa.privateKey, 'RS256', 'rsa-1', { realm_access: { roles: ['docket-officials'] } })],
  ])('refuses a token %s with 401, recording nothing', async (_case, token) => {
    const response = await call('POST', '/api/programs', await token(), launch('never-launched'));
    expect({ status: response.status, type: response.type, code: response.body?.code }).toEqual({ status: 401, type: 'application/problem+json; charset=utf-8', code: 'UNAUTHENTICATED' });
    expect(await collect(app.get<EventStore>(EVENT_STORE).readStream('program-never-launched'))).toEqual([]);
  });

  it('fetches the key set once and again only for a key id it does not know, at most every 30 s', async () => {
    const before = jwksRequests;
    for (let i = 0; i < 5; i++) expect((await call('GET', '/api/programs/sso-launched/audit', await official())).status).toBe(200);
    expect(jwksRequests).toBe(before);
  });
});

describe('single sign-on with the identity provider out of reach', () => {
  it('answers 503 IDENTITY_PROVIDER_UNAVAILABLE rather than 401: the token may be good', async () => {
    const data = tempDir('docket-sso-down-');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const app = await createApp(
      loadConfig({ PORT: '0', DATA_DIR: data.path, OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE, OIDC_JWKS_URL: `http://127.0.0.1:${port}/certs` }),
      { logger: false },
    );
    try {
      await app.listen(0, '127.0.0.1');
      const { privateKey } = await generateKeyPair('RS256');
      const token = await sign(privateKey, 'RS256', 'rsa-1', { sub: 'min.jung', roles: ['official'] });
      const response = await fetch(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/programs`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(((await response.json()) as { code: string }).code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
    } finally {
      await app.close();
      data.remove();
    }
  });
});
