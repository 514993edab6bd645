// Hostile provider, state-mismatch: an authorization response whose state belongs to no journey.
// The authorization response comes back with a state this journey did not send. The browser's journey with
// this provider ends in ERROR (invalid_callback) instead of waiting until the session expires.
import { after, before, describe, it } from 'node:test';
import { assertRejected, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: state-mismatch', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('state-mismatch');
  });
  after(() => h.close());

  it('ends the session in ERROR invalid_callback, with no subject, on the error callback', async () => {
    const j = await journey(h);
    await assertRejected(h, j, 'invalid_callback', /state/);
  });
});
