import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { OidcConfig } from '../config/app-config.js';
import { isRole, type Actor, type Role } from './actor.js';

/**
 * The asymmetric algorithms an identity provider signs with. Never `none`, never an HMAC: with an HMAC a token
 * "signed" with the provider's public key (which anyone can fetch) would pass.
 */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** A JWS compact serialisation: three base64url parts, the first a JSON object (`{"` is `eyJ`). */
const JWT_SHAPE = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;
const SUBJECT = /^[\x21-\x7e]{1,200}$/;

/** The identity provider could not be asked for its keys: no answer says whether the token is good. */
export class IdentityProviderUnavailableError extends Error {
  override readonly name = 'IdentityProviderUnavailableError';
}

/**
 * Bearer tokens from the ministry's identity provider (OIDC access or ID tokens as JWTs): signature by a key of the
 * provider's JWKS (fetched, cached, and fetched again for an unknown key id at most every 30 s), issuer, audience,
 * expiry and not-before (30 s of clock skew allowed). The actor is the subject claim; the roles come from the roles
 * claim through `OIDC_ROLE_MAP` (a Docket role's own name stands for itself).
 */
export class OidcVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: OidcConfig) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  }

  /** Whether a bearer token is a JWT at all (else it can only be a token of the tokens file). */
  static looksLikeJwt(token: string): boolean {
    return JWT_SHAPE.test(token);
  }

  /** The actor a valid token stands for; null for any token that is not valid (401); throws when the keys are out of reach. */
  async verify(token: string): Promise<Actor | null> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: ALGORITHMS,
        clockTolerance: 30,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      // By code, not class: the fetch's own TypeError may come from another realm (a test's VM context).
      const code = (error as { code?: unknown })?.code;
      const jose = typeof code === 'string' && (code.startsWith('ERR_JW') || code.startsWith('ERR_JOSE'));
      if (!jose || code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID') {
        throw new IdentityProviderUnavailableError(`the identity provider's keys (${this.config.jwksUrl}) could not be fetched: ${(error as Error)?.message ?? String(error)}`);
      }
      return null;
    }
    const subject = claim(payload, this.config.subjectClaim);
    if (typeof subject !== 'string' || !SUBJECT.test(subject)) return null;
    return { id: subject, roles: this.rolesOf(claim(payload, this.config.rolesClaim)) };
  }

  private rolesOf(value: unknown): Role[] {
    // A list of names, or one string of space-separated names (as OAuth's `scope` is written).
    const names = Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : typeof value === 'string' ? value.split(' ') : [];
    const roles = new Set<Role>();
    for (const name of names) {
      const role = this.config.roleMap.get(name) ?? (isRole(name) ? name : undefined);
      if (role) roles.add(role);
    }
    return [...roles];
  }
}

/** A claim by name; a dotted name reaches into nested objects (`realm_access.roles`), unless the dotted name is a claim itself. */
function claim(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
