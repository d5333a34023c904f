import { hash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Logger, type LoggerService } from '@nestjs/common';
import { ConfigError, type AppConfig } from '../config/app-config.js';
import { isRole, type Actor, type Role } from './actor.js';

/** `config/dev-tokens.json` of the repository: this file sits two levels below the root in `src/` and in `dist/`. */
export const DEV_TOKENS_FILE = fileURLToPath(new URL('../../config/dev-tokens.json', import.meta.url));

/** One entry of a tokens file; only the SHA-256 of a token is kept in memory. */
export interface KnownToken {
  sha256: Buffer;
  actor: Actor;
}

/** A presented token that matched: `key` (the hex SHA-256) names it for rate limiting without holding the secret. */
export interface TokenMatch {
  key: string;
  actor: Actor;
}

const FIELDS = new Set(['token', 'tokenSha256', 'subject', 'roles']);
// Printable ASCII without spaces: anything else cannot travel in an `Authorization: Bearer` header.
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;
const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** One-shot `crypto.hash`: a `Hash` object per request cost a microsecond more, on every request. */
export function sha256(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

/** The tokens that may call the API, looked up in constant time so response times reveal nothing about them. */
export class AuthTokens {
  /** The hex key of each token, worked out once rather than on every request. */
  private readonly keys: Map<KnownToken, string>;

  constructor(private readonly tokens: readonly KnownToken[]) {
    this.keys = new Map(tokens.map((known) => [known, known.sha256.toString('hex')]));
  }

  get size(): number {
    return this.tokens.length;
  }

  match(token: string): TokenMatch | null {
    const presented = sha256(token);
    let found: KnownToken | null = null;
    // No early exit: every presented token costs the same number of comparisons.
    for (const known of this.tokens) {
      if (timingSafeEqual(presented, known.sha256)) found = known;
    }
    return found && { key: this.keys.get(found)!, actor: found.actor };
  }
}

/**
 * The tokens named by the configuration. Without AUTH_TOKENS_FILE the repository's development tokens are used, with
 * a warning nobody can miss; in production that is refused, since those tokens are public.
 */
export function loadAuthTokens(
  config: Pick<AppConfig, 'authTokensFile' | 'nodeEnv'>,
  logger: Pick<LoggerService, 'log' | 'warn'> = new Logger('Auth'),
): AuthTokens {
  if (config.authTokensFile !== null) {
    const tokens = readTokensFile(config.authTokensFile, `AUTH_TOKENS_FILE ${config.authTokensFile}`);
    logger.log(`${tokens.size} API token(s) loaded from ${config.authTokensFile}`);
    return tokens;
  }
  if (config.nodeEnv === 'production') {
    throw new ConfigError([
      'AUTH_TOKENS_FILE must be set when NODE_ENV=production: the development tokens in config/dev-tokens.json are published with the source code',
    ]);
  }
  const tokens = readTokensFile(DEV_TOKENS_FILE, `the development tokens file ${DEV_TOKENS_FILE}`);
  logger.warn(
    [
      '',
      '*'.repeat(100),
      `*  AUTH_TOKENS_FILE is not set: using the DEVELOPMENT tokens in ${DEV_TOKENS_FILE}.`,
      '*  They are published with the source code: anyone can act as any role, including admin.',
      '*  Never serve real data like this. Set AUTH_TOKENS_FILE (NODE_ENV=production refuses to start without it).',
      '*'.repeat(100),
    ].join('\n'),
  );
  return tokens;
}

export function readTokensFile(path: string, source: string): AuthTokens {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${source} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  return new AuthTokens(parseTokensFile(text, source));
}

/** Checks a whole tokens file and reports every problem at once, naming the entry, never the secret. */
export function parseTokensFile(text: string, source: string): KnownToken[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${source} is not valid JSON (${(error as Error).message})`]);
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError([`${source} must hold a JSON array of {token or tokenSha256, subject, roles}`]);
  }
  if (parsed.length === 0) throw new ConfigError([`${source} holds no tokens: nobody could call the API`]);

  const problems: string[] = [];
  const tokens: KnownToken[] = [];
  const firstIndexByHash = new Map<string, number>();
  parsed.forEach((raw: unknown, index) => {
    const entryProblems: string[] = [];
    const known = parseEntry(raw, entryProblems);
    const name = `${source} entry [${index}]${describeSubject(raw)}`;
    problems.push(...entryProblems.map((problem) => `${name}: ${problem}`));
    if (!known) return;
    const hash = known.sha256.toString('hex');
    const first = firstIndexByHash.get(hash);
    if (first !== undefined) problems.push(`${name}: has the same token as entry [${first}]`);
    else firstIndexByHash.set(hash, index);
    tokens.push(known);
  });
  if (problems.length) throw new ConfigError(problems);
  return tokens;
}

function describeSubject(raw: unknown): string {
  const subject = isObject(raw) ? raw.subject : undefined;
  return typeof subject === 'string' && subject.length <= 200 ? ` (subject ${JSON.stringify(subject)})` : '';
}

function parseEntry(raw: unknown, problems: string[]): KnownToken | null {
  if (!isObject(raw)) {
    problems.push('must be an object {token or tokenSha256, subject, roles}');
    return null;
  }
  const unknownFields = Object.keys(raw).filter((field) => !FIELDS.has(field));
  if (unknownFields.length) problems.push(`unknown field(s) ${unknownFields.map((field) => JSON.stringify(field)).join(', ')}`);
  const hash = parseSecret(raw, problems);
  const subject = parseSubject(raw.subject, problems);
  const roles = parseRoles(raw.roles, problems);
  if (problems.length || !hash || subject === null || !roles) return null;
  return { sha256: hash, actor: { id: subject, roles } };
}

function parseSecret(raw: Record<string, unknown>, problems: string[]): Buffer | null {
  const hasToken = 'token' in raw;
  const hasHash = 'tokenSha256' in raw;
  if (hasToken === hasHash) {
    problems.push(hasToken ? 'has both token and tokenSha256: give one' : 'needs token or tokenSha256');
    return null;
  }
  if (hasToken) {
    if (typeof raw.token === 'string' && TOKEN_PATTERN.test(raw.token)) return sha256(raw.token);
    problems.push('token must be a non-empty string of printable ASCII characters without spaces');
    return null;
  }
  if (typeof raw.tokenSha256 === 'string' && SHA256_PATTERN.test(raw.tokenSha256)) return Buffer.from(raw.tokenSha256, 'hex');
  problems.push('tokenSha256 must be 64 hexadecimal digits (the SHA-256 of the token)');
  return null;
}

function parseSubject(subject: unknown, problems: string[]): string | null {
  if (typeof subject === 'string' && subject.length >= 1 && subject.length <= 200 && !CONTROL_CHARACTERS.test(subject)) {
    return subject;
  }
  problems.push(subject === undefined ? 'needs a subject' : 'subject must be a string of 1–200 characters without control characters');
  return null;
}

function parseRoles(roles: unknown, problems: string[]): Role[] | null {
  if (!Array.isArray(roles) || roles.length === 0) {
    problems.push(roles === undefined ? 'needs roles' : 'roles must be a non-empty array of official, evaluator, auditor, subscriber, admin');
    return null;
  }
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length) problems.push(`unknown role(s) ${unknown.map((role) => JSON.stringify(role)).join(', ')}`);
  const repeated = roles.filter((role, index) => roles.indexOf(role) !== index);
  if (repeated.length) problems.push(`role(s) listed twice: ${repeated.map((role) => JSON.stringify(role)).join(', ')}`);
  return unknown.length || repeated.length ? null : (roles as Role[]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
