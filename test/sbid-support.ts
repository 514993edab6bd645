// Swedish BankID in tests: the real simulator (RP API over mutual TLS, and its test app playing the
// person's phone), a test broker's account configured against it, and the test app's forms driven over
// plain HTTP, as a person's taps would.
import assert from 'node:assert/strict';
import { type RunningSbidSimulator, startSbidSimulator } from '../src/simulator/sbid/index.ts';
import { call, type TestBroker } from './helpers.ts';

export const ASTRID = '199003152387';

export async function startSbid(o: Parameters<typeof startSbidSimulator>[0] = {}): Promise<RunningSbidSimulator> {
  return startSbidSimulator({ host: '127.0.0.1', ...o });
}

/** The account's sbid configuration at the simulator: its CA, its RP certificate as PKCS#12 (or PEM). */
export async function configureSbid(tb: TestBroker, sim: RunningSbidSimulator, o: { pem?: boolean; caCertPem?: string } = {}) {
  const identity =
    o.pem || !sim.rpPfx
      ? { rpCertPem: sim.rpCertPem, rpKeyPem: sim.rpKeyPem }
      : { rpPfxBase64: sim.rpPfx.toString('base64'), rpPfxPassphrase: sim.rpPfxPassphrase ?? '' };
  await tb.broker.providerConfigs.save(tb.accountId, {
    providerId: 'sbid',
    issuer: sim.rpApiUrl,
    clientId: '',
    clientAuth: 'client_secret_basic',
    par: false,
    bankid: { apiUrl: sim.rpApiUrl, caCertPem: o.caCertPem ?? sim.caCertPem, launchUrl: `${sim.appUrl}/app` },
    ...identity,
  });
}

/** A GET that does not follow redirects: the Location, or the page. */
async function get(url: string): Promise<{ status: number; location: string | null; text: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

/** The test app's order page for a QR code scanned or an autostart link opened: its app token. */
export async function openInApp(appUrl: string, start: { qr: string } | { autostarttoken: string; redirect?: string }): Promise<string> {
  const path =
    'qr' in start
      ? `/app/scan?qr=${encodeURIComponent(start.qr)}&lang=en`
      : `/app?autostarttoken=${encodeURIComponent(start.autostarttoken)}&redirect=${encodeURIComponent(start.redirect ?? 'null')}&lang=en`;
  const r = await get(`${appUrl}${path}`);
  assert.equal(r.status, 303, `the test app refused the start: ${r.status} ${r.text.slice(0, 300)}`);
  const token = new URL(r.location ?? '', appUrl).searchParams.get('t');
  assert.ok(token, 'the test app named the order');
  return token;
}

/** A form post in the test app, as its buttons do; the redirect it answers with. */
export async function appAction(appUrl: string, token: string, action: 'identify' | 'approve' | 'cancel', person?: string) {
  const body = new URLSearchParams({ t: token, lang: 'en', action, ...(person ? { person } : {}) });
  const res = await fetch(`${appUrl}/app/order`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  assert.equal(res.status, 303, `the test app refused ${action}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.headers.get('location');
}

/** The person picks their BankID and approves. */
export async function approveInApp(appUrl: string, token: string, person = ASTRID): Promise<string | null> {
  await appAction(appUrl, token, 'identify', person);
  return appAction(appUrl, token, 'approve');
}

/** A headless request for Swedish BankID, as Signicat's SDK sends one. */
export const headlessRequest = (overrides: Record<string, unknown> = {}) => ({
  flow: 'headless',
  allowedProviders: ['sbid'],
  requestedAttributes: ['nin', 'name', 'firstName', 'lastName', 'dateOfBirth', 'sbidDeviceIp'],
  language: 'en',
  externalReference: 'order-4711',
  additionalParameters: { sbid_flow: 'QR', sbid_end_user_ip: '192.0.2.10' },
  ...overrides,
});

/** Reads the session until `until` holds (the broker polls BankID in the background), within a bound. */
export async function pollSession(base: string, token: string, id: string, until: (s: any) => boolean, ms = 10_000): Promise<any> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await call(base, 'GET', `/auth/rest/sessions/${id}`, { token });
    assert.equal(r.status, 200);
    if (until(r.body)) return r.body;
    if (Date.now() > deadline) throw new Error(`session never reached the expected state: ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
