// Hostile provider, good: the control case. In mode 'good' the fixture answers like ID-porten, and the login
// succeeds with the person's attributes. Every other file changes one thing about this provider, so when
// this file passes, a rejection there is the misbehaviour, not the fixture or the harness.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CALLBACK, assertNoNin, journey, startHostile, type Hostile } from './support.ts';

describe('hostile provider: good (control)', () => {
  let h: Hostile;
  before(async () => {
    h = await startHostile('good');
  });
  after(() => h.close());

  it('completes: SUCCESS with the subject from the id_token, on the success callback', async () => {
    const { s, landed, session } = await journey(h);
    assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}`);
    assert.equal(session.status, 'SUCCESS', JSON.stringify(session.error));
    assert.equal(session.error, undefined);
    assert.equal(session.loa, 'substantial');
    assert.equal(session.provider, 'idporten');
    assert.deepEqual(session.subject.nin, { value: h.idp.pid, issuingCountry: 'NO', type: 'BIRTH' });
    assert.equal(session.subject.idportenSub, 'pairwise-sub-of-the-person');
    assert.equal(session.subject.name, 'Kari Nordmann');
    assertNoNin(h, h.t.logs.text, "the broker's log");
  });
});
