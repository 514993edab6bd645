// Hostile provider, state-mismatch: an authorization response whose state belongs to no journey.
// The answer is not this journey's (forged, or mixed up by the provider), so it cannot finish it; and since
// anyone can send a browser to a callback URL with a made-up state, it must not end the login either (a
// cross-site link would otherwise fail someone's login in progress). The person sees a page that offers to
// try again or cancel; the session stays as it was, and nothing from the answer is stored.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertNoNin, type Hostile, journey, startHostile } from './support.ts';

describe('hostile provider: state-mismatch', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('state-mismatch');
  });
  after(() => h.close());

  it('leaves the login untouched and offers to try again or cancel', async () => {
    const { s, landed, session } = await journey(h);
    assert.equal(session.status, 'WAITING_FOR_USER', JSON.stringify(session));
    assert.equal(session.subject, undefined);
    assert.match(landed.body, /passet ikke med innloggingen din/);
    assert.ok(landed.body.includes(`href="/login/${s.id}"`), 'try again');
    assert.ok(landed.body.includes(`action="/login/${s.id}/abort"`), 'cancel');
    const row = await h.t.broker.store.sessions.get(s.id);
    assert.equal(row?.identityEnc, null, 'nothing from the answer is stored');
    assertNoNin(h, h.t.logs.text, "the broker's log");
  });
});
