// The headless flow with Swedish BankID, over HTTP only: the service's backend creates the session, shows
// the QR code (idpData.qrData, fresh on every read) or opens the app (autoStartToken), and polls GET until
// the person has acted in the app. The real simulator over mutual TLS, its test app driven as a person would.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SESSION_EVENT_NAMES } from '../src/domain/events/envelope.ts';
import type { RunningSbidSimulator } from '../src/simulator/sbid/index.ts';
import { assertApiError, call, getToken, startBroker, type TestBroker } from './helpers.ts';
import { ASTRID, appAction, approveInApp, configureSbid, headlessRequest, openInApp, pollSession, startSbid } from './sbid-support.ts';

const QR_RE = /^bankid\.([0-9a-f-]+)\.(\d+)\.([0-9a-f]{64})$/;

describe('headless Swedish BankID', () => {
  let sim: RunningSbidSimulator;
  let tb: TestBroker;
  let token: string;

  before(async () => {
    sim = await startSbid();
    tb = await startBroker({}, { orderPolling: { pollIntervalMs: 300 } });
    await configureSbid(tb, sim);
    token = await getToken(tb.base, tb.clientId, tb.clientSecret);
  });
  after(async () => {
    await tb?.close();
    await sim?.close();
  });

  const create = (body: unknown) => call(tb.base, 'POST', '/auth/rest/sessions', { token, body });

  it("a headless session's authenticationUrl shows no page and starts no other order", async () => {
    const created = (await create(headlessRequest())).body;
    const page = await fetch(created.authenticationUrl.replace(new URL(created.authenticationUrl).origin, tb.base), { redirect: 'manual' });
    assert.equal(page.status, 404);
    const again = (await call(tb.base, 'GET', `/auth/rest/sessions/${created.id}`, { token })).body;
    assert.equal(again.idpData.autoStartToken, created.idpData.autoStartToken, 'the same order');
    await call(tb.base, 'POST', `/auth/rest/sessions/${created.id}/cancel`, { token });
  });

  it('create answers idpData (autoStartToken, qrData) and statusUrl, never the QR secret; no callbackUrls needed', async () => {
    const r = await create(headlessRequest());
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const s = r.body;
    assert.equal(s.status, 'CREATED');
    assert.equal(s.flow, 'headless');
    assert.match(s.idpData.autoStartToken, /^[0-9a-f-]{36}$/);
    assert.match(s.idpData.qrData, QR_RE);
    assert.equal(s.statusUrl, `${tb.config.publicUrl}/auth/rest/sessions/${s.id}`);
    assert.equal(s.callbackUrls, undefined);
    assert.doesNotMatch(JSON.stringify(s), /qrStartSecret|startSecret/);
    await call(tb.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
  });

  it('QR on another device: scanned in the test app, approved, GET polls through WAITING_FOR_USER to SUCCESS with the subject', async () => {
    const created = (await create(headlessRequest())).body;
    const app = await openInApp(sim.appUrl, { qr: created.idpData.qrData });
    const waiting = await pollSession(tb.base, token, created.id, (s) => s.status !== 'CREATED');
    assert.equal(waiting.status, 'WAITING_FOR_USER');
    assert.match(waiting.idpData.qrData, QR_RE, 'idpData stays while the session is open');
    await approveInApp(sim.appUrl, app, ASTRID);
    const done = await pollSession(tb.base, token, created.id, (s) => s.status !== 'WAITING_FOR_USER');
    assert.equal(done.status, 'SUCCESS', JSON.stringify(done));
    assert.equal(done.provider, 'sbid');
    assert.equal(done.loa, 'substantial');
    assert.deepEqual(done.subject.nin, { value: ASTRID, issuingCountry: 'SE', type: 'PERSON' });
    assert.equal(done.subject.firstName, 'Astrid');
    assert.equal(done.subject.lastName, 'Testsson');
    assert.equal(done.subject.name, 'Astrid Testsson');
    assert.equal(done.subject.dateOfBirth, '1990-03-15');
    assert.ok(done.subject.sbidDeviceIp, 'the device IP BankID saw');
    assert.ok(done.subject.id, 'a pseudonymous subject id');
    assert.equal(done.subject.sbidXmlSignature, undefined, 'evidence only when requested');
    assert.equal(done.idpData, undefined, 'nothing to launch once the session has ended');
    assert.equal(done.externalReference, 'order-4711');
    // The outcome went through the session lifecycle: its events are the same as for every other provider.
    const events = (await tb.broker.store.events.list(tb.accountId)).filter((e) => e.eventData.sessionId === created.id);
    assert.deepEqual(
      events.map((e) => e.eventName),
      [SESSION_EVENT_NAMES.CREATED, SESSION_EVENT_NAMES.SUCCESS],
    );
  });

  it('delivers the evidence (signature XML, OCSP response) when it is requested', async () => {
    const attrs = ['nin', 'sbidXmlSignature', 'sbidOcspResponse'];
    const created = (await create(headlessRequest({ requestedAttributes: attrs }))).body;
    await approveInApp(sim.appUrl, await openInApp(sim.appUrl, { qr: created.idpData.qrData }));
    const done = await pollSession(tb.base, token, created.id, (s) => s.status === 'SUCCESS' || s.status === 'ERROR');
    assert.equal(done.status, 'SUCCESS');
    assert.ok(Buffer.from(done.subject.sbidXmlSignature, 'base64').toString('utf8').includes('<'), 'signature XML, Base64');
    assert.ok(done.subject.sbidOcspResponse.length > 0);
  });

  it('APP_LAUNCH: the autoStartToken opens the order in the app on the same device', async () => {
    const created = (await create(headlessRequest({ additionalParameters: { sbid_flow: 'APP_LAUNCH', sbid_end_user_ip: '2001:db8::1' } })))
      .body;
    const app = await openInApp(sim.appUrl, { autostarttoken: created.idpData.autoStartToken });
    await approveInApp(sim.appUrl, app);
    const done = await pollSession(tb.base, token, created.id, (s) => s.status === 'SUCCESS' || s.status === 'ERROR');
    assert.equal(done.status, 'SUCCESS');
    assert.equal(done.environment.ipAddress, '2001:db8::1', "the person's IP as the service gave it");
  });

  it('qrData is fresh on every read: a second later it is another code, and the simulator accepts the new one', async () => {
    const created = (await create(headlessRequest())).body;
    const first = created.idpData.qrData as string;
    const later = await pollSession(tb.base, token, created.id, (s) => s.idpData?.qrData !== first, 3000);
    const [, startToken, t1] = QR_RE.exec(first) ?? [];
    const [, startToken2, t2, code2] = QR_RE.exec(later.idpData.qrData) ?? [];
    assert.equal(startToken2, startToken, 'the same order');
    assert.ok(Number(t2) > Number(t1), 'the seconds moved on');
    assert.notEqual(code2, QR_RE.exec(first)?.[3]);
    await openInApp(sim.appUrl, { qr: later.idpData.qrData });
    await call(tb.base, 'POST', `/auth/rest/sessions/${created.id}/cancel`, { token });
  });

  it('a person who cancels in the app ends the session in ABORT', async () => {
    const created = (await create(headlessRequest())).body;
    const app = await openInApp(sim.appUrl, { qr: created.idpData.qrData });
    await appAction(sim.appUrl, app, 'cancel');
    const done = await pollSession(tb.base, token, created.id, (s) => s.status !== 'CREATED' && s.status !== 'WAITING_FOR_USER');
    assert.equal(done.status, 'ABORT');
  });

  it('cancel through the API cancels the order at BankID: the app can no longer open it', async () => {
    const created = (await create(headlessRequest())).body;
    const r = await call(tb.base, 'POST', `/auth/rest/sessions/${created.id}/cancel`, { token });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'CANCELLED');
    const res = await fetch(`${sim.appUrl}/app?autostarttoken=${created.idpData.autoStartToken}&redirect=null&lang=en`, {
      redirect: 'manual',
    });
    assert.notEqual(res.status, 303, 'the simulator no longer starts a cancelled order');
    assert.match(await res.text(), /ended|cancel/i);
  });

  it('providers set sbid from files (BankID CA, RP certificate as PKCS#12): sealed at rest, listed without secrets, and it works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbid-cli-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), sim.caCertPem);
      writeFileSync(join(dir, 'rp.p12'), sim.rpPfx ?? Buffer.alloc(0));
      const saved = await tb.broker.providerConfigs.setFromCli(tb.accountId, 'sbid', {
        bankidApi: sim.rpApiUrl,
        caFile: join(dir, 'ca.pem'),
        pfxFile: join(dir, 'rp.p12'),
        pfxPassphrase: sim.rpPfxPassphrase,
        launchUrl: `${sim.appUrl}/app`,
      });
      assert.equal(saved.hasRpCertificate, true);
      assert.doesNotMatch(JSON.stringify(await tb.broker.providerConfigs.list(tb.accountId)), /rpPfx|rpKeyPem|qwerty/);
      const rows = await tb.broker.store.sql.query<{ config: unknown; secret_enc: string }>(
        "SELECT config, secret_enc FROM provider_configs WHERE provider_id = 'sbid'",
      );
      const pfxBase64 = (sim.rpPfx ?? Buffer.alloc(0)).toString('base64');
      assert.ok(!JSON.stringify(rows).includes(pfxBase64.slice(0, 40)), 'the RP certificate is sealed, not stored in the clear');
      const r = await create(headlessRequest());
      assert.equal(r.body.status, 'CREATED', JSON.stringify(r.body));
      await call(tb.base, 'POST', `/auth/rest/sessions/${r.body.id}/cancel`, { token });
      // The presets name BankID's own environments.
      const prod = await tb.broker.providerConfigs.setFromCli(tb.accountId, 'sbid', { bankidApi: 'production' });
      assert.equal(prod.bankid?.apiUrl, 'https://appapi2.bankid.com/rp/v6.0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await configureSbid(tb, sim);
    }
  });

  it('refuses headless for a provider that cannot serve it, naming flow', async () => {
    const r = await create(headlessRequest({ allowedProviders: ['idporten'] }));
    const err = assertApiError(r, 400, 'invalid_request_parameter');
    assert.equal(err.invalidParams[0].name, 'flow');
    assert.match(err.invalidParams[0].reason, /idporten does not support the headless flow/);
  });

  it("refuses headless sbid without the person's IP address, or with one that is not an address", async () => {
    for (const [params, reason] of [
      [{ sbid_flow: 'QR' }, /required/],
      [{ sbid_flow: 'QR', sbid_end_user_ip: 'localhost' }, /IPv4 or IPv6/],
    ] as const) {
      const err = assertApiError(await create(headlessRequest({ additionalParameters: params })), 400, 'invalid_request_parameter');
      assert.equal(err.invalidParams[0].name, 'additionalParameters.sbid_end_user_ip');
      assert.match(err.invalidParams[0].reason, reason);
    }
  });
});

describe('the RP API connection', () => {
  it('refuses a server certificate not issued by the configured CA: the session ends in ERROR, provider_unavailable', async () => {
    const sim = await startSbid();
    const other = await startSbid();
    const tb = await startBroker({}, { orderPolling: { pollIntervalMs: 300 } });
    try {
      const token = await getToken(tb.base, tb.clientId, tb.clientSecret);
      // The account trusts another BankID CA than the one that issued this RP API's server certificate; with
      // the RP certificate as PKCS#12 (whose bundled CA Node would trust too) and as PEM.
      for (const pem of [false, true]) {
        await configureSbid(tb, sim, { caCertPem: other.caCertPem, pem });
        const r = await call(tb.base, 'POST', '/auth/rest/sessions', { token, body: headlessRequest() });
        assert.equal(r.status, 200);
        assert.equal(r.body.status, 'ERROR', `pem=${pem}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, 'provider_unavailable');
        assert.equal(r.body.idpData, undefined);
      }
      assert.match(tb.logs.text, /certificate/i, 'the log says why: the certificate');
      // The same broker with the right CA gets through (the refusal was the CA, nothing else).
      await configureSbid(tb, sim);
      const ok = await call(tb.base, 'POST', '/auth/rest/sessions', { token, body: headlessRequest() });
      assert.equal(ok.body.status, 'CREATED');
    } finally {
      await tb.close();
      await Promise.all([sim.close(), other.close()]);
    }
  });
});
