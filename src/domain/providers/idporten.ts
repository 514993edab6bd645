// ID-porten (and Ansattporten, which speaks the same protocol) as an OpenID Connect relying party built on
// openid-client: discovery, PKCE S256, state and nonce, PAR when configured, the iss check of RFC 9207 and
// id_token validation are the library's. This file chooses parameters, checks the level and maps claims.
import * as oidc from 'openid-client';
import { createHash } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { checkNin } from '../../nin.ts';
import type { IdentityAttributes, Loa } from '../sessions/attributes.ts';
import { LOA_ORDER } from '../sessions/attributes.ts';
import type { ProviderConfig } from './configs.ts';
import type { FinishInput, FinishOutput, ProviderAdapter, StartInput, StartOutput } from './provider.ts';

const ACR_FOR: Record<Loa, string> = {
  low: 'idporten-loa-substantial',
  substantial: 'idporten-loa-substantial',
  high: 'idporten-loa-high',
};
/** Digdir: validate acr by its suffix; future levels keep -substantial / -high. */
export function loaOfAcr(acr: unknown): Loa | undefined {
  if (typeof acr !== 'string') return undefined;
  if (acr.endsWith('-high')) return 'high';
  if (acr.endsWith('-substantial')) return 'substantial';
  if (acr.endsWith('-low')) return 'low';
  return undefined;
}

/** ID-porten's amr values → the idportenIdp names Signicat reports (MinID, BankID, …). */
export function idpOfAmr(amr: unknown): string | undefined {
  const first = Array.isArray(amr) ? amr[0] : amr;
  if (typeof first !== 'string') return undefined;
  if (first.toLowerCase().startsWith('minid')) return 'MinID';
  if (first.toLowerCase().startsWith('bankid')) return 'BankID';
  return first;
}

const UI_LOCALES = new Set(['nb', 'nn', 'en', 'se']);
const uiLocale = (language: string | undefined) => {
  const l = (language ?? '').toLowerCase();
  if (l === 'no') return 'nb';
  return UI_LOCALES.has(l) ? l : 'en';
};

const isLoopback = (u: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);

export class OidcEidAdapter implements ProviderAdapter {
  readonly id: string;
  readonly label: string;
  readonly #timeoutMs: number;
  readonly #configs = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  constructor(id: string, label: string, timeoutMs: number) {
    this.id = id;
    this.label = label;
    this.#timeoutMs = timeoutMs;
  }

  /** Discovery results are cached for a day (Digdir's advice); openid-client refetches JWKS on a new kid. */
  async #configuration(c: ProviderConfig): Promise<oidc.Configuration> {
    const key = createHash('sha256')
      .update(JSON.stringify([c.issuer, c.clientId, c.clientAuth, c.clientSecret, c.privateKeyJwk?.kid, c.privateKeyJwk?.n]))
      .digest('base64url');
    const hit = this.#configs.get(key);
    if (hit && Date.now() - hit.at < 86_400_000) return hit.config;
    const config = this.#discover(c);
    this.#configs.set(key, { at: Date.now(), config });
    config.catch(() => this.#configs.delete(key));
    return config;
  }

  async #discover(c: ProviderConfig): Promise<oidc.Configuration> {
    const issuer = new URL(c.issuer);
    let auth: oidc.ClientAuth;
    if (c.clientAuth === 'private_key_jwt') {
      const jwk = c.privateKeyJwk as JWK;
      const key = (await importJWK(jwk, jwk.alg ?? 'RS256')) as CryptoKey;
      auth = oidc.PrivateKeyJwt({ key, kid: jwk.kid });
    } else if (c.clientAuth === 'client_secret_post') {
      auth = oidc.ClientSecretPost(c.clientSecret!);
    } else {
      auth = oidc.ClientSecretBasic(c.clientSecret!);
    }
    // Plain http is allowed only for a provider on this machine (the built-in simulator, tests).
    const execute = issuer.protocol === 'http:' && isLoopback(issuer) ? [oidc.allowInsecureRequests] : [];
    const timeout = Math.ceil(this.#timeoutMs / 1000);
    const config = await oidc.discovery(issuer, c.clientId, { id_token_signed_response_alg: 'RS256' }, auth, { execute, timeout });
    config.timeout = timeout;
    // openid-client skips the id_token signature for tokens straight from the token endpoint (OIDC Core
    // 3.1.3.7 permits it over TLS); we verify it anyway, against the provider's JWKS.
    oidc.enableNonRepudiationChecks(config);
    const ms = this.#timeoutMs;
    config[oidc.customFetch] = (url, options) => fetch(url, { ...options, signal: AbortSignal.timeout(ms) } as RequestInit);
    return config;
  }

  async start(input: StartInput): Promise<StartOutput> {
    const config = await this.#configuration(input.config);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const params: Record<string, string> = {
      redirect_uri: input.redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      acr_values: ACR_FOR[input.requestedLoa ?? 'substantial'],
      ui_locales: uiLocale(input.language),
    };
    const url = input.config.par ? await oidc.buildAuthorizationUrlWithPAR(config, params) : oidc.buildAuthorizationUrl(config, params);
    return { redirectUrl: url.toString(), state, journey: { verifier, nonce, state, redirectUri: input.redirectUri } };
  }

  async finish(input: FinishInput): Promise<FinishOutput> {
    const params = input.callbackUrl.searchParams;
    const error = params.get('error');
    if (error === 'access_denied') return { kind: 'abort' };
    let config: oidc.Configuration;
    try {
      config = await this.#configuration(input.config);
    } catch (e) {
      return { kind: 'error', code: 'provider_unavailable', detail: `The identity provider could not be reached (${describe(e)}).` };
    }
    if (error) {
      // The iss check still applies to error responses (RFC 9207), so a mixed-up provider cannot abort us.
      const iss = params.get('iss');
      if (iss !== null && iss !== config.serverMetadata().issuer)
        return { kind: 'error', code: 'invalid_provider_response', detail: 'The error response came from another issuer.' };
      return {
        kind: 'error',
        code: 'provider_error',
        detail: `The identity provider answered ${error}${params.get('error_description') ? `: ${params.get('error_description')}` : ''}.`,
      };
    }
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(config, input.callbackUrl, {
        pkceCodeVerifier: input.journey.verifier!,
        expectedState: input.journey.state!,
        expectedNonce: input.journey.nonce!,
        idTokenExpected: true,
      });
    } catch (e) {
      return classify(e);
    }
    const claims = tokens.claims();
    if (!claims) return { kind: 'error', code: 'invalid_provider_response', detail: 'No id_token in the token response.' };
    const loa = loaOfAcr(claims.acr);
    const wanted = input.requestedLoa ?? 'substantial';
    if (!loa || LOA_ORDER[loa] < LOA_ORDER[wanted]) {
      return {
        kind: 'error',
        code: 'loa_too_low',
        detail: `The person authenticated at ${String(claims.acr ?? 'no level')}, below the requested ${wanted}.`,
      };
    }
    return mapClaims(claims, loa);
  }
}

/** id_token claims → Signicat's subject attributes for ID-porten. */
export function mapClaims(claims: oidc.IDToken, loa: Loa): FinishOutput {
  const pid = typeof claims.pid === 'string' ? claims.pid : undefined;
  const attributes: IdentityAttributes = {
    idportenSub: claims.sub,
    idportenLoa: typeof claims.acr === 'string' ? claims.acr : undefined,
    idportenIdp: idpOfAmr(claims.amr),
  };
  if (pid) {
    const check = checkNin(pid);
    if (!check.valid)
      return {
        kind: 'error',
        code: 'invalid_provider_response',
        detail: `The provider sent a pid that is not a valid national identity number (${check.reason}).`,
      };
    attributes.nin = { value: pid, issuingCountry: 'NO', type: check.info.kind };
    attributes.idpId = pid;
    attributes.dateOfBirth = check.info.birthDate;
  }
  const given = typeof claims.given_name === 'string' ? claims.given_name : undefined;
  const family = typeof claims.family_name === 'string' ? claims.family_name : undefined;
  if (given) attributes.firstName = given;
  if (family) attributes.lastName = family;
  if (given || family) attributes.name = [given, family].filter(Boolean).join(' ');
  return { kind: 'success', attributes, loa, subjectKey: pid ?? `sub:${claims.sub}` };
}

function describe(e: unknown): string {
  const err = e as { name?: string; code?: string; message?: string; cause?: { name?: string } };
  return [err.code, err.message].filter(Boolean).join(': ') || String(e);
}

/** openid-client's errors → session error codes. Timeouts and network failures are the provider being down. */
function classify(e: unknown): FinishOutput {
  const err = e as { name?: string; code?: string; error?: string; message?: string; cause?: unknown };
  const causeName = (err.cause as { name?: string } | undefined)?.name;
  if (
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    causeName === 'TimeoutError' ||
    err.name === 'TypeError' ||
    err.code === 'OAUTH_TIMEOUT'
  ) {
    return { kind: 'error', code: 'provider_unavailable', detail: `The identity provider did not answer in time (${describe(e)}).` };
  }
  if (err.error) return { kind: 'error', code: 'provider_error', detail: `The token endpoint answered ${err.error}.` };
  return { kind: 'error', code: 'invalid_provider_response', detail: `The provider's response failed validation (${describe(e)}).` };
}
