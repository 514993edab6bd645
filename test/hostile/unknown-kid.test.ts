// Hostile provider, unknown-kid: an id_token signed with a key whose kid is not in the provider's JWKS.
// The id_token names a kid the JWKS does not have (the signing key is the attacker's own). openid-client
// refetches the JWKS once on an unknown kid; the key is still not there, so no key verifies the token.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: unknown-kid', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('unknown-kid');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_KEY_SELECTION_FAILED/);
  });
});
