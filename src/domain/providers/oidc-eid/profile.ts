// What makes one OpenID Connect eID differ from another, for the one relying party in ./adapter.ts: the
// scopes it asks for, the authorization parameters it adds (acr_values, login_hint), how the provider's acr
// reads as a level of assurance, and how its id_token claims become Signicat's subject attributes. A profile
// is data and pure functions: the protocol (PKCE, state, nonce, PAR, iss, id_token checks) stays the adapter's.
import type { IDToken } from 'openid-client';
import type { Loa } from '../../../model/session.ts';
import type { Nin } from '../../../model/attributes.ts';
import { checkNin } from '../../../nin.ts';
import type { ProviderOutcome } from '../adapter.ts';

export interface AuthorizationInput {
  /** The lowest level the session accepts (requestedLoa, substantial when absent). */
  requestedLoa: Loa;
  /** The session's additionalParameters of this provider (keys `<provider id>_…`), checked at create. */
  parameters: Readonly<Record<string, string>>;
}

export interface OidcEidProfile {
  /** The scope of the authorization request. */
  readonly scope: string;
  /** The algorithm the provider signs id_tokens with (RS256 when absent). */
  readonly idTokenAlg?: string;
  /** acr_values, login_hint and the like for one authorization request. */
  authorizationParams(input: AuthorizationInput): Record<string, string>;
  /** The level an acr stands for; undefined for a value this provider does not send. */
  loaOfAcr(acr: unknown): Loa | undefined;
  /** Validated id_token claims → the person's attributes (or invalid_provider_response). */
  mapClaims(claims: IDToken, loa: Loa): ProviderOutcome;
}

/** A claim that is a non-empty string, or undefined. */
export const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The claims a provider always sends, checked before any is mapped: a token without one is not what the
 * provider issues, so the login fails (invalid_provider_response) rather than succeed with a thinner subject.
 */
export function lacksClaims(claims: IDToken, required: readonly string[], provider: string): ProviderOutcome | undefined {
  const present = (v: unknown) => (typeof v === 'string' ? v !== '' : Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null);
  const missing = required.filter((name) => !present(claims[name]));
  if (missing.length === 0) return undefined;
  return {
    kind: 'error',
    code: 'invalid_provider_response',
    detail: `The id_token lacks ${missing.join(', ')}, which ${provider} always sends.`,
  };
}

/**
 * A claim that carries a Norwegian national identity number, read as Signicat's nin with the birth date it
 * encodes; a number that fails the mod-11 rules ends the login (invalid_provider_response), naming the claim.
 */
export function readNin(value: string, claim: string): { nin: Nin; dateOfBirth: string } | ProviderFailureOutcome {
  const check = checkNin(value);
  if (!check.valid) {
    return {
      kind: 'error',
      code: 'invalid_provider_response',
      detail: `The provider sent a ${claim} that is not a valid national identity number (${check.reason}).`,
    };
  }
  return { nin: { value, issuingCountry: 'NO', type: check.info.kind }, dateOfBirth: check.info.birthDate };
}

type ProviderFailureOutcome = Extract<ProviderOutcome, { kind: 'error' }>;
