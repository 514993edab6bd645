// Provider failures are told apart by openid-client's classes and codes. The rule that matters most: a
// programming error (a plain TypeError, a bad argument) is rethrown, never recorded as the provider's fault.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { classifyProviderError, isNetworkFailure } from '../../src/domain/providers/oidc-eid/classify.ts';

/** As openid-client builds its own (its constructor takes the code; its type declarations omit it). */
const clientError = (message: string, code: string, cause?: unknown) => new oidc.ClientError(message, { cause, code } as ErrorOptions);

const networkError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });

describe('classifyProviderError', () => {
  it('a socket failure under fetch is provider_unavailable', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'UND_ERR_SOCKET', 'ECONNABORTED']) {
      assert.ok(isNetworkFailure(networkError(code)), code);
      const o = classifyProviderError(networkError(code));
      assert.equal(o.kind === 'error' && o.code, 'provider_unavailable', code);
    }
  });

  it('a TLS failure under fetch (an expired or mismatched certificate) is provider_unavailable', () => {
    const o = classifyProviderError(networkError('CERT_HAS_EXPIRED'));
    assert.equal(o.kind === 'error' && o.code, 'provider_unavailable');
    assert.match(o.kind === 'error' ? o.detail : '', /CERT_HAS_EXPIRED/);
  });

  it('a 401 with WWW-Authenticate from the token endpoint (RFC 6749 §5.2 invalid_client) is provider_error', () => {
    const challenge = new oidc.WWWAuthenticateChallengeError('server responded with a challenge', {
      cause: [{ scheme: 'basic', parameters: { realm: 'idp' } }],
      response: new Response('{"error":"invalid_client"}', { status: 401, headers: { 'www-authenticate': 'Basic realm="idp"' } }),
    } as ConstructorParameters<typeof oidc.WWWAuthenticateChallengeError>[1]);
    const o = classifyProviderError(challenge);
    assert.equal(o.kind === 'error' && o.code, 'provider_error');
    assert.match(o.kind === 'error' ? o.detail : '', /HTTP 401/);
  });

  it("openid-client's wrapper for what it does not recognise (no code) is rethrown as ours", () => {
    const unknown = new oidc.ClientError('something went wrong', { cause: new Error('inside customFetch') });
    assert.throws(
      () => classifyProviderError(unknown),
      (e) => e === unknown,
    );
  });

  it('a plain TypeError (our bug) is rethrown, not blamed on the provider', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'kid')");
    assert.throws(
      () => classifyProviderError(bug),
      (e) => e === bug,
    );
    const argument = new TypeError('The "key" argument must be of type CryptoKey');
    assert.throws(
      () => classifyProviderError(argument),
      (e) => e === argument,
      "only fetch's own 'fetch failed' is a network failure",
    );
    const other = new RangeError('bad');
    assert.throws(
      () => classifyProviderError(other),
      (e) => e === other,
    );
  });

  it("openid-client's timeout is provider_unavailable; a failed check is invalid_provider_response", () => {
    const timeout = clientError('operation timed out', 'OAUTH_TIMEOUT');
    const t = classifyProviderError(timeout);
    assert.equal(t.kind === 'error' && t.code, 'provider_unavailable');
    const check = clientError(
      'unexpected JWT claim value encountered',
      'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
      new Error('unexpected JWT "aud" (audience) claim value'),
    );
    const c = classifyProviderError(check);
    assert.equal(c.kind === 'error' && c.code, 'invalid_provider_response');
    assert.match(c.kind === 'error' ? c.detail : '', /OAUTH_JWT_CLAIM_COMPARISON_FAILED.*audience/);
  });

  it('a 5xx without an OAuth body is provider_unavailable; another status is invalid_provider_response', () => {
    const at = (status: number) =>
      classifyProviderError(
        clientError('unexpected HTTP response status code', 'OAUTH_RESPONSE_IS_NOT_CONFORM', new Response('<html>', { status })),
      );
    const five = at(502);
    assert.equal(five.kind === 'error' && five.code, 'provider_unavailable');
    const three = at(302);
    assert.equal(three.kind === 'error' && three.code, 'invalid_provider_response');
  });
});
