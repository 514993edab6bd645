// The development landing page: one click runs a real login with the development account against the
// simulator, and the result page shows the session JSON (with a national identity number) only to the
// browser that ran that login.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent, formAction } from './agent.ts';
import { call, getToken, startBroker, type TestBroker, validSessionRequest } from './helpers.ts';

const DEV_CLIENT = { clientId: 'dev-broker', clientSecret: 'dev-landing-secret-0123456789abcdefghij' };

describe('development landing page', () => {
  let t: TestBroker;
  let sim: RunningSimulator;
  before(async () => {
    t = await startBroker({}, { bootstrap: true });
    sim = await startSimulator({
      port: 0,
      clients: [
        {
          client_id: DEV_CLIENT.clientId,
          client_secret: DEV_CLIENT.clientSecret,
          redirect_uris: [`${t.config.publicUrl}/auth/callback/idporten`],
          scope: 'openid profile',
        },
      ],
    });
    const devAccount = t.broker.devCredentials?.accountId;
    assert.ok(devAccount, 'a development account was bootstrapped');
    await t.broker.providerConfigs.save(devAccount, {
      providerId: 'idporten',
      issuer: sim.issuer,
      ...DEV_CLIENT,
      clientAuth: 'client_secret_basic',
      par: false,
    });
  });
  after(async () => {
    await t?.close();
    await sim?.close();
  });

  it('one click logs in at the simulator and shows the session; another browser cannot read the result', async () => {
    const agent = new Agent();
    const landing = await agent.follow(`${t.config.publicUrl}/`);
    assert.equal(landing.response?.status, 200);
    const atSim = await agent.follow(`${t.config.publicUrl}/dev/try`, { form: { mode: 'one' } });
    assert.ok(atSim.url.startsWith(sim.issuer), atSim.url);
    const result = await agent.follow(formAction(atSim.body, atSim.url), {
      form: { action: 'login', eid: 'bankid', person: sim.people[0]!.pid },
    });
    assert.match(result.url, /\/dev\/result\?sessionId=/);
    assert.equal(result.response?.status, 200);
    assert.ok(result.body.includes(sim.people[0]!.pid), 'the result shows the subject');
    assert.match(result.body, /<details>\n<summary>The whole session \(JSON\)<\/summary>/, 'the JSON folded away');
    assert.match(result.body, /<dt>Status<\/dt><dd><span class="outcome outcome-SUCCESS">SUCCESS<\/span><\/dd>/);
    const stranger = await new Agent().follow(result.url);
    assert.equal(stranger.response?.status, 404);
    assert.ok(!stranger.body.includes(sim.people[0]!.pid));
  });

  it('the README walkthrough: a session whose callbacks are /dev/callback ends on a page that shows its sessionId and the session', async () => {
    const dev = t.broker.devCredentials;
    assert.ok(dev?.clientSecret);
    const token = await getToken(t.base, dev.clientId, dev.clientSecret);
    const callback = `${t.config.publicUrl}/dev/callback`;
    const created = await call(t.base, 'POST', '/auth/rest/sessions', {
      token,
      body: validSessionRequest({
        language: 'en',
        allowedProviders: ['idporten'],
        requestedAttributes: ['nin', 'name'],
        callbackUrls: { success: callback, abort: callback, error: callback },
      }),
    });
    assert.equal(created.status, 200, 'the development account allows its own callback receiver');
    const agent = new Agent();
    const atSim = await agent.follow(created.body.authenticationUrl);
    const page = await agent.follow(formAction(atSim.body, atSim.url), {
      form: { action: 'login', eid: 'bankid', person: sim.people[1]!.pid },
    });
    assert.equal(page.url, `${callback}?sessionId=${created.body.id}`);
    assert.equal(page.response?.status, 200);
    assert.match(page.body, /This is the development callback address\./);
    assert.match(page.body, new RegExp(`<dt>Session id</dt><dd><code>${created.body.id}</code></dd>`));
    assert.match(page.body, /<dt>Name<\/dt><dd>[^<]+<\/dd>/);
    assert.ok(page.body.includes(sim.people[1]!.pid), 'the session as the backend reads it');
    // Only to the browser that logged in: the identity number is on it.
    const stranger = await new Agent().follow(page.url);
    assert.equal(stranger.response?.status, 404);
    assert.ok(!stranger.body.includes(sim.people[1]!.pid));
  });
});
