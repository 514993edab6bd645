// Norwegian BankID (nbid) over HTTP: a scripted browser through the broker and the simulator's BankID Norge
// profile, for each BankID option (BID, BIM, BIS), biometrics stepping up, BankID's own selector, cancel, and
// the create-time checks of nbid's parameters and configuration.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent, formAction } from './agent.ts';
import { call, getToken, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

const CALLBACK = 'https://example.com/';
const SIM_SECRET = 'sim-client-secret-0123456789abcdefghij';
const NBID_ATTRIBUTES = [
  'nin',
  'idpId',
  'name',
  'firstName',
  'lastName',
  'dateOfBirth',
  'nbidIdp',
  'nbidAuthTime',
  'nbidSid',
  'nbidTid',
  'nbidAlternativeSubject',
  'nbidOriginator',
  'nbidAdditionalCertInfo',
  'nbidUpdatedAt',
];

describe('nbid: Norwegian BankID against the simulator', () => {
  let t: TestBroker;
  let sim: RunningSimulator;
  let token: string;

  before(async () => {
    t = await startBroker();
    sim = await startSimulator({
      port: 0,
      clients: [{ client_id: 'broker', client_secret: SIM_SECRET, redirect_uris: [`${t.config.publicUrl}/auth/callback/nbid`] }],
    });
    await t.broker.providerConfigs.save(t.accountId, {
      providerId: 'nbid',
      issuer: sim.issuers.bankid,
      clientId: 'broker',
      clientSecret: SIM_SECRET,
      clientAuth: 'client_secret_basic',
      par: true,
    });
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(async () => {
    await t.close();
    await sim.close();
  });

  const create = (overrides: Record<string, unknown> = {}) =>
    call(t.base, 'POST', '/auth/rest/sessions', {
      token,
      body: validSessionRequest({
        allowedProviders: ['nbid'],
        requestedAttributes: NBID_ATTRIBUTES,
        callbackUrls: { success: `${CALLBACK}success`, abort: `${CALLBACK}abort`, error: `${CALLBACK}error` },
        ...overrides,
      }),
    });
  const createSession = async (overrides: Record<string, unknown> = {}) => {
    t.clock.catchUp();
    const res = await create(overrides);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const getSession = async (id: string) => (await call(t.base, 'GET', `/auth/rest/sessions/${id}`, { token })).body;

  /** Opens authenticationUrl: the browser must land on BankID's login page (the realm path, not ID-porten's). */
  async function atBankId(agent: Agent, s: { authenticationUrl: string }) {
    const page = await agent.follow(s.authenticationUrl, {}, CALLBACK);
    assert.match(page.url, new RegExp(`^${sim.issuers.bankid}/login-actions/`), `at BankID: ${page.url}`);
    assert.match(page.body, /Logg inn med BankID/);
    return page;
  }
  const offered = (html: string) => [...html.matchAll(/name="eid" value="([^"]+)"/g)].map((m) => m[1]);

  it("the simulator's BankID issuer has Keycloak's layout and BankID's acr values, beside ID-porten's at the root", async () => {
    const meta = await (await fetch(`${sim.issuers.bankid}/.well-known/openid-configuration`)).json();
    assert.equal(meta.issuer, `${sim.issuer}/auth/realms/current`);
    assert.equal(meta.authorization_endpoint, `${meta.issuer}/protocol/openid-connect/auth`);
    assert.equal(meta.token_endpoint, `${meta.issuer}/protocol/openid-connect/token`);
    assert.equal(meta.jwks_uri, `${meta.issuer}/protocol/openid-connect/certs`);
    assert.equal(meta.pushed_authorization_request_endpoint, `${meta.issuer}/protocol/openid-connect/ext/par/request`);
    assert.deepEqual(meta.acr_values_supported, ['urn:bankid:bid', 'urn:bankid:bis']);
    assert.ok(meta.scopes_supported.includes('nnin_altsub'));
    const idporten = await (await fetch(`${sim.issuer}/.well-known/openid-configuration`)).json();
    assert.equal(idporten.issuer, sim.issuer);
    assert.equal(idporten.authorization_endpoint, `${sim.issuer}/authorize`);
  });

  const cases = [
    { idp: 'BID', eid: 'bid', loa: 'high', certificate: true },
    { idp: 'BIM', eid: 'bim', loa: 'high', certificate: true },
    { idp: 'BIS', eid: 'bis', loa: 'substantial', certificate: false },
  ] as const;
  for (const c of cases) {
    it(`nbid_idp ${c.idp}: BankID offers only ${c.idp}, the login ends SUCCESS at ${c.loa} with the mapped subject`, async () => {
      const s = await createSession({ additionalParameters: { nbid_idp: c.idp } });
      const agent = new Agent();
      const page = await atBankId(agent, s);
      assert.deepEqual(offered(page.body), [c.eid], 'login_hint picks the one BankID option');
      const person = sim.people[3]!;
      const landed = await agent.follow(
        formAction(page.body, page.url),
        { form: { action: 'login', eid: c.eid, person: person.pid } },
        CALLBACK,
      );
      assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}`);
      const done = await getSession(s.id);
      assert.equal(done.status, 'SUCCESS', JSON.stringify(done.error));
      assert.equal(done.provider, 'nbid');
      assert.equal(done.loa, c.loa);
      const sub = done.subject;
      assert.deepEqual(sub.nin, { value: person.pid, issuingCountry: 'NO', type: 'BIRTH' }, 'nin from nnin_altsub');
      assert.equal(sub.name, `${person.givenName} ${person.familyName}`, "Signicat's order, not the certificate's");
      assert.equal(sub.firstName, person.givenName);
      assert.equal(sub.lastName, person.familyName);
      assert.equal(sub.dateOfBirth, person.birthDate);
      assert.equal(sub.nbidIdp, c.idp);
      assert.match(sub.idpId, /^9578-6000-4-\d{7}$/, "idpId is BankID's personal identifier, as at Signicat");
      assert.equal(sub.nbidAlternativeSubject, sub.idpId);
      assert.notEqual(sub.idpId, person.pid);
      assert.match(sub.nbidAuthTime, /^\d{10}$/);
      assert.match(sub.nbidTid, /^[0-9a-f-]{36}$/);
      assert.equal(typeof sub.nbidSid, 'string');
      assert.match(sub.nbidUpdatedAt, /^\d+$/);
      if (c.certificate) {
        assert.match(sub.nbidOriginator, /^CN=BankID - TestBank1/);
        const cert = JSON.parse(sub.nbidAdditionalCertInfo);
        assert.equal(typeof sub.nbidAdditionalCertInfo, 'string', 'a JSON document serialised as a string');
        assert.match(cert.subjectName, new RegExp(`SERIALNUMBER=${sub.idpId}$`));
        assert.equal(cert.certQualified, true);
      } else {
        assert.equal(sub.nbidOriginator, undefined, 'biometrics use no certificate');
        assert.equal(sub.nbidAdditionalCertInfo, undefined);
      }
      assert.match(sub.id, /^[A-Za-z0-9_-]{43}=$/);
    });
  }

  it('nbid_stepup=high: biometrics step up to BankID High, loa high, still reported as BIS', async () => {
    const s = await createSession({ additionalParameters: { nbid_idp: 'BIS', nbid_stepup: 'high' }, requestedLoa: 'substantial' });
    const agent = new Agent();
    const page = await atBankId(agent, s);
    assert.deepEqual(offered(page.body), ['bis-stepup']);
    await agent.follow(
      formAction(page.body, page.url),
      { form: { action: 'login', eid: 'bis-stepup', person: sim.people[0]!.pid } },
      CALLBACK,
    );
    const done = await getSession(s.id);
    assert.equal(done.status, 'SUCCESS', JSON.stringify(done.error));
    assert.equal(done.loa, 'high');
    assert.equal(done.subject.nbidIdp, 'BIS');
  });

  it("without nbid_idp BankID's own selector offers what reaches the level: BID, BIM and BIS at substantial, not BIS at high", async () => {
    const substantial = await atBankId(new Agent(), await createSession({ requestedLoa: 'substantial' }));
    assert.deepEqual(offered(substantial.body), ['bid', 'bim', 'bis']);
    const high = await atBankId(new Agent(), await createSession({ requestedLoa: 'high' }));
    assert.deepEqual(offered(high.body), ['bid', 'bim']);
  });

  it('returns only the requested attributes: no nbid* unless asked for', async () => {
    const s = await createSession({ requestedAttributes: ['nin', 'nbidIdp'], additionalParameters: { nbid_idp: 'BID' } });
    const agent = new Agent();
    const page = await atBankId(agent, s);
    await agent.follow(formAction(page.body, page.url), { form: { action: 'login', eid: 'bid', person: sim.people[1]!.pid } }, CALLBACK);
    const done = await getSession(s.id);
    assert.deepEqual(Object.keys(done.subject).sort(), ['id', 'nbidIdp', 'nin']);
  });

  it('cancel at BankID: ABORT and the abort callback', async () => {
    const s = await createSession({ additionalParameters: { nbid_idp: 'BID' } });
    const agent = new Agent();
    const page = await atBankId(agent, s);
    const landed = await agent.follow(formAction(page.body, page.url), { form: { action: 'cancel' } }, CALLBACK);
    assert.equal(landed.url, `${CALLBACK}abort?sessionId=${s.id}`);
    const done = await getSession(s.id);
    assert.equal(done.status, 'ABORT');
    assert.equal(done.subject, undefined);
  });

  it('refuses at create an nbid parameter it does not know, or a value nbid_idp does not take', async () => {
    const res = await create({ additionalParameters: { nbid_idp: 'XYZ', nbid_colour: 'blue' } });
    assert.equal(res.status, 400);
    const names = res.body.invalidParams.map((p: { name: string }) => p.name).sort();
    assert.deepEqual(names, ['additionalParameters.nbid_colour', 'additionalParameters.nbid_idp']);
  });
});

describe('nbid on an account that has not configured it', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker();
    await t.broker.providerConfigs.remove(t.accountId, 'nbid');
  });
  after(() => t.close());

  it('a session naming nbid is refused at create (400), naming allowedProviders', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    const res = await call(t.base, 'POST', '/auth/rest/sessions', {
      token,
      body: validSessionRequest({ allowedProviders: ['nbid'], callbackUrls: { success: CALLBACK, abort: CALLBACK, error: CALLBACK } }),
    });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.deepEqual(res.body.invalidParams, [{ name: 'allowedProviders', reason: 'nbid is not configured for this account' }]);
    const idporten = await call(t.base, 'POST', '/auth/rest/sessions', {
      token,
      body: validSessionRequest({ allowedProviders: ['idporten'], callbackUrls: { success: CALLBACK, abort: CALLBACK, error: CALLBACK } }),
    });
    assert.equal(idporten.status, 200, 'the same request for a configured provider is accepted');
  });
});
