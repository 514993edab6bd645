// Hostile provider, bad-signature: an id_token signed with a key that is not the provider's (under the provider's kid).
// The provider signs the id_token with a key of its own making but names its real key's kid: the signature
// does not verify against the JWKS. openid-client skips the signature for token-endpoint id_tokens unless
// enableNonRepudiationChecks is on (the broker turns it on); this case is what fails if that line goes.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: bad-signature', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('bad-signature');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_INVALID_RESPONSE/);
  });
});
