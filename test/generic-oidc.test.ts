// Generic OpenID Connect eIDs: an operator's own providers, registered per account under ids of its choosing.
// Over HTTP with the scripted browser: the simulator's ID-porten and BankID profiles registered as generic
// providers (through the admin API and a claims file), and a second, independent OpenID Provider with another
// configuration (ES256, private_key_jwt, its own claim names and acr values) whose signing key is rotated
// between two logins; each ends SUCCESS with the mapped subject. A generic provider exists for its account only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import { syntheticNin } from '../src/nin.ts';
import { PROVIDERS } from '../src/domain/providers/registry.ts';
import { Agent, formAction } from './agent.ts';
import { ACME_ACR_HIGH, ACME_ACR_SUBSTANTIAL, startAcmeOp, type AcmeOp } from './fixtures/acme-op.ts';
import { call, DEV_SECRET, getToken, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

const CALLBACK = 'https://example.com/';
const SIM_SECRET = 'sim-client-secret-0123456789abcdefghij';
const ADMIN_TOKEN = 'admin-token-0123456789abcdefghijklmnopqrstuv';
const PERSON_ATTRIBUTES = ['nin', 'idpId', 'name', 'firstName', 'lastName', 'dateOfBirth'];
const ACME_PERSON = { personnummer: syntheticNin('1990-04-17'), fornavn: 'Åse', etternavn: 'Acme-Nordmann' };

describe('generic OpenID Connect providers', () => {
  let t: TestBroker;
  let sim: RunningSimulator;
  let acme: AcmeOp;
  let token: string;
  let other: { accountId: string; token: string };

  before(async () => {
    t = await startBroker({ EIDGATE_ADMIN_TOKEN: ADMIN_TOKEN });
    const cb = (id: string) => `${t.config.publicUrl}/auth/callback/${id}`;
    sim = await startSimulator({
      port: 0,
      clients: [
        { client_id: 'broker', client_secret: SIM_SECRET, redirect_uris: [cb('kommune-id'), cb('bank-oidc')], scope: 'openid profile' },
      ],
    });
    // kommune-id: the simulator's ID-porten profile, registered through the admin API as an operator would.
    const added = await call(t.base, 'POST', '/admin/v1/commands', {
      token: ADMIN_TOKEN,
      body: {
        command: 'providers add-oidc',
        args: [t.accountId, 'kommune-id'],
        options: {
          issuer: sim.issuer,
          'client-id': 'broker',
          'client-secret': SIM_SECRET,
          par: 'on',
          acr: ['substantial=idporten-loa-substantial', 'high=idporten-loa-high'],
          claims: JSON.stringify({ nin: 'pid', name: '{given_name} {family_name}', firstName: 'given_name', lastName: 'family_name' }),
          label: ['nb=Kommunens innlogging', 'en=Municipal login'],
        },
      },
    });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.match(added.body.text, /callback \/auth\/callback\/kommune-id/);
    // bank-oidc: the simulator's BankID profile, with the mapping in a file (--claims-file).
    const dir = mkdtempSync(join(tmpdir(), 'eidgate-generic-'));
    writeFileSync(
      join(dir, 'bank.json'),
      JSON.stringify({ nin: 'nnin_altsub', idpId: 'bankid_altsub', name: '{given_name} {family_name}' }),
    );
    await t.broker.providerConfigs.addGeneric(t.accountId, 'bank-oidc', {
      issuer: sim.issuers.bankid,
      clientId: 'broker',
      clientSecret: SIM_SECRET,
      par: 'on',
      scope: 'openid profile nnin_altsub',
      acr: ['substantial=urn:bankid:bis', 'high=urn:bankid:bid'],
      acrMap: ['urn:bankid:bis;LOA=3=substantial', 'urn:bankid:bid;LOA=4=high', 'urn:bankid:bim;LOA=4=high'],
      claimsFile: join(dir, 'bank.json'),
      label: ['en=Bank OIDC'],
    });
    // acme-id: an independent provider: ES256, private_key_jwt with an ES256 key in a JWK file.
    const clientKey = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = { ...(await exportJWK(clientKey.privateKey)), alg: 'ES256', kid: 'eidgate-client-1' };
    writeFileSync(join(dir, 'acme-key.json'), JSON.stringify(privateJwk));
    acme = await startAcmeOp({
      redirectUri: cb('acme-id'),
      clientPublicJwk: { ...(await exportJWK(clientKey.publicKey)), alg: 'ES256', kid: 'eidgate-client-1' },
      person: ACME_PERSON,
    });
    await t.broker.providerConfigs.addGeneric(t.accountId, 'acme-id', {
      issuer: acme.issuer,
      clientId: acme.clientId,
      privateKeyFile: join(dir, 'acme-key.json'),
      par: 'off',
      scope: 'openid acme',
      idTokenAlg: 'ES256',
      acr: [`substantial=${ACME_ACR_SUBSTANTIAL}`, `high=${ACME_ACR_HIGH}`],
      claims: JSON.stringify({ nin: 'personnummer', firstName: 'fornavn', lastName: 'etternavn', name: '{fornavn} {etternavn}' }),
      label: ['nb=Acme-ID', 'nn=Acme-ID', 'en=Acme ID'],
    });
    token = await getToken(t.base, t.clientId, t.clientSecret);
    const account = await t.broker.accounts.createAccount({ name: 'Other account', callbackDomains: ['example.com'] });
    const { client } = await t.broker.accounts.createClient({ accountId: account.id, secret: DEV_SECRET, name: 'Other client' });
    await t.broker.providerConfigs.save(account.id, {
      providerId: 'idporten',
      issuer: sim.issuer,
      clientId: 'broker',
      clientSecret: SIM_SECRET,
      clientAuth: 'client_secret_basic',
      par: false,
    });
    other = { accountId: account.id, token: await getToken(t.base, client.clientId, DEV_SECRET) };
  });
  after(async () => {
    await t?.close();
    await sim?.close();
    await acme?.close();
  });

  const create = (providers: string[], overrides: Record<string, unknown> = {}, bearer = token) =>
    call(t.base, 'POST', '/auth/rest/sessions', {
      token: bearer,
      body: validSessionRequest({
        allowedProviders: providers,
        requestedAttributes: PERSON_ATTRIBUTES,
        callbackUrls: { success: `${CALLBACK}success`, abort: `${CALLBACK}abort`, error: `${CALLBACK}error` },
        ...overrides,
      }),
    });
  const createSession = async (providers: string[], overrides: Record<string, unknown> = {}) => {
    t.clock.catchUp();
    const res = await create(providers, overrides);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const getSession = async (id: string) => (await call(t.base, 'GET', `/auth/rest/sessions/${id}`, { token })).body;

  it('kommune-id (the ID-porten simulator, added through the admin API): SUCCESS with the mapped subject', async () => {
    const s = await createSession(['kommune-id'], { requestedLoa: 'high' });
    const agent = new Agent();
    const page = await agent.follow(s.authenticationUrl, {}, CALLBACK);
    assert.ok(page.url.startsWith(sim.issuer), `at the simulator: ${page.url}`);
    const person = sim.people[2]!;
    const landed = await agent.follow(
      formAction(page.body, page.url),
      { form: { action: 'login', eid: 'bankid', person: person.pid } },
      CALLBACK,
    );
    assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}`);
    const done = await getSession(s.id);
    assert.equal(done.status, 'SUCCESS', JSON.stringify(done.error));
    assert.equal(done.provider, 'kommune-id');
    assert.equal(done.loa, 'high', 'idporten-loa-high read as high through the acr map');
    assert.deepEqual(done.subject.nin, { value: person.pid, issuingCountry: 'NO', type: 'BIRTH' });
    assert.equal(done.subject.name, `${person.givenName} ${person.familyName}`, 'the template');
    assert.equal(done.subject.firstName, person.givenName);
    assert.equal(done.subject.lastName, person.familyName);
    assert.equal(done.subject.dateOfBirth, person.birthDate, 'from the number');
    assert.equal(done.subject.idpId, undefined, 'not mapped, not delivered');
    assert.match(done.subject.id, /^[A-Za-z0-9_-]{43}=$/);
  });

  it('bank-oidc (the BankID simulator profile, mapping from a file): SUCCESS with the mapped subject', async () => {
    const s = await createSession(['bank-oidc']);
    const agent = new Agent();
    const page = await agent.follow(s.authenticationUrl, {}, CALLBACK);
    assert.match(page.url, new RegExp(`^${sim.issuers.bankid}/`));
    const person = sim.people[4]!;
    await agent.follow(formAction(page.body, page.url), { form: { action: 'login', eid: 'bis', person: person.pid } }, CALLBACK);
    const done = await getSession(s.id);
    assert.equal(done.status, 'SUCCESS', JSON.stringify(done.error));
    assert.equal(done.provider, 'bank-oidc');
    assert.equal(done.loa, 'substantial');
    assert.equal(done.subject.nin.value, person.pid);
    assert.match(done.subject.idpId, /^9578-6000-4-\d{7}$/, 'bankid_altsub');
    assert.equal(done.subject.name, `${person.givenName} ${person.familyName}`);
    assert.equal(done.subject.firstName, undefined, 'not mapped');
  });

  it('acme-id (ES256, private_key_jwt, other claim names): SUCCESS; after the provider rotates its key, the next login too', async () => {
    const login = async (requestedLoa: string) => {
      const s = await createSession(['acme-id'], { requestedLoa });
      const landed = await new Agent().follow(s.authenticationUrl, {}, CALLBACK);
      assert.equal(landed.url, `${CALLBACK}success?sessionId=${s.id}`, landed.body.slice(0, 300));
      return getSession(s.id);
    };
    const first = await login('substantial');
    assert.equal(first.status, 'SUCCESS', JSON.stringify(first.error));
    assert.equal(first.loa, 'substantial');
    assert.deepEqual(first.subject.nin, { value: ACME_PERSON.personnummer, issuingCountry: 'NO', type: 'BIRTH' });
    assert.equal(first.subject.name, 'Åse Acme-Nordmann');
    assert.equal(first.subject.firstName, 'Åse');
    assert.equal(first.subject.lastName, 'Acme-Nordmann');
    assert.equal(first.subject.dateOfBirth, '1990-04-17');
    const before = acme.kid();
    await acme.rotate();
    assert.notEqual(acme.kid(), before);
    // Seconds after the first login's JWKS fetch: openid-client alone would refuse the new kid for a minute.
    const second = await login('high');
    assert.equal(second.status, 'SUCCESS', JSON.stringify(second.error));
    assert.equal(second.loa, 'high');
    assert.equal(second.subject.id, first.subject.id, 'the same person, the same subject.id');
  });

  it('the chooser offers the built-in and generic providers of the account, with their labels', async () => {
    const s = await createSession(['idporten', 'kommune-id', 'acme-id'], { language: 'nb' });
    const res = await new Agent().request(s.authenticationUrl);
    const html = await res.text();
    assert.equal(res.status, 200);
    const offered = [...html.matchAll(/name="provider" value="([^"]+)".*?<span class="tile-name">([^<]+)</g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(offered, [
      ['idporten', 'ID-porten (MinID, BankID, Buypass, Commfides)'],
      ['kommune-id', 'Kommunens innlogging'],
      ['acme-id', 'Acme-ID'],
    ]);
  });

  it("a session naming another account's generic provider: 400 naming allowedProviders, as for an id nobody has", async () => {
    const theirs = await create(['kommune-id'], {}, other.token);
    assert.equal(theirs.status, 400, JSON.stringify(theirs.body));
    assert.equal(theirs.body.invalidParams.length, 1);
    assert.equal(theirs.body.invalidParams[0].name, 'allowedProviders[0]');
    // The account's own providers are every built-in one (the registry's), none of the other account's.
    assert.equal(
      theirs.body.invalidParams[0].reason,
      `kommune-id is not a provider of eidgate or of this account: must be one of ${PROVIDERS.map((p) => p.id).join(', ')}`,
    );
    const nobodys = await create(['nobody-id'], {}, other.token);
    assert.equal(nobodys.status, 400);
    assert.equal(nobodys.body.invalidParams[0].reason.replace('nobody-id', 'kommune-id'), theirs.body.invalidParams[0].reason, 'no leak');
    // Without allowedProviders, the other account's sessions never offer it either.
    const all = await call(t.base, 'POST', '/auth/rest/sessions', {
      token: other.token,
      body: validSessionRequest({ allowedProviders: undefined, callbackUrls: { success: CALLBACK, abort: CALLBACK, error: CALLBACK } }),
    });
    assert.equal(all.status, 200);
    const page = await new Agent().follow(all.body.authenticationUrl, {}, CALLBACK);
    assert.ok(page.url.startsWith(sim.issuer), 'straight to its one provider, ID-porten');
  });

  it('refuses generic ids that are built in or reserved for Signicat ids, and mappings it cannot use', async () => {
    const add = (id: string, claims = '{"nin": "pid"}', acr = ['substantial=x']) =>
      call(t.base, 'POST', '/admin/v1/commands', {
        token: ADMIN_TOKEN,
        body: {
          command: 'providers add-oidc',
          args: [t.accountId, id],
          options: { issuer: sim.issuer, 'client-id': 'c', 'client-secret': 's', claims, acr },
        },
      });
    const refused = async (res: Awaited<ReturnType<typeof add>>, reason: RegExp) => {
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.body.detail, reason);
    };
    await refused(await add('nbid'), /built-in provider/);
    await refused(await add('mitid'), /reserved: it is a provider id of Signicat's API/);
    await refused(await add('Bad_Id'), /lowercase letters, digits or hyphens/);
    await refused(await add('fine-id', '{"shoeSize": "shoe"}'), /shoeSize is not an attribute/);
    await refused(await add('fine-id', '{"name": "{given_name"}'), /unbalanced braces/);
    await refused(await add('fine-id', '{"nin": "pid"}', []), /--acr LEVEL=ACR/);
    await refused(await add('fine-id', '{"nin": "pid"}', ['extreme=x']), /not a level/);
  });
});
