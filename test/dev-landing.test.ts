// The development landing page: one click runs a real login with the development account against the
// simulator, and the result page shows the session JSON (with a national identity number) only to the
// browser that ran that login.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent, formAction } from './agent.ts';
import { startBroker, type TestBroker } from './helpers.ts';

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
    const stranger = await new Agent().follow(result.url);
    assert.equal(stranger.response?.status, 404);
    assert.ok(!stranger.body.includes(sim.people[0]!.pid));
  });
});
