// Hostile provider, alg-none: an unsigned id_token (alg none).
// The id_token has alg none and no signature (openid-client's conformance module idtoken-sig-none). The
// broker registers RS256 as the only id_token alg; an unsigned token must never be accepted.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: alg-none', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('alg-none');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_INVALID_RESPONSE/);
  });
});
