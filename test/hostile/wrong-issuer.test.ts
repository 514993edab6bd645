// Hostile provider, wrong-issuer: an id_token whose iss is another issuer.
// The id_token's iss is https://evil.example, not the issuer the broker discovered (OIDC Core 3.1.3.7 step 2).
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: wrong-issuer', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('wrong-issuer');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_JWT_CLAIM_COMPARISON_FAILED/);
  });
});
