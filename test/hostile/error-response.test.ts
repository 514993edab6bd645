// Hostile provider, error-response: an authorization response with error=server_error.
// The authorization endpoint answers error=server_error (with the right state and iss). Anything but
// access_denied is the provider failing: ERROR provider_error, not ABORT.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: error-response', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('error-response');
  });
  after(() => h.close());

  it('ends the session in ERROR provider_error, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'provider_error', /server_error/);
  });
});
