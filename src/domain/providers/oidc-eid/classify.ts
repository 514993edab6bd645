// openid-client's errors → session error codes, by the library's classes and codes (never by error names):
// the provider answered with an OAuth error (provider_error), could not be reached or failed on its side
// (provider_unavailable), or sent something that fails validation (invalid_provider_response). Anything
// else is a bug in our code or configuration and is rethrown, so it is logged as one and never recorded
// as the provider's fault.
import * as oidc from 'openid-client';
import type { ProviderOutcome } from '../adapter.ts';

const codeOf = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

/**
 * fetch's own failure: undici rejects with TypeError('fetch failed') whatever went wrong on the way (DNS,
 * refused or reset connections, TLS: an expired or mismatched certificate), with the reason as its cause.
 * A TypeError with any other message is a bug.
 */
export function isNetworkFailure(e: unknown): boolean {
  return e instanceof TypeError && e.message === 'fetch failed';
}

const statusOf = (e: unknown): number | undefined => (e instanceof Response ? e.status : undefined);

const unavailable = (why: string): ProviderOutcome => ({ kind: 'error', code: 'provider_unavailable', detail: why });
const invalid = (why: string): ProviderOutcome => ({ kind: 'error', code: 'invalid_provider_response', detail: why });

export function classifyProviderError(e: unknown): ProviderOutcome {
  if (isNetworkFailure(e)) {
    const cause = e instanceof Error ? e.cause : undefined;
    return unavailable(
      `The identity provider could not be reached (${codeOf(cause) ?? (cause instanceof Error ? cause.message : 'network error')}).`,
    );
  }
  if (e instanceof oidc.ResponseBodyError) {
    // An OAuth error body (RFC 6749 §5.2); a 5xx with one is still the provider failing on its side.
    if (e.status >= 500) return unavailable(`The identity provider failed (${e.status} ${e.error}).`);
    return { kind: 'error', code: 'provider_error', detail: `The token endpoint answered ${e.error}.` };
  }
  if (e instanceof oidc.WWWAuthenticateChallengeError) {
    // A non-200 with WWW-Authenticate (RFC 6749 §5.2 sends one with invalid_client): the provider refused us.
    return {
      kind: 'error',
      code: 'provider_error',
      detail: `The provider refused the request (HTTP ${e.status}, ${e.cause[0]?.scheme ?? 'challenge'}).`,
    };
  }
  if (e instanceof oidc.AuthorizationResponseError) {
    return { kind: 'error', code: 'provider_error', detail: `The identity provider answered ${e.error}.` };
  }
  // openid-client wraps what it does not recognise as a ClientError without a code: that is not the
  // provider's answer but something in our process (a bug in customFetch, say), so it is rethrown.
  if (e instanceof oidc.ClientError && e.code !== undefined) {
    switch (e.code) {
      case 'OAUTH_TIMEOUT':
      case 'OAUTH_ABORT':
        return unavailable('The identity provider did not answer in time.');
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM': {
        const status = statusOf(e.cause);
        if (status !== undefined && status >= 500) return unavailable(`The identity provider failed (HTTP ${status}).`);
        return invalid(`The identity provider answered with an unexpected HTTP status${status ? ` (${status})` : ''}.`);
      }
      default:
        // The library's cause names the check that failed (a claim name, never its value).
        return invalid(
          `The provider's response failed validation (${e.code ?? 'client error'}: ${e.message}${e.cause instanceof Error ? `; ${e.cause.message}` : ''}).`,
        );
    }
  }
  throw e;
}
