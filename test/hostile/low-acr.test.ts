// Hostile provider, low-acr: an id_token at a lower level than the session requested.
// The session asks for high; the provider authenticates at substantial and says so in acr. The broker must
// not pass a lower level off as the one the relying party asked for.
import { it } from 'node:test';
import { assertRejected, forEachProvider, journey } from './support.ts';

forEachProvider('low-acr', (h) => {
  it('ends the session in ERROR loa_too_low, with no subject, on the error callback', async () => {
    const j = await journey(h(), 'high');
    await assertRejected(h(), j, 'loa_too_low', /below the requested high/);
  });
});
