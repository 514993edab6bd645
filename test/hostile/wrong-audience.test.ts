// Hostile provider, wrong-audience: an id_token issued to another client.
// The id_token's aud is another client (OIDC Core 3.1.3.7 step 3): a token for someone else's login.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: wrong-audience', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('wrong-audience');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_JWT_CLAIM_COMPARISON_FAILED/);
  });
});
