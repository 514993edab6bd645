// An OpenID Connect eID (ID-porten, Ansattporten, Norwegian BankID) as a relying party built on
// openid-client: discovery, PKCE S256, state and nonce, PAR when configured, the iss check of RFC 9207 and
// id_token validation are the library's. This file adds the checks the library leaves to us (the achieved
// level, iat not in the future); what differs per eID (scope, acr_values, login_hint, acr → level, claims
// → attributes) is the provider's profile (./profile.ts).
import { createHash } from 'node:crypto';
import { decodeProtectedHeader, importJWK, type JWK } from 'jose';
import * as oidc from 'openid-client';
import type { Clock } from '../../clock.ts';
import { isLoopbackHost } from '../../../shared/url.ts';
import { LOA_ORDER } from '../../../model/session.ts';
import type { ProviderConfig } from '../configs.ts';
import { ProviderFailure, type ProviderOutcome, type RedirectAdapter, type StartInput } from '../adapter.ts';
import { classifyProviderError } from './classify.ts';
import type { OidcEidProfile } from './profile.ts';

/** What the callback needs from the start, sealed in the session between the two. */
export interface OidcJourney {
  verifier: string;
  nonce: string;
  state: string;
  redirectUri: string;
}

const JOURNEY_KEYS = ['verifier', 'nonce', 'state', 'redirectUri'] as const;

export function parseOidcJourney(value: unknown): OidcJourney | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  for (const k of JOURNEY_KEYS) if (typeof v[k] !== 'string') return null;
  return { verifier: String(v.verifier), nonce: String(v.nonce), state: String(v.state), redirectUri: String(v.redirectUri) };
}

const UI_LOCALES = new Set(['nb', 'nn', 'en', 'se']);
const uiLocale = (language: string | undefined) => {
  const l = (language ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  if (l === 'no') return 'nb';
  return UI_LOCALES.has(l) ? l : 'en';
};

/** Seconds an id_token's iat may lie ahead of our clock (clock skew between us and the provider). */
export const IAT_SKEW_SECONDS = 60;
const DISCOVERY_TTL_MS = 86_400_000;

export class OidcEidAdapter implements RedirectAdapter<OidcJourney> {
  readonly kind = 'redirect';
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  readonly #profile: OidcEidProfile;
  readonly #configs = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();
  /** The provider's signing keys as last fetched, per issuer and client. */
  readonly #jwks = new Map<string, oidc.ExportedJWKSCache>();

  constructor(deps: { timeoutMs: number; clock: Clock }, profile: OidcEidProfile) {
    this.#timeoutMs = deps.timeoutMs;
    this.#clock = deps.clock;
    this.#profile = profile;
  }

  parseJourney(value: unknown): OidcJourney | null {
    return parseOidcJourney(value);
  }

  /**
   * Discovery results are cached for a day (Digdir's advice), per issuer and client. The signing keys are
   * not tied to that: see #loginConfiguration.
   */
  async #configuration(c: ProviderConfig): Promise<oidc.Configuration> {
    const key = this.#keyOf(c);
    const now = this.#clock.now().getTime();
    const hit = this.#configs.get(key);
    if (hit && now - hit.at < DISCOVERY_TTL_MS) return hit.config;
    const config = this.#discover(c);
    this.#configs.set(key, { at: now, config });
    config.catch(() => this.#configs.delete(key));
    return config;
  }

  #keyOf(c: ProviderConfig): string {
    return createHash('sha256')
      .update(JSON.stringify([c.issuer, c.clientId, c.clientAuth, c.clientSecret, c.privateKeyJwk?.kid, c.privateKeyJwk?.n]))
      .digest('base64url');
  }

  async #clientAuth(c: ProviderConfig): Promise<oidc.ClientAuth> {
    if (c.clientAuth === 'private_key_jwt') {
      if (!c.privateKeyJwk) throw misconfigured(`${c.providerId} uses private_key_jwt but has no private key`);
      const jwk: JWK = c.privateKeyJwk;
      const key = await importJWK(jwk, jwk.alg ?? 'RS256');
      if (!(key instanceof CryptoKey)) throw misconfigured(`${c.providerId}'s private key is not an asymmetric key`);
      return oidc.PrivateKeyJwt({ key, kid: jwk.kid });
    }
    if (!c.clientSecret) throw misconfigured(`${c.providerId} uses ${c.clientAuth} but has no client secret`);
    return c.clientAuth === 'client_secret_post' ? oidc.ClientSecretPost(c.clientSecret) : oidc.ClientSecretBasic(c.clientSecret);
  }

  async #discover(c: ProviderConfig): Promise<oidc.Configuration> {
    const auth = await this.#clientAuth(c);
    const config = await oidc.discovery(new URL(c.issuer), c.clientId, this.#clientMetadata(), auth, {
      execute: this.#execute(c),
      timeout: Math.ceil(this.#timeoutMs / 1000),
    });
    this.#setUp(config);
    return config;
  }

  #clientMetadata(): Partial<oidc.ClientMetadata> {
    return { id_token_signed_response_alg: this.#profile.idTokenAlg ?? 'RS256' };
  }

  /** Plain http is allowed only for a provider on this machine (the built-in simulator, tests). */
  #execute(c: ProviderConfig): ((config: oidc.Configuration) => void)[] {
    const issuer = new URL(c.issuer);
    return issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname) ? [oidc.allowInsecureRequests] : [];
  }

  #setUp(config: oidc.Configuration, onResponse?: (url: string, res: Response) => Promise<void>): void {
    const timeout = Math.ceil(this.#timeoutMs / 1000);
    config.timeout = timeout;
    // openid-client skips the id_token signature for tokens straight from the token endpoint (OIDC Core
    // 3.1.3.7 permits it over TLS); we verify it anyway, against the provider's JWKS.
    oidc.enableNonRepudiationChecks(config);
    const ms = this.#timeoutMs;
    config[oidc.customFetch] = async (url, options) => {
      const res = await fetch(url, { ...options, signal: AbortSignal.timeout(ms) } as RequestInit);
      if (onResponse) await onResponse(url, res);
      return res;
    };
  }

  /**
   * The configuration one code exchange runs on: the cached discovery, with the provider's signing keys
   * (JWKS) from the last exchange while they are fresh (openid-client's five minutes). openid-client looks the
   * keys up again on an unknown kid only when its copy is a minute old, which would fail every login in the
   * minute after a provider rotates its key; so each exchange gets a configuration of its own, and when the
   * id_token names a kid the copy lacks, that exchange fetches the JWKS anew before checking the signature.
   * A kid the provider does not publish at all still fails (invalid_provider_response).
   */
  async #loginConfiguration(c: ProviderConfig): Promise<{ config: oidc.Configuration; keep: () => void }> {
    const base = await this.#configuration(c);
    const key = this.#keyOf(c);
    const config = new oidc.Configuration(base.serverMetadata(), c.clientId, this.#clientMetadata(), await this.#clientAuth(c));
    for (const f of this.#execute(c)) f(config);
    const known = this.#jwks.get(key);
    if (known) oidc.setJwksCache(config, known);
    const tokenEndpoint = base.serverMetadata().token_endpoint;
    this.#setUp(config, async (url, res) => {
      if (url !== tokenEndpoint || !known || !res.ok) return;
      const kid = await idTokenKid(res.clone());
      if (kid !== undefined && !known.jwks.keys.some((k) => k.kid === kid)) oidc.setJwksCache(config, { jwks: { keys: [] }, uat: 0 });
    });
    return {
      config,
      keep: () => {
        const now = oidc.getJwksCache(config);
        if (now) this.#jwks.set(key, now);
      },
    };
  }

  /** The provider's configuration, or the classified reason it cannot be had (bugs are rethrown). */
  async #configurationOrFailure<T>(c: ProviderConfig, get: (c: ProviderConfig) => Promise<T>): Promise<T | ProviderOutcome> {
    try {
      return await get(c);
    } catch (e) {
      if (e instanceof ProviderFailure) return { kind: 'error', code: e.code, detail: e.message };
      return classifyProviderError(e);
    }
  }

  async start(input: StartInput): Promise<{ redirectUrl: string; state: string; journey: OidcJourney }> {
    const config = await this.#configurationOrFailure(input.config, (c) => this.#configuration(c));
    if (!(config instanceof oidc.Configuration)) {
      throw new ProviderFailure(config.kind === 'error' ? config.code : 'provider_unavailable', describeOutcome(config));
    }
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const params: Record<string, string> = {
      ...this.#profile.authorizationParams({ requestedLoa: input.requestedLoa ?? 'substantial', parameters: input.parameters }),
      redirect_uri: input.redirectUri,
      scope: this.#profile.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ui_locales: uiLocale(input.language),
    };
    let url: URL;
    try {
      url = input.config.par ? await oidc.buildAuthorizationUrlWithPAR(config, params) : oidc.buildAuthorizationUrl(config, params);
    } catch (e) {
      const outcome = classifyProviderError(e);
      throw new ProviderFailure(outcome.kind === 'error' ? outcome.code : 'provider_error', describeOutcome(outcome), { cause: e });
    }
    return { redirectUrl: url.href, state, journey: { verifier, nonce, state, redirectUri: input.redirectUri } };
  }

  async finish(input: {
    config: ProviderConfig;
    journey: OidcJourney;
    callbackUrl: URL;
    requestedLoa: StartInput['requestedLoa'];
  }): Promise<ProviderOutcome> {
    const params = input.callbackUrl.searchParams;
    const error = params.get('error');
    if (error === 'access_denied') return { kind: 'abort' };
    const login = await this.#configurationOrFailure(input.config, (c) => this.#loginConfiguration(c));
    if ('kind' in login) return login;
    const { config } = login;
    if (error) {
      // The iss check still applies to error responses (RFC 9207), so a mixed-up provider cannot abort us.
      const iss = params.get('iss');
      if (iss !== null && iss !== config.serverMetadata().issuer) {
        return { kind: 'error', code: 'invalid_provider_response', detail: 'The error response came from another issuer.' };
      }
      const description = params.get('error_description');
      return {
        kind: 'error',
        code: 'provider_error',
        detail: `The identity provider answered ${error}${description ? `: ${description}` : ''}.`,
      };
    }
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, input.callbackUrl, {
        pkceCodeVerifier: input.journey.verifier,
        expectedState: input.journey.state,
        expectedNonce: input.journey.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
      login.keep();
    } catch (e) {
      return classifyProviderError(e);
    }
    if (!claims) return { kind: 'error', code: 'invalid_provider_response', detail: 'No id_token in the token response.' };
    return this.#checkClaims(claims, input.requestedLoa);
  }

  /** The checks openid-client leaves to the relying party, then the mapping. */
  #checkClaims(claims: oidc.IDToken, requestedLoa: StartInput['requestedLoa']): ProviderOutcome {
    // OIDC Core 3.1.3.7 (10): iat must not be in the future beyond clock skew; openid-client accepts it.
    const now = Math.floor(this.#clock.now().getTime() / 1000);
    if (typeof claims.iat !== 'number' || claims.iat > now + IAT_SKEW_SECONDS) {
      return { kind: 'error', code: 'invalid_provider_response', detail: 'The id_token was issued in the future (iat).' };
    }
    // The achieved level (acr) must meet the requested one.
    const loa = this.#profile.loaOfAcr(claims.acr);
    const wanted = requestedLoa ?? 'substantial';
    if (!loa || LOA_ORDER[loa] < LOA_ORDER[wanted]) {
      return {
        kind: 'error',
        code: 'loa_too_low',
        detail: `The person authenticated at ${String(claims.acr ?? 'no level')}, below the requested ${wanted}.`,
      };
    }
    return this.#profile.mapClaims(claims, loa);
  }
}

/** The kid in the header of a token response's id_token, if it has one. */
async function idTokenKid(res: Response): Promise<string | undefined> {
  try {
    const body = (await res.json()) as { id_token?: unknown };
    return typeof body.id_token === 'string' ? decodeProtectedHeader(body.id_token).kid : undefined;
  } catch {
    return undefined; // not JSON, no JWT: openid-client refuses the response itself
  }
}

/** The operator's configuration cannot work (an override without a secret, say): "unavailable", logged. */
const misconfigured = (detail: string) =>
  new ProviderFailure('provider_unavailable', `The provider is not configured completely: ${detail}.`);

const describeOutcome = (o: ProviderOutcome): string => (o.kind === 'error' ? o.detail : o.kind);
