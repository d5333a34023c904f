import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import { tempDir } from '../support/temp-dir.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('configuration', () => {
  it('defaults to the embedded store on 127.0.0.1:3000 with data in ./data, fsyncing every commit', () => {
    const data = tempDir();
    const config = loadConfig({ DATA_DIR: data.path });
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: data.path, eventStore: { kind: 'sqlite', durability: 'full' } });
    data.remove();
  });

  it('snapshots every 1,000 events and holds 500,000 teams folded by default; both can be set, and are checked', () => {
    const data = tempDir();
    expect(loadConfig({ DATA_DIR: data.path })).toMatchObject({ snapshotEvery: 1000, stateCacheTeams: 500_000 });
    expect(loadConfig({ DATA_DIR: data.path, SNAPSHOT_EVERY: '250', STATE_CACHE_TEAMS: '2000000' })).toMatchObject({ snapshotEvery: 250, stateCacheTeams: 2_000_000 });
    for (const every of ['0', '9', 'often', '1e3', '1000001']) expect(problemsOf({ DATA_DIR: data.path, SNAPSHOT_EVERY: every })).toEqual([expect.stringContaining('SNAPSHOT_EVERY')]);
    for (const teams of ['999', 'many', '-5']) expect(problemsOf({ DATA_DIR: data.path, STATE_CACHE_TEAMS: teams })).toEqual([expect.stringContaining('STATE_CACHE_TEAMS')]);
    data.remove();
  });

  it('moves to EventStoreDB when a connection string is set', () => {
    const data = tempDir();
    const config = loadConfig({ DATA_DIR: data.path, EVENTSTORE_CONNECTION_STRING: 'esdb://a:2113,b:2113,c:2113?tls=false' });
    expect(config.eventStore).toEqual({ kind: 'eventstoredb', connectionString: 'esdb://a:2113,b:2113,c:2113?tls=false' });
    data.remove();
  });

  it('refuses a wrong PORT, a wrong durability and a connection string that is not esdb://, all at once', () => {
    const data = tempDir();
    for (const port of ['abc', '70000', '-1', '3.5']) {
      expect(problemsOf({ PORT: port, DATA_DIR: data.path })).toEqual([expect.stringContaining('PORT')]);
    }
    expect(problemsOf({ PORT: 'x', SQLITE_DURABILITY: 'off', EVENTSTORE_CONNECTION_STRING: 'http://x', DATA_DIR: data.path })).toHaveLength(3);
    data.remove();
  });

  it('refuses a DATA_DIR that cannot be created or written', () => {
    const data = tempDir();
    const file = join(data.path, 'a-file');
    writeFileSync(file, '');
    expect(problemsOf({ DATA_DIR: join(file, 'below') })).toEqual([expect.stringContaining('DATA_DIR')]);
    if (process.getuid?.() !== 0) {
      chmodSync(data.path, 0o500);
      expect(problemsOf({ DATA_DIR: data.path })).toEqual([expect.stringContaining('DATA_DIR')]);
      chmodSync(data.path, 0o700);
    }
    data.remove();
  });

  it('logs pretty in development and JSON lines in production, which refuses pretty; levels are checked', () => {
    const data = tempDir();
    expect(loadConfig({ DATA_DIR: data.path })).toMatchObject({ logFormat: 'pretty', logLevel: 'info' });
    expect(loadConfig({ DATA_DIR: data.path, NODE_ENV: 'production', AUTH_TOKENS_FILE: 'x' })).toMatchObject({ logFormat: 'json' });
    expect(loadConfig({ DATA_DIR: data.path, LOG_FORMAT: 'json', LOG_LEVEL: 'debug' })).toMatchObject({ logFormat: 'json', logLevel: 'debug' });
    expect(problemsOf({ DATA_DIR: data.path, NODE_ENV: 'production', LOG_FORMAT: 'pretty' })).toEqual([expect.stringContaining('LOG_FORMAT=pretty is for development')]);
    expect(problemsOf({ DATA_DIR: data.path, LOG_FORMAT: 'xml', LOG_LEVEL: 'loud' })).toEqual([expect.stringContaining('LOG_FORMAT must be json or pretty'), expect.stringContaining('LOG_LEVEL must be one of')]);
    data.remove();
  });

  it('opens the metrics to loopback by default; a scrape token must be long enough', () => {
    const data = tempDir();
    expect(loadConfig({ DATA_DIR: data.path }).metrics).toEqual({ token: null, loopback: true });
    expect(loadConfig({ DATA_DIR: data.path, METRICS_TOKEN: 'm'.repeat(32), METRICS_LOOPBACK: 'closed' }).metrics).toEqual({ token: 'm'.repeat(32), loopback: false });
    expect(problemsOf({ DATA_DIR: data.path, METRICS_TOKEN: 'short' })).toEqual([expect.stringContaining('METRICS_TOKEN must be 32 to 512')]);
    expect(problemsOf({ DATA_DIR: data.path, METRICS_LOOPBACK: 'maybe' })).toEqual([expect.stringContaining('METRICS_LOOPBACK')]);
    data.remove();
  });

  it('traces only when an exporter is configured', () => {
    const data = tempDir();
    expect(loadConfig({ DATA_DIR: data.path }).tracing).toBeNull();
    expect(loadConfig({ DATA_DIR: data.path, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({ exporter: 'otlp', endpoint: 'http://collector:4318', serviceName: 'docket' });
    expect(loadConfig({ DATA_DIR: data.path, OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'docket-eu' }).tracing).toEqual({ exporter: 'console', serviceName: 'docket-eu' });
    expect(loadConfig({ DATA_DIR: data.path, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeNull();
    expect(problemsOf({ DATA_DIR: data.path, OTEL_TRACES_EXPORTER: 'otlp' })).toEqual([expect.stringContaining('needs OTEL_EXPORTER_OTLP_ENDPOINT')]);
    expect(problemsOf({ DATA_DIR: data.path, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([expect.stringContaining('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL')]);
    data.remove();
  });

  it('takes single sign-on as issuer, audience and key set together, with a checked role map', () => {
    const data = tempDir();
    const sso = { DATA_DIR: data.path, OIDC_ISSUER: 'https://idp.example/realms/staff', OIDC_AUDIENCE: 'docket', OIDC_JWKS_URL: 'https://idp.example/realms/staff/certs' };
    expect(loadConfig({ DATA_DIR: data.path }).oidc).toBeNull();
    const config = loadConfig({ ...sso, OIDC_ROLE_MAP: 'docket-officials=official, auditors=auditor,ops=admin', OIDC_ROLES_CLAIM: 'realm_access.roles' });
    expect(config.oidc).toMatchObject({ issuer: sso.OIDC_ISSUER, audience: 'docket', jwksUrl: sso.OIDC_JWKS_URL, subjectClaim: 'sub', rolesClaim: 'realm_access.roles' });
    expect([...config.oidc!.roleMap]).toEqual([['docket-officials', 'official'], ['auditors', 'auditor'], ['ops', 'admin']]);
    expect(problemsOf({ DATA_DIR: data.path, OIDC_ISSUER: sso.OIDC_ISSUER })).toEqual([expect.stringContaining('OIDC_AUDIENCE and OIDC_JWKS_URL are missing')]);
    expect(problemsOf({ ...sso, OIDC_ROLE_MAP: 'a=official,a=auditor,b=superuser,c' })).toEqual([
      expect.stringContaining('maps "a" twice'),
      expect.stringContaining('"superuser", which is not a Docket role'),
      expect.stringContaining('entry "c" must be provider-role=docket-role'),
    ]);
    expect(problemsOf({ ...sso, OIDC_JWKS_URL: 'file:///etc/keys' })).toEqual([expect.stringContaining('OIDC_JWKS_URL must be an http(s) URL')]);
    data.remove();
  });

  it('stops the process with a clear message and no stack trace', () => {
    const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, PORT: 'eighty' }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('Docket cannot start: invalid configuration');
    expect(result.stderr).toContain('PORT must be a whole number from 0 to 65535');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
