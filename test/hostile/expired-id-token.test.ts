// Hostile provider, expired-id-token: an id_token that expired an hour ago.
// The id_token was issued an hour ago and expired 58 minutes ago (exp in the past, OIDC Core 3.1.3.7 step 9);
// openid-client's conformance module invalid-expired-exp. Everything else about the token is right.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: expired-id-token', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('expired-id-token');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_JWT_TIMESTAMP_CHECK_FAILED/);
  });
});
