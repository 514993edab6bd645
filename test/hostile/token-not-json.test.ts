// Hostile provider, token-not-json: a token endpoint that answers 200 with a body that is not JSON.
// The token endpoint answers 200, says application/json, and sends an HTML page: a success status with a
// body that is no token response at all.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: token-not-json', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('token-not-json');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /OAUTH_PARSE_ERROR/);
  });
});
