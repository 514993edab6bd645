// Hostile provider, token-500: a token endpoint that answers 500 with an HTML page.
// The provider failing on its side: provider_unavailable, a condition to retry later (docs/errors.md), as
// for a timeout; not invalid_provider_response, which reads as a security rejection, and not
// provider_error, which is kept for the provider's own OAuth error answers (invalid_grant, server_error…).
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: token-500', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('token-500');
  });
  after(() => h.close());

  it('ends the session in ERROR provider_unavailable, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'provider_unavailable');
  });
});
