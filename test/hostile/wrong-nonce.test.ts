// Hostile provider, wrong-nonce: an id_token whose nonce is not the one the broker sent.
// The id_token carries a nonce other than the one this journey sent (OIDC Core 3.1.3.7 step 11): a token
// minted for another authentication request, replayed into this one.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: wrong-nonce', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('wrong-nonce');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_JWT_CLAIM_COMPARISON_FAILED/);
  });
});
