// Hostile provider, missing-nonce: an id_token without a nonce.
// The broker sent a nonce, the id_token has none (OIDC Core 3.1.3.7 step 11: if a nonce was sent, the claim
// must be present and equal). Without the check, a token from a login without a nonce could be replayed.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: missing-nonce', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('missing-nonce');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_INVALID_RESPONSE/);
  });
});
