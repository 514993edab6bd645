// The login journey over HTTP (a scripted browser), against the real simulator. The hostile-provider cases are in test/hostile/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent, formAction } from './agent.ts';
import { call, getToken, onPostgres, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

const CALLBACK = 'https://example.com/';
const SIM_SECRET = 'sim-client-secret-0123456789abcdefghij';

async function withSimulator(t: TestBroker, sim: RunningSimulator, providers = ['idporten', 'ansattporten'], par = true) {
  for (const providerId of providers) {
    await t.broker.providerConfigs.save(t.accountId, {
      providerId,
      issuer: sim.issuer,
      clientId: 'broker',
      clientSecret: SIM_SECRET,
      clientAuth: 'client_secret_basic',
      par,
    });
  }
}

const simClient = (base: string) => ({
  client_id: 'broker',
  client_secret: SIM_SECRET,
  redirect_uris: [`${base}/auth/callback/idporten`, `${base}/auth/callback/ansattporten`],
  scope: 'openid profile',
});

describe('login journey against the simulator', () => {
  let t: TestBroker;
  let sim: RunningSimulator;
  let token: string;

  before(async () => {
    t = await startBroker();
    sim = await startSimulator({ port: 0, clients: [simClient(t.config.publicUrl)] });
    await withSimulator(t, sim);
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(async () => {
    await t.close();
    await sim.close();
  });

  const createSession = async (overrides: Record<string, unknown> = {}) => {
    t.clock.catchUp();
    const res = await call(t.base, 'POST', '/auth/rest/sessions', {
      token,
      body: validSessionRequest({
        allowedProviders: ['idporten'],
        requestedAttributes: ['nin', 'name', 'firstName', 'lastName', 'dateOfBirth', 'idpId', 'idportenIdp', 'idportenLoa', 'idportenSub'],
        callbackUrls: { success: `${CALLBACK}success`, abort: `${CALLBACK}abort`, error: `${CALLBACK}error` },
        ...overrides,
      }),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const getSession = async (id: string) => (await call(t.base, 'GET', `/auth/rest/sessions/${id}`, { token })).body;

  /** Opens authenticationUrl and logs in at the simulator; returns where the browser lands. */
  async function loginThrough(agent: Agent, session: { authenticationUrl: string }, form: Record<string, string>) {
    const page = await agent.follow(session.authenticationUrl, {}, CALLBACK);
    assert.match(page.url, new RegExp(`^${sim.issuer}/login/`), `at the simulator: ${page.url}`);
    return agent.follow(formAction(page.body, page.url), { form }, CALLBACK);
  }

  it('succeeds: the person lands on the success URL and the backend reads who they are', async () => {
    const s = await createSession();
    const person = sim.people[0]!;
    const landed = await loginThrough(new Agent(), s, { action: 'login', eid: 'bankid', person: person.pid });
    assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}`);
    const done = await getSession(s.id);
    assert.equal(done.status, 'SUCCESS');
    assert.equal(done.provider, 'idporten');
    assert.equal(done.loa, 'high');
    assert.deepEqual(done.subject.nin, { value: person.pid, issuingCountry: 'NO', type: 'BIRTH' });
    assert.equal(done.subject.idpId, person.pid);
    assert.equal(done.subject.name, `${person.givenName} ${person.familyName}`);
    assert.equal(done.subject.firstName, person.givenName);
    assert.equal(done.subject.lastName, person.familyName);
    assert.equal(done.subject.dateOfBirth, person.birthDate);
    assert.equal(done.subject.idportenIdp, 'BankID');
    assert.equal(done.subject.idportenLoa, 'idporten-loa-high');
    assert.ok(done.subject.idportenSub && done.subject.idportenSub !== person.pid);
    // Signicat writes subject.id in the URL-safe alphabet with padding (-vMrFZU-H7D1n3NoTugvJT9afALzSTdOEDUXII42Hqw=).
    assert.match(done.subject.id, /^[A-Za-z0-9_-]{43}=$/);
    assert.equal(done.environment.userAgent, 'eidgate-test-agent');
    assert.ok(done.environment.ipAddress);
  });

  it('returns only the requested attributes, and the D-number type for a D-number', async () => {
    const s = await createSession({ requestedAttributes: ['nin'] });
    const dPerson = sim.people.find((p) => Number(p.pid[0]) >= 4)!;
    await loginThrough(new Agent(), s, { action: 'login', eid: 'minid', person: dPerson.pid });
    const done = await getSession(s.id);
    assert.deepEqual(Object.keys(done.subject).sort(), ['id', 'nin']);
    assert.equal(done.subject.nin.type, 'DNUMBER');
    assert.equal(done.loa, 'substantial');
  });

  it('keeps the identity encrypted at rest', async () => {
    const s = await createSession();
    const person = sim.people[1]!;
    await loginThrough(new Agent(), s, { action: 'login', eid: 'bankid', person: person.pid });
    const row = JSON.stringify(await t.broker.store.sql.query('SELECT * FROM sessions WHERE id = $1', [s.id]));
    assert.ok(!row.includes(person.pid));
    assert.ok(!row.includes(person.familyName));
    assert.ok(!t.logs.text.includes(person.pid), 'nor in the logs');
  });

  it('cancel at the simulator: ABORT and the abort callback', async () => {
    const s = await createSession();
    const landed = await loginThrough(new Agent(), s, { action: 'cancel' });
    assert.equal(landed.url, `${CALLBACK}abort?sessionId=${s.id}`);
    const done = await getSession(s.id);
    assert.equal(done.status, 'ABORT');
    assert.equal(done.subject, undefined);
  });

  it('passes externalReference on the callback', async () => {
    const s = await createSession({ externalReference: 'order 17' });
    const landed = await loginThrough(new Agent(), s, { action: 'login', eid: 'testid', person: sim.people[2]!.pid });
    assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}&externalReference=order+17`);
  });

  it('a forwarded callback link opened in another browser cannot finish the login, and leaves it open', async () => {
    const s = await createSession();
    const agent = new Agent();
    const page = await agent.follow(s.authenticationUrl, {}, CALLBACK);
    // The person logs in; the provider sends them back; we capture the callback instead of following it.
    const atCallback = await agent.follow(
      formAction(page.body, page.url),
      { form: { action: 'login', eid: 'bankid', person: sim.people[0]!.pid } },
      `${t.config.publicUrl}/auth/callback`,
    );
    const stranger = await new Agent().follow(atCallback.url, {}, CALLBACK);
    assert.equal(stranger.response?.status, 403);
    assert.equal((await getSession(s.id)).status, 'WAITING_FOR_USER', 'the person is at the provider');
    // The rightful browser can still finish.
    const rightful = await agent.follow(atCallback.url, {}, CALLBACK);
    assert.equal(rightful.url, `${CALLBACK}success?sessionId=${s.id}`);
    // Replaying the callback (a reload) changes nothing and goes where the login went.
    const replay = await agent.follow(atCallback.url, {}, CALLBACK);
    assert.equal(replay.url, `${CALLBACK}success?sessionId=${s.id}`);
    assert.equal((await getSession(s.id)).status, 'SUCCESS');
  });

  it('WAITING_FOR_USER while the person is at the provider; cancel and expiry still apply from there', async () => {
    const s = await createSession();
    assert.equal((await getSession(s.id)).status, 'CREATED');
    const agent = new Agent();
    const atSim = await agent.follow(s.authenticationUrl, {}, CALLBACK);
    assert.ok(atSim.url.startsWith(sim.issuer), 'at the simulator');
    assert.equal((await getSession(s.id)).status, 'WAITING_FOR_USER');
    const cancelled = await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
    assert.equal(cancelled.body.status, 'CANCELLED');
    // The person finishes at the provider anyway: the session stays CANCELLED.
    const back = await agent.follow(
      formAction(atSim.body, atSim.url),
      { form: { action: 'login', eid: 'bankid', person: sim.people[0]!.pid } },
      CALLBACK,
    );
    assert.equal(back.response?.status, 409);
    assert.equal((await getSession(s.id)).status, 'CANCELLED');

    const late = await createSession({ sessionLifetime: 300 });
    await new Agent().follow(late.authenticationUrl, {}, CALLBACK);
    assert.equal((await getSession(late.id)).status, 'WAITING_FOR_USER');
    t.clock.advance(301);
    try {
      assert.equal((await getSession(late.id)).status, 'EXPIRED');
    } finally {
      t.clock.advance(-301);
    }
  });

  it('another browser opening a started login is refused', async () => {
    const s = await createSession();
    await new Agent().follow(s.authenticationUrl, {}, CALLBACK);
    const other = await new Agent().follow(s.authenticationUrl, {}, CALLBACK);
    assert.equal(other.response?.status, 403);
  });

  it('shows the chooser with several providers, and each works', async () => {
    for (const provider of ['idporten', 'ansattporten']) {
      const s = await createSession({ allowedProviders: ['idporten', 'ansattporten'], language: 'en' });
      const agent = new Agent();
      const chooser = await agent.follow(s.authenticationUrl, {}, CALLBACK);
      assert.equal(chooser.response?.status, 200);
      assert.match(chooser.body, /Choose how to log in/);
      const atSim = await agent.follow(formAction(chooser.body, chooser.url), { form: { provider } }, CALLBACK);
      const landed = await agent.follow(
        formAction(atSim.body, atSim.url),
        { form: { action: 'login', eid: 'testid', person: sim.people[0]!.pid } },
        CALLBACK,
      );
      assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}`);
      assert.equal((await getSession(s.id)).provider, provider);
    }
  });

  it('abort at the chooser: ABORT and the abort callback', async () => {
    const s = await createSession({ allowedProviders: ['idporten', 'ansattporten'] });
    const agent = new Agent();
    const chooser = await agent.follow(s.authenticationUrl, {}, CALLBACK);
    const abortAction = [...chooser.body.matchAll(/action="([^"]+)"/g)].map((m) => m[1]).find((a) => a!.endsWith('/abort'))!;
    const landed = await agent.follow(new URL(abortAction, chooser.url), { form: {} }, CALLBACK);
    assert.equal(landed.url, `${CALLBACK}abort?sessionId=${s.id}`);
    assert.equal((await getSession(s.id)).status, 'ABORT');
  });

  it('refuses a provider the session does not allow', async () => {
    const s = await createSession({ allowedProviders: ['idporten', 'ansattporten'] });
    const agent = new Agent();
    const chooser = await agent.follow(s.authenticationUrl, {}, CALLBACK);
    const res = await agent.follow(formAction(chooser.body, chooser.url), { form: { provider: 'nbid' } }, CALLBACK);
    assert.equal(res.response?.status, 503);
    assert.equal((await getSession(s.id)).status, 'CREATED');
  });

  it('an expired session shows a clear page instead of starting', async () => {
    const s = await createSession({ sessionLifetime: 300, language: 'nn' });
    t.clock.advance(301);
    try {
      const res = await new Agent().follow(s.authenticationUrl, {}, CALLBACK);
      assert.equal(res.response?.status, 410);
      assert.match(res.body, /Innlogginga har gått ut/);
      assert.ok(res.body.includes(`${CALLBACK}error?sessionId=${s.id}`), 'a link to the error callback');
    } finally {
      t.clock.advance(-301);
    }
  });

  it('a finished session shows a clear page', async () => {
    const s = await createSession();
    await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
    const res = await new Agent().follow(s.authenticationUrl, {}, CALLBACK);
    assert.equal(res.response?.status, 409);
    assert.match(res.body, /avsluttet/);
  });

  it('an unknown session shows a page, not an error object', async () => {
    const res = await new Agent().follow(`${t.base}/login/00000000-0000-4000-8000-000000000000`);
    assert.equal(res.response?.status, 404);
    assert.match(res.response?.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.response?.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  });

  it('pages carry a strict CSP and security headers', async () => {
    const s = await createSession({ allowedProviders: ['idporten', 'ansattporten'] });
    const res = await new Agent().request(s.authenticationUrl);
    const csp = res.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.ok(!csp.includes('unsafe-inline'));
    assert.ok(csp.includes(new URL(sim.issuer).origin), 'the provider is a form target');
    assert.ok(csp.includes('https://example.com'), 'the callback host is a form target');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.match(res.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Lax/);
  });
});

describe('a journey across two broker processes on one PostgreSQL', { skip: !onPostgres && 'needs DATABASE_URL' }, () => {
  it('starts on one and finishes on the other', async () => {
    const a = await startBroker();
    const b = await startBroker({ PUBLIC_URL: a.config.publicUrl }, {}, a);
    const sim = await startSimulator({ port: 0, clients: [simClient(a.config.publicUrl)] });
    try {
      await withSimulator(a, sim, ['idporten']);
      const token = await getToken(a.base, a.clientId, a.clientSecret);
      const s = (
        await call(a.base, 'POST', '/auth/rest/sessions', {
          token,
          body: validSessionRequest({
            allowedProviders: ['idporten'],
            callbackUrls: { success: `${CALLBACK}success`, abort: `${CALLBACK}abort`, error: `${CALLBACK}error` },
          }),
        })
      ).body;
      const agent = new Agent();
      const page = await agent.follow(s.authenticationUrl, {}, CALLBACK);
      const atCallback = await agent.follow(
        formAction(page.body, page.url),
        { form: { action: 'login', eid: 'bankid', person: sim.people[0]!.pid } },
        `${a.config.publicUrl}/auth/callback`,
      );
      // A load balancer sends the callback to process B.
      // (localhost on both, as cookies are per host name.)
      const viaB = atCallback.url.replace(a.config.publicUrl, `http://localhost:${new URL(b.base).port}`);
      assert.notEqual(viaB, atCallback.url);
      const landed = await agent.follow(viaB, {}, CALLBACK);
      assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}`);
      const tokenB = await getToken(b.base, a.clientId, a.clientSecret);
      const read = (await call(b.base, 'GET', `/auth/rest/sessions/${s.id}`, { token: tokenB })).body;
      assert.equal(read.status, 'SUCCESS');
      assert.equal(read.subject.nin.value, sim.people[0]!.pid);
    } finally {
      await b.close();
      await a.close();
      await sim.close();
    }
  });
});
