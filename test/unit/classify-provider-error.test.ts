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
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'UND_ERR_SOCKET']) {
      assert.ok(isNetworkFailure(networkError(code)), code);
      const o = classifyProviderError(networkError(code));
      assert.equal(o.kind === 'error' && o.code, 'provider_unavailable', code);
    }
  });

  it('a plain TypeError (our bug) is rethrown, not blamed on the provider', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'kid')");
    assert.throws(
      () => classifyProviderError(bug),
      (e) => e === bug,
    );
    const wrapped = Object.assign(new TypeError('fetch failed'), { cause: new Error('no code') });
    assert.throws(
      () => classifyProviderError(wrapped),
      (e) => e === wrapped,
      'a TypeError without a socket code is not a network failure',
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
