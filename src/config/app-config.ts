import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

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
  };
  const parsed = plainToInstance(Environment, { ...withDefaults, ...optional });
  const problems = validateSync(parsed, { stopAtFirstError: true }).flatMap((error) => Object.values(error.constraints ?? {}));
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
  };
}

function checkDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new ConfigError([`DATA_DIR ${dataDir} cannot be created or is not readable and writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
}
