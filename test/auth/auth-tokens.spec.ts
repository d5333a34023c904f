import { Authenticator } from '../../src/auth/authenticator.js';
import type { TokenMatch } from '../../src/auth/auth-tokens.js';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { AuthTokens, DEV_TOKENS_FILE, loadAuthTokens, parseTokensFile, readTokensFile } from '../../src/auth/auth-tokens.js';
import { ConfigError } from '../../src/config/app-config.js';
import { tempDir } from '../support/temp-dir.js';

const hex = (token: string) => createHash('sha256').update(token).digest('hex');
const tokensOf = (entries: unknown) => new AuthTokens(parseTokensFile(JSON.stringify(entries), 'tokens.json'));

function problemsOf(text: string): string[] {
  try {
    parseTokensFile(text, 'tokens.json');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the file was accepted');
}
const problemsOfEntries = (entries: unknown) => problemsOf(JSON.stringify(entries));

const silent = { log: () => {}, warn: () => {} };

describe('tokens file', () => {
  it('knows plain tokens and SHA-256 ones, and nothing else', () => {
    const tokens = tokensOf([
      { token: 'plain-secret', subject: 'kim.official', roles: ['official'] },
      { tokenSha256: hex('hashed-secret').toUpperCase(), subject: 'ada.auditor', roles: ['auditor', 'subscriber'] },
    ]);
    expect(tokens.match('plain-secret')).toEqual({ key: hex('plain-secret'), actor: { id: 'kim.official', roles: ['official'] } });
    expect(tokens.match('hashed-secret')?.actor).toEqual({ id: 'ada.auditor', roles: ['auditor', 'subscriber'] });
    expect(tokens.match(hex('hashed-secret'))).toBeNull();
    expect(tokens.match('plain-secreT')).toBeNull();
    expect(tokens.match('')).toBeNull();
  });

  it('reads only a well-formed Bearer header', () => {
    const tokens = new Authenticator(tokensOf([{ token: 'plain-secret', subject: 'kim', roles: ['official'] }]), null);
    const request = (authorization?: string) => ({ headers: { authorization } });
    expect((tokens.authenticate(request('Bearer plain-secret')) as TokenMatch | null)?.actor.id).toBe('kim');
    expect((tokens.authenticate(request('bearer plain-secret')) as TokenMatch | null)?.actor.id).toBe('kim');
    expect(tokens.authenticate(request('Basic plain-secret'))).toBeNull();
    expect(tokens.authenticate(request('Bearer plain-secret extra'))).toBeNull();
    expect(tokens.authenticate(request('plain-secret'))).toBeNull();
    expect(tokens.authenticate(request())).toBeNull();
  });

  it.each([
    ['not JSON', '[{"token": ', /tokens\.json is not valid JSON/],
    ['not an array', '{"token": "a", "subject": "b", "roles": ["admin"]}', /tokens\.json must hold a JSON array/],
    ['an empty array', '[]', /tokens\.json holds no tokens/],
  ])('refuses a file that is %s', (_case, text, message) => {
    expect(problemsOf(text)).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['no token at all', { subject: 'kim', roles: ['official'] }, 'needs token or tokenSha256'],
    ['both token and tokenSha256', { token: 'a-token', tokenSha256: hex('a-token'), subject: 'kim', roles: ['official'] }, 'has both token and tokenSha256'],
    ['an empty token', { token: '', subject: 'kim', roles: ['official'] }, 'token must be a non-empty string'],
    ['a token with a space', { token: 'a token', subject: 'kim', roles: ['official'] }, 'token must be a non-empty string'],
    ['a numeric token', { token: 1234, subject: 'kim', roles: ['official'] }, 'token must be a non-empty string'],
    ['a short hash', { tokenSha256: 'abc123', subject: 'kim', roles: ['official'] }, 'tokenSha256 must be 64 hexadecimal digits'],
    ['a hash that is not hex', { tokenSha256: 'g'.repeat(64), subject: 'kim', roles: ['official'] }, 'tokenSha256 must be 64 hexadecimal digits'],
    ['no subject', { token: 'a-token', roles: ['official'] }, 'needs a subject'],
    ['an empty subject', { token: 'a-token', subject: '', roles: ['official'] }, 'subject must be a string of 1–200 characters'],
    ['a subject with a newline', { token: 'a-token', subject: 'kim\nadmin', roles: ['official'] }, 'subject must be a string of 1–200 characters'],
    ['no roles', { token: 'a-token', subject: 'kim' }, 'needs roles'],
    ['empty roles', { token: 'a-token', subject: 'kim', roles: [] }, 'roles must be a non-empty array'],
    ['roles as a string', { token: 'a-token', subject: 'kim', roles: 'official' }, 'roles must be a non-empty array'],
    ['an unknown role', { token: 'a-token', subject: 'kim', roles: ['official', 'root'] }, 'unknown role(s) "root"'],
    ['a role twice', { token: 'a-token', subject: 'kim', roles: ['official', 'official'] }, 'role(s) listed twice: "official"'],
    ['an unknown field', { token: 'a-token', subject: 'kim', role: 'official', roles: ['official'] }, 'unknown field(s) "role"'],
  ])('refuses an entry with %s, naming the entry', (_case, entry, message) => {
    const ok = { token: 'fine-token', subject: 'ok', roles: ['admin'] };
    const problems = problemsOfEntries([ok, entry]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('tokens.json entry [1]');
    expect(problems[0]).toContain(message);
  });

  it('names the subject of a faulty entry but never its token', () => {
    const [problem] = problemsOfEntries([{ token: 'top-secret', subject: 'kim.official', roles: ['chief'] }]);
    expect(problem).toBe('tokens.json entry [0] (subject "kim.official"): unknown role(s) "chief"');
  });

  it('refuses an entry that is not an object', () => {
    expect(problemsOfEntries(['dev-admin-token'])).toEqual(['tokens.json entry [0]: must be an object {token or tokenSha256, subject, roles}']);
  });

  it('refuses the same token twice, also when one entry gives it as a hash', () => {
    const problems = problemsOfEntries([
      { token: 'shared', subject: 'kim', roles: ['official'] },
      { token: 'other', subject: 'eva', roles: ['evaluator'] },
      { tokenSha256: hex('shared'), subject: 'ada', roles: ['auditor'] },
      { token: 'other', subject: 'sam', roles: ['subscriber'] },
    ]);
    expect(problems).toEqual([
      'tokens.json entry [2] (subject "ada"): has the same token as entry [0]',
      'tokens.json entry [3] (subject "sam"): has the same token as entry [1]',
    ]);
  });

  it('lists every problem of the file at once', () => {
    const problems = problemsOfEntries([{ subject: 'kim', roles: [] }, { token: 'ok-token', subject: 'eva', roles: ['evaluator'] }, 7]);
    expect(problems).toEqual([
      'tokens.json entry [0] (subject "kim"): needs token or tokenSha256',
      'tokens.json entry [0] (subject "kim"): roles must be a non-empty array of official, evaluator, auditor, subscriber, admin',
      'tokens.json entry [2]: must be an object {token or tokenSha256, subject, roles}',
    ]);
  });

  it('says which file it cannot read', () => {
    expect(() => readTokensFile('/nonexistent/tokens.json', 'AUTH_TOKENS_FILE /nonexistent/tokens.json')).toThrow(
      /AUTH_TOKENS_FILE \/nonexistent\/tokens\.json cannot be read \(ENOENT\)/,
    );
  });
});

describe('choosing the tokens file', () => {
  it('reads AUTH_TOKENS_FILE, in production too', () => {
    const dir = tempDir();
    const file = join(dir.path, 'tokens.json');
    writeFileSync(file, JSON.stringify([{ tokenSha256: hex('prod-secret'), subject: 'kim', roles: ['official'] }]));
    const tokens = loadAuthTokens({ authTokensFile: file, nodeEnv: 'production' }, silent);
    expect(tokens.match('prod-secret')?.actor.id).toBe('kim');
    expect(tokens.match('dev-admin-token')).toBeNull();
    dir.remove();
  });

  it('names AUTH_TOKENS_FILE in its refusals', () => {
    const dir = tempDir();
    const file = join(dir.path, 'tokens.json');
    writeFileSync(file, '[]');
    expect(() => loadAuthTokens({ authTokensFile: file, nodeEnv: 'development' }, silent)).toThrow(`AUTH_TOKENS_FILE ${file} holds no tokens`);
    dir.remove();
  });

  it('falls back to the development tokens of the repository, loudly', () => {
    const warnings: string[] = [];
    const tokens = loadAuthTokens({ authTokensFile: null, nodeEnv: 'development' }, { ...silent, warn: (message: string) => warnings.push(message) });
    expect(DEV_TOKENS_FILE).toMatch(/config[/\\]dev-tokens\.json$/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('AUTH_TOKENS_FILE is not set');
    expect(warnings[0]).toContain(DEV_TOKENS_FILE);
    expect(tokens.match('dev-official-token')?.actor).toEqual({ id: 'kim.official', roles: ['official'] });
  });

  it('holds one development token per role, and one with two roles', () => {
    const tokens = loadAuthTokens({ authTokensFile: null, nodeEnv: 'test' }, silent);
    for (const role of ['official', 'evaluator', 'auditor', 'subscriber', 'admin']) {
      expect(tokens.match(`dev-${role}-token`)?.actor.roles).toEqual([role]);
    }
    expect(tokens.match('dev-chair-token')?.actor.roles).toHaveLength(2);
  });

  it('refuses to start in production without AUTH_TOKENS_FILE', () => {
    expect(() => loadAuthTokens({ authTokensFile: null, nodeEnv: 'production' }, silent)).toThrow(ConfigError);
    expect(() => loadAuthTokens({ authTokensFile: null, nodeEnv: 'production' }, silent)).toThrow(/AUTH_TOKENS_FILE must be set when NODE_ENV=production/);
  });
});
