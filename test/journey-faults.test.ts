// The journey's defects found by fault injection and an attacker's links (issue 12), each against the real
// simulator: two loads of the same callback at once, a forged callback link, a login finished at the
// provider after it was cancelled, and a database failure at the final write.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../src/simulator/simulator.ts';
import { startSimulatorFor } from './simulator-support.ts';
import { Agent, formAction } from './agent.ts';
import { call, getToken, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

const CALLBACK = 'https://example.com/';

describe('journey faults', () => {
  let t: TestBroker;
  let sim: RunningSimulator;
  let token: string;

  before(async () => {
    t = await startBroker();
    sim = await startSimulatorFor(t, { par: false });
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(async () => {
    await t.close();
    await sim.close();
  });

  const createSession = async () => {
    const res = await call(t.base, 'POST', '/auth/rest/sessions', {
      token,
      body: validSessionRequest({
        allowedProviders: ['idporten'],
        callbackUrls: { success: `${CALLBACK}success`, abort: `${CALLBACK}abort`, error: `${CALLBACK}error` },
      }),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const status = async (id: string) => (await call(t.base, 'GET', `/auth/rest/sessions/${id}`, { token })).body.status;

  /** Logs in at the simulator and stops at our callback: the URL the provider sent the browser to. */
  async function atCallback(agent: Agent, s: { authenticationUrl: string }) {
    const page = await agent.follow(s.authenticationUrl, {}, CALLBACK);
    const back = await agent.follow(
      formAction(page.body, page.url),
      { form: { action: 'login', eid: 'bankid', person: sim.people[0]!.pid } },
      `${t.config.publicUrl}/auth/callback`,
    );
    return back.url;
  }

  it('two loads of the same callback at once: the login succeeds and both land on the success URL', async () => {
    for (let round = 0; round < 6; round++) {
      const s = await createSession();
      const agent = new Agent();
      const url = await atCallback(agent, s);
      const both = await Promise.all([agent.follow(url, {}, CALLBACK), agent.follow(url, {}, CALLBACK)]);
      assert.equal(await status(s.id), 'SUCCESS', `round ${round}`);
      for (const landed of both) assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}`, `round ${round}`);
    }
  });

  it('a forged callback link (a state that names no journey) touches no login in progress', async () => {
    const s = await createSession();
    const agent = new Agent();
    const url = new URL(await atCallback(agent, s));
    // An attacker's link, opened in the victim's browser (its cookies go along: SameSite=Lax, top-level GET).
    const forged = await agent.follow(`${t.config.publicUrl}/auth/callback/idporten?state=forged-state&code=forged-code`, {}, CALLBACK);
    assert.equal(forged.response?.status, 400);
    assert.match(forged.body, /passet ikke med innloggingen din/);
    assert.equal(await status(s.id), 'WAITING_FOR_USER', 'the login in progress is untouched');
    // The person's own answer still finishes it.
    const landed = await agent.follow(url, {}, CALLBACK);
    assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}`);
    assert.equal(await status(s.id), 'SUCCESS');
  });

  it('coming back from the provider after the login was cancelled says the login has ended', async () => {
    const s = await createSession();
    const agent = new Agent();
    // The person logs in at the provider, but before the answer reaches us they start again from the
    // service's link (a new journey with a new state), and the session is cancelled; then the first
    // answer arrives.
    const first = await atCallback(agent, s);
    await agent.follow(s.authenticationUrl, {}, CALLBACK);
    await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
    const late = await agent.follow(first, {}, CALLBACK);
    assert.equal(late.response?.status, 409);
    assert.match(late.body, /This login has ended|Innloggingen er avsluttet/);
  });

  it('a database failure at the final write: an honest page, an error in the log, and no success', async () => {
    const s = await createSession();
    const agent = new Agent();
    const url = await atCallback(agent, s);
    const sql = t.broker.store.sql;
    // A real failure in the database, for this session's final write only.
    await sql.query(`CREATE OR REPLACE FUNCTION fail_finish() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.status <> OLD.status AND NEW.id = '${s.id}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await sql.query('CREATE TRIGGER fail_finish BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION fail_finish()');
    try {
      const landed = await agent.follow(url, {}, CALLBACK);
      assert.equal(landed.response?.status, 503);
      assert.match(landed.body, /kunne ikke fullføre innloggingen/);
      assert.doesNotMatch(landed.body, /not found|finnes ikke/i);
    } finally {
      await sql.query('DROP TRIGGER fail_finish ON sessions');
    }
    const logged = t.logs.entries().find((e) => e.sessionId === s.id && e.level === 50);
    assert.ok(logged, 'an error is logged for the session');
    assert.notEqual(await status(s.id), 'SUCCESS');
  });
});
