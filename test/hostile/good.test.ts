// Hostile provider, good: the control case. In mode 'good' the fixture answers like ID-porten (or BankID
// Norge), and the login succeeds with the person's attributes. Every other file changes one thing about this
// provider, so when this file passes, a rejection there is the misbehaviour, not the fixture or the harness.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { CALLBACK, assertNoNin, forEachProvider, journey } from './support.ts';

/** What each provider's mapping makes of the fixture's person, beyond nin and name. */
const EXPECTED: Record<string, { loa: string; subject: Record<string, string> }> = {
  idporten: { loa: 'substantial', subject: { idportenSub: 'pairwise-sub-of-the-person' } },
  // BankID is asked for urn:bankid:bid or bis at substantial; the fixture answers with BankID High.
  nbid: { loa: 'high', subject: { nbidIdp: 'BID', nbidAlternativeSubject: '9578-6000-4-1234567', idpId: '9578-6000-4-1234567' } },
  // The generic mapping: names from given_name/family_name, the date of birth from the number.
  'hostile-oidc': { loa: 'substantial', subject: { firstName: 'Kari', lastName: 'Nordmann', dateOfBirth: '1985-03-14' } },
};

forEachProvider(
  'good',
  (get) => {
    it('completes: SUCCESS with the subject from the id_token, on the success callback', async () => {
      const h = get();
      const { s, landed, session } = await journey(h);
      assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}`);
      assert.equal(session.status, 'SUCCESS', JSON.stringify(session.error));
      assert.equal(session.error, undefined);
      assert.equal(session.provider, h.provider.id);
      const expected = EXPECTED[h.provider.id]!;
      assert.equal(session.loa, expected.loa);
      assert.deepEqual(session.subject.nin, { value: h.idp.pid, issuingCountry: 'NO', type: 'BIRTH' });
      for (const [k, v] of Object.entries(expected.subject)) assert.equal(session.subject[k], v, k);
      assert.equal(session.subject.name, 'Kari Nordmann');
      assertNoNin(h, h.t.logs.text, "the broker's log");
    });
  },
  { title: 'good (control)' },
);
