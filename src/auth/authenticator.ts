import { sha256, type AuthTokens, type TokenMatch } from './auth-tokens.js';
import { OidcVerifier } from './oidc.js';

/**
 * Who a request's bearer token stands for: a token of the tokens file (service accounts, subscribers; matched in
 * constant time), else, with single sign-on configured, a JWT of the identity provider. Worked out once per request
 * (the rate limit and the roles both ask); synchronous for the file's tokens, which most requests carry.
 */
export class Authenticator {
  private readonly byRequest = new WeakMap<object, TokenMatch | null | Promise<TokenMatch | null>>();

  constructor(
    readonly tokens: AuthTokens,
    private readonly oidc: OidcVerifier | null,
  ) {}

  authenticate(request: { headers: Record<string, string | string[] | undefined> }): TokenMatch | null | Promise<TokenMatch | null> {
    const cached = this.byRequest.get(request);
    if (cached !== undefined) return cached;
    const token = bearerToken(request.headers.authorization);
    const fromFile = token === null ? null : this.tokens.match(token);
    const result = fromFile ?? (token !== null && this.oidc && OidcVerifier.looksLikeJwt(token) ? this.fromProvider(token) : null);
    this.byRequest.set(request, result);
    return result;
  }

  private async fromProvider(token: string): Promise<TokenMatch | null> {
    const actor = await this.oidc!.verify(token);
    // The rate limit's budget follows the person, whichever of their tokens they present.
    return actor && { key: `oidc:${sha256(actor.id).toString('hex')}`, actor };
  }
}

export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match ? match[1]! : null;
}
