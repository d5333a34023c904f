import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { isRole, ROLES, type Role } from '../auth/actor.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const PORT_MESSAGE = 'PORT must be a whole number from 0 to 65535';
const SNAPSHOT_MESSAGE = 'SNAPSHOT_EVERY must be a whole number of events from 10 to 1000000';
const CACHE_MESSAGE = 'STATE_CACHE_TEAMS must be a whole number from 1000 to 100000000';
const CHECKPOINT_EVERY_MESSAGE = 'CHECKPOINT_EVERY must be a whole number of events from 1 to 10000000';
const CHECKPOINT_SECONDS_MESSAGE = 'CHECKPOINT_SECONDS must be a whole number of seconds from 1 to 86400';

/** The environment variables Docket reads, validated once at start-up; nothing else reads `process.env`. */
class Environment {
  @Transform(({ value }) => (/^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: PORT_MESSAGE })
  @Min(0, { message: PORT_MESSAGE })
  @Max(65535, { message: PORT_MESSAGE })
  PORT!: number;

  @IsString()
  @MinLength(1)
  HOST!: string;

  @IsString()
  @MinLength(1)
  DATA_DIR!: string;

  @IsOptional()
  @Matches(/^esdb(\+discover)?:\/\/\S+$/, { message: 'EVENTSTORE_CONNECTION_STRING must look like esdb://host:2113?tls=false' })
  EVENTSTORE_CONNECTION_STRING?: string;

  @IsIn(['full', 'normal'], { message: 'SQLITE_DURABILITY must be full or normal' })
  SQLITE_DURABILITY!: 'full' | 'normal';

  @IsString()
  NODE_ENV!: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  AUTH_TOKENS_FILE?: string;

  @Transform(({ value }) => (/^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'RATE_LIMIT_PER_MINUTE must be a whole number from 1 to 100000000' })
  @Min(1, { message: 'RATE_LIMIT_PER_MINUTE must be a whole number from 1 to 100000000' })
  @Max(100_000_000, { message: 'RATE_LIMIT_PER_MINUTE must be a whole number from 1 to 100000000' })
  RATE_LIMIT_PER_MINUTE!: number;

  @Transform(({ value }) => (/^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: SNAPSHOT_MESSAGE })
  @Min(10, { message: SNAPSHOT_MESSAGE })
  @Max(1_000_000, { message: SNAPSHOT_MESSAGE })
  SNAPSHOT_EVERY!: number;

  @Transform(({ value }) => (/^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: CACHE_MESSAGE })
  @Min(1000, { message: CACHE_MESSAGE })
  @Max(100_000_000, { message: CACHE_MESSAGE })
  STATE_CACHE_TEAMS!: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  AUDIT_SIGNING_KEY_FILE?: string;

  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'AUDIT_ORIGIN must be 1 to 200 printable ASCII characters without spaces' })
  AUDIT_ORIGIN!: string;

  @Transform(({ value }) => (/^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: CHECKPOINT_EVERY_MESSAGE })
  @Min(1, { message: CHECKPOINT_EVERY_MESSAGE })
  @Max(10_000_000, { message: CHECKPOINT_EVERY_MESSAGE })
  CHECKPOINT_EVERY!: number;

  @Transform(({ value }) => (/^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: CHECKPOINT_SECONDS_MESSAGE })
  @Min(1, { message: CHECKPOINT_SECONDS_MESSAGE })
  @Max(86_400, { message: CHECKPOINT_SECONDS_MESSAGE })
  CHECKPOINT_SECONDS!: number;

  @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty' })
  LOG_FORMAT!: 'json' | 'pretty';

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL!: LogLevel;

  @IsOptional()
  @Matches(/^[\x21-\x7e]{32,512}$/, { message: 'METRICS_TOKEN must be 32 to 512 printable ASCII characters without spaces' })
  METRICS_TOKEN?: string;

  @IsIn(['open', 'closed'], { message: 'METRICS_LOOPBACK must be open or closed' })
  METRICS_LOOPBACK!: 'open' | 'closed';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsIn(['otlp', 'console', 'none'], { message: 'OTEL_TRACES_EXPORTER must be otlp, console or none' })
  OTEL_TRACES_EXPORTER!: 'otlp' | 'console' | 'none';

  @Matches(/^[\x21-\x7e]{1,100}$/, { message: 'OTEL_SERVICE_NAME must be 1 to 100 printable ASCII characters without spaces' })
  OTEL_SERVICE_NAME!: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'OIDC_ISSUER must be an http(s) URL' })
  OIDC_ISSUER?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  OIDC_AUDIENCE?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'OIDC_JWKS_URL must be an http(s) URL' })
  OIDC_JWKS_URL?: string;

  @Matches(/^[A-Za-z0-9_.:/-]{1,100}$/, { message: 'OIDC_SUBJECT_CLAIM must be a claim name' })
  OIDC_SUBJECT_CLAIM!: string;

  @Matches(/^[A-Za-z0-9_.:/-]{1,100}$/, { message: 'OIDC_ROLES_CLAIM must be a claim name (dots reach into nested claims)' })
  OIDC_ROLES_CLAIM!: string;

  @IsOptional()
  @IsString()
  OIDC_ROLE_MAP?: string;
}


const DEFAULTS = {
  PORT: '3000',
  HOST: '127.0.0.1',
  DATA_DIR: './data',
  SQLITE_DURABILITY: 'full',
  NODE_ENV: 'development',
  RATE_LIMIT_PER_MINUTE: '600000',
  SNAPSHOT_EVERY: '1000',
  STATE_CACHE_TEAMS: '500000',
  AUDIT_ORIGIN: 'docket',
  CHECKPOINT_EVERY: '1000',
  CHECKPOINT_SECONDS: '60',
  LOG_LEVEL: 'info',
  METRICS_LOOPBACK: 'open',
  OTEL_SERVICE_NAME: 'docket',
  OIDC_SUBJECT_CLAIM: 'sub',
  OIDC_ROLES_CLAIM: 'roles',
};

export interface AppConfig {
  port: number;
  host: string;
  /** Absolute path of the folder that holds the embedded event store and the read models. */
  dataDir: string;
  eventStore: { kind: 'sqlite'; durability: 'full' | 'normal' } | { kind: 'eventstoredb'; connectionString: string };
  nodeEnv: string;
  /** The tokens file named by AUTH_TOKENS_FILE, or null to use the development tokens (refused in production). */
  authTokensFile: string | null;
  rateLimitPerMinute: number;
  /**
   * Every this many events of a programme, its folded state is snapshotted: the command side's (in
   * `DATA_DIR/snapshots.sqlite`) and the standings' (in the read models, for time travel).
   */
  snapshotEvery: number;
  /** How many teams, over all programmes, the command side keeps folded in memory (idempotency keys count as teams). */
  stateCacheTeams: number;
  /** The Ed25519 key (PEM) that signs the log's checkpoints, or null for a development key in `DATA_DIR`. */
  auditSigningKeyFile: string | null;
  /** The log's name in its checkpoints. */
  auditOrigin: string;
  /** A checkpoint is signed once the tree has grown by this many events, or `checkpointSeconds` after the last. */
  checkpointEvery: number;
  checkpointSeconds: number;
  /** JSON lines (the default under NODE_ENV=production, which refuses `pretty`) or pino-pretty's coloured lines. */
  logFormat: 'json' | 'pretty';
  logLevel: LogLevel;
  /** Who may scrape `GET /api/metrics` besides an admin: a bearer of this token, and loopback clients when open. */
  metrics: { token: string | null; loopback: boolean };
  /** Null when tracing is off (no OTLP endpoint and no console exporter configured). */
  tracing: { exporter: 'otlp'; endpoint: string; serviceName: string } | { exporter: 'console'; serviceName: string } | null;
  /** Null when only the tokens file authenticates. */
  oidc: OidcConfig | null;
}

export interface OidcConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** The claim that names the actor (`sub` by default). */
  subjectClaim: string;
  /** The claim that lists the identity provider's roles or groups; a dotted name reaches into nested claims. */
  rolesClaim: string;
  /** The provider's role names → Docket's roles; a Docket role's own name maps to itself unless listed. */
  roleMap: ReadonlyMap<string, Role>;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Reads and checks the configuration; throws `ConfigError` listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const withDefaults = Object.fromEntries(Object.entries(DEFAULTS).map(([name, value]) => [name, env[name] || value]));
  const optional = {
    EVENTSTORE_CONNECTION_STRING: env.EVENTSTORE_CONNECTION_STRING || undefined,
    AUTH_TOKENS_FILE: env.AUTH_TOKENS_FILE || undefined,
    AUDIT_SIGNING_KEY_FILE: env.AUDIT_SIGNING_KEY_FILE || undefined,
    METRICS_TOKEN: env.METRICS_TOKEN || undefined,
    OTEL_EXPORTER_OTLP_ENDPOINT: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    OIDC_ISSUER: env.OIDC_ISSUER || undefined,
    OIDC_AUDIENCE: env.OIDC_AUDIENCE || undefined,
    OIDC_JWKS_URL: env.OIDC_JWKS_URL || undefined,
    OIDC_ROLE_MAP: env.OIDC_ROLE_MAP || undefined,
    // Production logs JSON lines; development reads better pretty. Tracing exports over OTLP once an endpoint is set.
    LOG_FORMAT: env.LOG_FORMAT || (withDefaults.NODE_ENV === 'production' ? 'json' : 'pretty'),
    OTEL_TRACES_EXPORTER: env.OTEL_TRACES_EXPORTER || (env.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'none'),
  };
  const parsed = plainToInstance(Environment, { ...withDefaults, ...optional });
  const problems = validateSync(parsed, { stopAtFirstError: true }).flatMap((error) => Object.values(error.constraints ?? {}));
  if (!problems.length) problems.push(...crossChecks(parsed));
  if (problems.length) throw new ConfigError(problems);
  const dataDir = resolve(parsed.DATA_DIR);
  checkDataDir(dataDir);
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir,
    eventStore: parsed.EVENTSTORE_CONNECTION_STRING
      ? { kind: 'eventstoredb', connectionString: parsed.EVENTSTORE_CONNECTION_STRING }
      : { kind: 'sqlite', durability: parsed.SQLITE_DURABILITY },
    nodeEnv: parsed.NODE_ENV,
    authTokensFile: parsed.AUTH_TOKENS_FILE ? resolve(parsed.AUTH_TOKENS_FILE) : null,
    rateLimitPerMinute: parsed.RATE_LIMIT_PER_MINUTE,
    snapshotEvery: parsed.SNAPSHOT_EVERY,
    stateCacheTeams: parsed.STATE_CACHE_TEAMS,
    auditSigningKeyFile: parsed.AUDIT_SIGNING_KEY_FILE ? resolve(parsed.AUDIT_SIGNING_KEY_FILE) : null,
    auditOrigin: parsed.AUDIT_ORIGIN,
    checkpointEvery: parsed.CHECKPOINT_EVERY,
    checkpointSeconds: parsed.CHECKPOINT_SECONDS,
    logFormat: parsed.LOG_FORMAT,
    logLevel: parsed.LOG_LEVEL,
    metrics: { token: parsed.METRICS_TOKEN ?? null, loopback: parsed.METRICS_LOOPBACK === 'open' },
    tracing:
      parsed.OTEL_TRACES_EXPORTER === 'otlp'
        ? { exporter: 'otlp', endpoint: parsed.OTEL_EXPORTER_OTLP_ENDPOINT!, serviceName: parsed.OTEL_SERVICE_NAME }
        : parsed.OTEL_TRACES_EXPORTER === 'console'
          ? { exporter: 'console', serviceName: parsed.OTEL_SERVICE_NAME }
          : null,
    oidc: parsed.OIDC_ISSUER
      ? {
          issuer: parsed.OIDC_ISSUER,
          audience: parsed.OIDC_AUDIENCE!,
          jwksUrl: parsed.OIDC_JWKS_URL!,
          subjectClaim: parsed.OIDC_SUBJECT_CLAIM,
          rolesClaim: parsed.OIDC_ROLES_CLAIM,
          roleMap: parseRoleMap(parsed.OIDC_ROLE_MAP ?? '').map,
        }
      : null,
  };
}

/** What one variable cannot say alone: variables that go together, and development settings refused in production. */
function crossChecks(parsed: Environment): string[] {
  const problems: string[] = [];
  if (parsed.NODE_ENV === 'production' && parsed.LOG_FORMAT === 'pretty') {
    problems.push('LOG_FORMAT=pretty is for development: NODE_ENV=production logs JSON lines (leave LOG_FORMAT unset or set it to json)');
  }
  if (parsed.OTEL_TRACES_EXPORTER === 'otlp' && !parsed.OTEL_EXPORTER_OTLP_ENDPOINT) {
    problems.push('OTEL_TRACES_EXPORTER=otlp needs OTEL_EXPORTER_OTLP_ENDPOINT (the collector, e.g. http://collector:4318)');
  }
  const oidc = { OIDC_ISSUER: parsed.OIDC_ISSUER, OIDC_AUDIENCE: parsed.OIDC_AUDIENCE, OIDC_JWKS_URL: parsed.OIDC_JWKS_URL };
  const given = Object.entries(oidc).filter(([, value]) => value !== undefined);
  if (given.length > 0 && given.length < 3) {
    const missing = Object.entries(oidc).filter(([, value]) => value === undefined).map(([name]) => name);
    problems.push(`single sign-on needs OIDC_ISSUER, OIDC_AUDIENCE and OIDC_JWKS_URL together; ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
  }
  if (parsed.OIDC_ROLE_MAP !== undefined) problems.push(...parseRoleMap(parsed.OIDC_ROLE_MAP).problems);
  return problems;
}

/**
 * `OIDC_ROLE_MAP`: comma-separated `provider-role=docket-role` pairs, e.g. `docket-officials=official,audit=auditor`.
 * Each provider role maps to one Docket role (listed twice is refused, so a typo cannot silently grant a second one);
 * several provider roles may map to the same Docket role.
 */
function parseRoleMap(text: string): { map: Map<string, Role>; problems: string[] } {
  const map = new Map<string, Role>();
  const problems: string[] = [];
  for (const pair of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = /^([^=\s]{1,200})=([a-z]+)$/.exec(pair);
    if (!match) {
      problems.push(`OIDC_ROLE_MAP entry "${pair.slice(0, 100)}" must be provider-role=docket-role`);
      continue;
    }
    const [, from, to] = match as unknown as [string, string, string];
    if (!isRole(to)) problems.push(`OIDC_ROLE_MAP maps "${from}" to "${to}", which is not a Docket role (${ROLES.join(', ')})`);
    else if (map.has(from)) problems.push(`OIDC_ROLE_MAP maps "${from}" twice`);
    else map.set(from, to);
  }
  return { map, problems };
}

function checkDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new ConfigError([`DATA_DIR ${dataDir} cannot be created or is not readable and writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
}
