// Hostile provider, wrong-iss-param: an authorization response whose iss parameter is another issuer.
// The authorization response's iss parameter names another issuer (RFC 9207 section 2.4): the mix-up attack
// the parameter exists to stop.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: wrong-iss-param', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('wrong-iss-param');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_INVALID_RESPONSE/);
  });
});
