// Hostile provider, missing-iss-param: an authorization response without iss from a provider that promises one.
// The discovery metadata says authorization_response_iss_parameter_supported: true, and the authorization
// response has no iss (RFC 9207 section 2.4: the client must then reject it). Dropping the parameter must not
// be a way around the mix-up check.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: missing-iss-param', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('missing-iss-param');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_INVALID_RESPONSE/);
  });
});
