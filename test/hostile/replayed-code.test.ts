// Hostile provider, replayed code: an authorization code already redeemed in one login, played by an attacker
// into another login of their own (with that login's state, so the callback itself looks right). The provider
// refuses the second redemption (invalid_grant, RFC 6749 section 4.1.2: a code is single-use); the second login
// must end in ERROR and carry nothing of the first person's identity.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from '../agent.ts';
import { CALLBACK, assertRejected, createSession, forEachProvider, journey, readSession } from './support.ts';

forEachProvider(
  'good',
  (get) => {
    it('a code already redeemed, played into another login, ends that login in ERROR provider_error', async () => {
      const h = get();
      const first = await journey(h);
      assert.equal(first.session.status, 'SUCCESS', 'the first login redeems the code');
      const usedCode = h.idp.issuedCodes.at(-1)!;

      const s = await createSession(h);
      const agent = new Agent();
      const atIdp = await agent.follow(s.authenticationUrl, {}, `${h.idp.issuer}/authorize`);
      const state = new URL(atIdp.url).searchParams.get('state')!;
      const forged = `${h.t.config.publicUrl}/auth/callback/${h.provider.id}?${new URLSearchParams({ code: usedCode, state, iss: h.idp.issuer })}`;
      const landed = await agent.follow(forged, {}, CALLBACK);
      const session = await readSession(h, s.id);
      await assertRejected(h, { s, landed, session }, 'provider_error', /invalid_grant/);

      assert.equal((await readSession(h, first.s.id)).status, 'SUCCESS', 'the first login is untouched');
    });
  },
  { title: 'replayed code' },
);
