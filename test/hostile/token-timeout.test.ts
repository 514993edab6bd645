// Hostile provider, token-timeout: a token endpoint that never answers.
// The token endpoint accepts the request and never answers. The broker's PROVIDER_TIMEOUT_MS (2 s here)
// bounds the wait: the login ends in ERROR provider_unavailable rather than hanging the browser.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: token-timeout', () => {
  let h: Hostile;
  before(async () => {
    // Short enough to keep the test quick, long enough that discovery and the JWKS fetch on a loaded
    // machine do not time out too (they share the bound): only the token request may.
    h = await startHostile('token-timeout', { PROVIDER_TIMEOUT_MS: '2000' });
  });
  after(() => h.close());

  it('ends the session in ERROR provider_unavailable, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'provider_unavailable', /did not answer in time/);
  });
});
