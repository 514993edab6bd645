// Hostile provider, bad-pid: an id_token whose pid fails the mod-11 check.
// The id_token is valid in every way except its pid: eleven digits whose second control digit is wrong, so
// not a Norwegian national identity number. The broker must not map it to nin, idpId or dateOfBirth; nothing
// from the token reaches the subject, and the number reaches neither the session nor the log.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: bad-pid', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('bad-pid');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_provider_response, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_provider_response', /pid .*control digit/);
  });
});
