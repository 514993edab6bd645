// Hostile provider, token-500: a token endpoint that answers 500 with an HTML page.
// The token endpoint answers HTTP 500 with an HTML error page. That is the provider failing, the HTTP twin of
// error=server_error from the authorization endpoint (which the broker reports as provider_error), not the
// provider sending something invalid: the relying party should see provider_error, a condition to retry or
// report to the provider, not invalid_provider_response, which reads as a security rejection.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: token-500', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('token-500');
  });
  after(() => h.close());

  it('ends the session in ERROR provider_error, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'provider_error');
  });
});
