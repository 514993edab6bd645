// Access tokens for the REST API: client_credentials JWTs (RFC 9068 shape) carrying account_id, as
// Signicat's SDK expects. Signing and validation are jose's; this file only chooses the claims.
import { CompactSign, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { errors, isAppError } from '../errors/index.ts';
import type { ApiClient } from '../store/index.ts';
import type { Clock } from './clock.ts';
import { ExpiringCache } from '../shared/cache.ts';
import { ACCESS_TOKEN_ALG, type KeyRing } from './keys.ts';

export const API_SCOPE = 'signicat-api';
const CLOCK_TOLERANCE_SECONDS = 5;

export interface AccessTokenClaims {
  clientId: string;
  accountId: string;
  scope: string[];
  permissions: string[];
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export class AccessTokens {
  readonly #keys: KeyRing;
  readonly #issuer: string;
  readonly #clock: Clock;

  /** Tokens already verified, until they expire (at most a minute): a bearer is verified once per process. */
  readonly #verified = new ExpiringCache<AccessTokenClaims & { exp: number }>({ ttlMs: 60_000, max: 20_000 });

  constructor(keys: KeyRing, issuer: string, clock: Clock) {
    this.#keys = keys;
    this.#issuer = issuer;
    this.#clock = clock;
  }

  get issuer(): string {
    return this.#issuer;
  }

  /** Checks the requested scope (RFC 6749 §3.3): absent means the default, anything else must be ours. */
  static grantedScope(requested: string | undefined): string {
    if (requested === undefined || requested.trim() === '') return API_SCOPE;
    const asked = requested.split(' ').filter(Boolean);
    const unknown = asked.filter((s) => s !== API_SCOPE);
    if (unknown.length > 0) throw errors.invalidScope(`Unknown scope: ${unknown.join(' ')}. The only scope is ${API_SCOPE}.`);
    return API_SCOPE;
  }

  async issue(client: ApiClient, scope: string): Promise<TokenResponse> {
    const now = Math.floor(this.#clock.now().getTime() / 1000);
    const { kid, key } = await this.#keys.signingKey();
    // jose's CompactSign over claims we build ourselves: SignJWT would deep-copy and re-check them on every
    // call, which the token endpoint's profile showed (structuredClone and claim builders, ~6 % of a request).
    const claims = {
      iss: this.#issuer,
      sub: client.clientId,
      aud: API_SCOPE,
      iat: now,
      exp: now + client.tokenLifetime,
      jti: randomUUID(),
      scope,
      client_id: client.clientId,
      account_id: client.accountId,
      permissions: client.permissions,
    };
    const token = await new CompactSign(Buffer.from(JSON.stringify(claims)))
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid, typ: 'at+jwt' })
      .sign(key);
    return { access_token: token, token_type: 'Bearer', expires_in: client.tokenLifetime, scope };
  }

  /** Validates a bearer token; every failure is invalid_token (401) with a reason a developer can act on. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const cached = this.#verified.get(token);
    if (cached && cached.exp + CLOCK_TOLERANCE_SECONDS > this.#clock.now().getTime() / 1000) return cached;
    const claims = await this.#verifyFully(token);
    return claims;
  }

  async #verifyFully(token: string): Promise<AccessTokenClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header) => {
          const key = await this.#keys.verificationKey(header.kid);
          if (!key) throw errors.invalidToken('The token was not signed by a key of this broker.');
          return key;
        },
        {
          issuer: this.#issuer,
          audience: API_SCOPE,
          algorithms: [ACCESS_TOKEN_ALG],
          typ: 'at+jwt',
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: this.#clock.now(),
          requiredClaims: ['exp', 'iat', 'sub'],
        },
      ));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw errors.invalidToken('The access token has expired.');
      if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw errors.invalidToken('The access token signature is not valid.');
      if (e instanceof joseErrors.JWTClaimValidationFailed) throw errors.invalidToken(`The access token is not valid here (${e.claim}).`);
      if (isAppError(e)) throw e;
      throw errors.invalidToken('The access token is malformed or not valid.');
    }
    const scope = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scope.includes(API_SCOPE)) throw errors.invalidToken(`The access token does not carry the ${API_SCOPE} scope.`);
    const accountId = payload.account_id;
    const clientId = payload.client_id;
    if (typeof accountId !== 'string' || typeof clientId !== 'string')
      throw errors.invalidToken('The access token lacks account_id or client_id.');
    const permissions = Array.isArray(payload.permissions) ? payload.permissions.filter((p): p is string => typeof p === 'string') : [];
    const claims = { clientId, accountId, scope, permissions };
    this.#verified.set(token, { ...claims, exp: payload.exp ?? 0 });
    return claims;
  }
}
