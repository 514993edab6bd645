// The Swedish BankID simulator over real HTTPS with mutual TLS (undici Agent with the RP certificate), its
// test app over HTTP, and its certificates on disk. An RP's view: /auth, compute the animated QR, let the
// "phone" scan or open it, poll /collect.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Agent, fetch } from 'undici';
import { generatePki } from '../src/simulator/sbid/certs.ts';
import { isValidPersonalNumber, luhnDigit, withCheckDigit } from '../src/simulator/sbid/people.ts';
import { DEFAULT_SWEDISH_PEOPLE, type RunningSbidSimulator, startSbidSimulator } from '../src/simulator/sbid/index.ts';

type Json = Record<string, unknown>;

function rpAgent(sim: RunningSbidSimulator): Agent {
  return new Agent({ connect: { ca: sim.caCertPem, cert: sim.rpCertPem, key: sim.rpKeyPem } });
}

async function rpCall(
  sim: RunningSbidSimulator,
  agent: Agent,
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${sim.rpApiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    dispatcher: agent,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** What an RP computes every second: bankid.<qrStartToken>.<seconds>.<hex HMAC-SHA256(qrStartSecret, seconds)>. */
function rpQr(order: Json, seconds: number): string {
  const code = createHmac('sha256', order.qrStartSecret as string)
    .update(String(seconds))
    .digest('hex');
  return `bankid.${order.qrStartToken}.${seconds}.${code}`;
}

/** The test app: GET a start URL, follow to the order page; returns the page and its token. */
async function openApp(url: string): Promise<{ status: number; html: string; token?: string; location?: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  if (res.status !== 303) return { status: res.status, html: await res.text() };
  const location = res.headers.get('location')!;
  const page = await fetch(new URL(location, url), { redirect: 'manual' });
  const html = await page.text();
  const token = /name="t" value="([^"]+)"/.exec(html)?.[1];
  return { status: page.status, html, token, location };
}

async function appPost(sim: RunningSbidSimulator, form: Record<string, string>): Promise<Response> {
  return (await fetch(`${sim.appUrl}/app/order`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  })) as unknown as Response;
}

/** Polls collect (as an RP does, but faster) until the status leaves pending or the hint matches. */
async function collectUntil(
  sim: RunningSbidSimulator,
  agent: Agent,
  orderRef: string,
  done: (b: Json) => boolean,
  timeoutMs = 10_000,
): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await rpCall(sim, agent, '/collect', { orderRef });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (done(r.body)) return r.body;
    if (Date.now() > deadline) throw new Error(`collect never matched: ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('personnummer', () => {
  it('computes the Luhn digit over the last ten digits, accepts samordningsnummer, refuses wrong dates and digits', () => {
    assert.equal(luhnDigit('811218987'), 6); // Skatteverket's documented example 811218-9876
    assert.equal(isValidPersonalNumber('198112189876'), true);
    assert.equal(isValidPersonalNumber('198112189875'), false);
    assert.equal(isValidPersonalNumber('19811218987'), false);
    assert.equal(isValidPersonalNumber(withCheckDigit('19811318987')), false); // month 13
    assert.equal(isValidPersonalNumber(withCheckDigit('19850881173')), true); // samordningsnummer: day 81 = 21 + 60
    assert.equal(isValidPersonalNumber(withCheckDigit('19850892173')), false); // day 92 - 60 = 32
  });

  it('ships valid synthetic people, at least one with a samordningsnummer and one flagged certificateErr', () => {
    for (const p of DEFAULT_SWEDISH_PEOPLE) assert.ok(isValidPersonalNumber(p.personalNumber), p.personalNumber);
    assert.ok(DEFAULT_SWEDISH_PEOPLE.some((p) => Number(p.personalNumber.slice(6, 8)) > 60));
    assert.ok(DEFAULT_SWEDISH_PEOPLE.some((p) => p.certificateErr));
  });
});

describe('Swedish BankID simulator: RP API and test app', () => {
  let sim: RunningSbidSimulator;
  let agent: Agent;
  // The simulator's clock in this suite moves only when a test moves it, so QR timing is exact on any machine.
  let simNow = Date.now();
  before(async () => {
    sim = await startSbidSimulator({ clock: () => simNow });
    agent = rpAgent(sim);
  });
  after(async () => {
    await agent.close();
    await sim.close();
  });

  const auth = async (body: Json = { endUserIp: '192.0.2.10' }) => {
    const r = await rpCall(sim, agent, '/auth', body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };

  it('auth → QR scanned in the test app → started → person chosen → userSign → approved → complete with completionData', async () => {
    const order = await auth({ endUserIp: '192.0.2.10', returnRisk: true });
    assert.deepEqual(Object.keys(order).sort(), ['autoStartToken', 'orderRef', 'qrStartSecret', 'qrStartToken']);
    const first = await rpCall(sim, agent, '/collect', { orderRef: order.orderRef });
    assert.deepEqual(first.body, { orderRef: order.orderRef, status: 'pending', hintCode: 'outstandingTransaction' });

    const scanned = await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 0))}`);
    assert.equal(scanned.status, 200, scanned.html);
    assert.match(scanned.html, /BankID simulator — not the real BankID/);
    assert.ok(scanned.token);
    assert.equal((await collectUntil(sim, agent, order.orderRef as string, () => true)).hintCode, 'started');

    const person = DEFAULT_SWEDISH_PEOPLE[0]!;
    const chose = await appPost(sim, { t: scanned.token!, action: 'identify', person: person.personalNumber });
    assert.equal(chose.status, 303);
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).body.hintCode, 'userSign');

    const approved = await appPost(sim, { t: scanned.token!, action: 'approve' });
    assert.equal(approved.status, 303); // another device: no redirect to the RP, the app shows "done"
    assert.match(approved.headers.get('location') ?? '', /^\/app\/order\?t=/);

    const done = await rpCall(sim, agent, '/collect', { orderRef: order.orderRef });
    assert.equal(done.body.status, 'complete');
    assert.equal(done.body.hintCode, undefined);
    const cd = done.body.completionData as Json;
    const user = cd.user as Json;
    assert.deepEqual(user, {
      personalNumber: person.personalNumber,
      name: `${person.givenName} ${person.surname}`,
      givenName: person.givenName,
      surname: person.surname,
    });
    assert.match(user.personalNumber as string, /^\d{12}$/);
    assert.ok(isValidPersonalNumber(user.personalNumber as string));
    const device = cd.device as Json;
    assert.equal(device.ipAddress, '127.0.0.1');
    assert.match(device.uhi as string, /^[A-Za-z0-9+/=]{20,}$/);
    assert.match(cd.bankIdIssueDate as string, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(cd.risk, 'low');
    const xml = Buffer.from(cd.signature as string, 'base64').toString('utf8');
    assert.match(xml, /^<\?xml[^>]*\?><Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">/);
    assert.match(xml, /<bankIdSignedData xmlns="http:\/\/www\.bankid\.com\/signature\/v1\.0\.0\/types" Id="bidSignedData">/);
    assert.match(xml, /<funcId>Identification<\/funcId>/);
    const ocsp = Buffer.from(cd.ocspResponse as string, 'base64');
    assert.equal(ocsp[0], 0x30); // a DER SEQUENCE, shaped like an OCSPResponse

    // The final result is handed out once (BankID: "the order cannot be collected twice").
    const again = await rpCall(sim, agent, '/collect', { orderRef: order.orderRef });
    assert.equal(again.status, 400);
    assert.equal(again.body.errorCode, 'invalidParameters');
  });

  it('same device: /app?autostarttoken opens the order; after approve the app goes to redirect', async () => {
    const order = await auth();
    const redirect = 'https://rp.example/back?x=1';
    // A HEAD (a link preview, a prefetch) does not open the app.
    const head = await fetch(`${sim.appUrl}/app?autostarttoken=${order.autoStartToken}`, { method: 'HEAD', redirect: 'manual' });
    assert.notEqual(head.status, 303);
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).body.hintCode, 'outstandingTransaction');
    const opened = await openApp(`${sim.appUrl}/app?autostarttoken=${order.autoStartToken}&redirect=${encodeURIComponent(redirect)}`);
    assert.equal(opened.status, 200);
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).body.hintCode, 'started');
    await appPost(sim, { t: opened.token!, action: 'identify', person: DEFAULT_SWEDISH_PEOPLE[3]!.personalNumber });
    const approved = await appPost(sim, { t: opened.token!, action: 'approve' });
    assert.equal(approved.status, 303);
    assert.equal(approved.headers.get('location'), redirect);
    const done = await rpCall(sim, agent, '/collect', { orderRef: order.orderRef });
    assert.equal(done.body.status, 'complete');
    const cd = done.body.completionData as Json;
    assert.equal((cd.user as Json).personalNumber, DEFAULT_SWEDISH_PEOPLE[3]!.personalNumber);
    // Only what was asked for: no risk without returnRisk, no stepUp without requirement.mrtd.
    assert.equal('risk' in cd, false);
    assert.equal('stepUp' in cd, false);
  });

  it('returnUrl from /auth overrides the launch redirect; a non-http redirect is refused', async () => {
    const order = await auth({ endUserIp: '192.0.2.10', returnUrl: 'https://rp.example/return' });
    const bad = await fetch(`${sim.appUrl}/app?autostarttoken=${order.autoStartToken}&redirect=javascript:alert(1)`, {
      redirect: 'manual',
    });
    assert.equal(bad.status, 400);
    const opened = await openApp(
      `${sim.appUrl}/app?autostarttoken=${order.autoStartToken}&redirect=${encodeURIComponent('https://other.example/')}`,
    );
    // The page's CSP lets its form redirect to exactly the RP's origin.
    const page = await fetch(new URL(opened.location!, sim.appUrl));
    assert.match(page.headers.get('content-security-policy') ?? '', /form-action 'self' https:\/\/rp\.example(;|$)/);
    const cancelled = await appPost(sim, { t: opened.token!, action: 'cancel' });
    assert.equal(cancelled.headers.get('location'), 'https://rp.example/return');
  });

  it('cancel in the test app → failed userCancel', async () => {
    const order = await auth();
    const scanned = await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 0))}`);
    const res = await appPost(sim, { t: scanned.token!, action: 'cancel' });
    assert.equal(res.status, 303);
    const r = await rpCall(sim, agent, '/collect', { orderRef: order.orderRef });
    assert.deepEqual(r.body, { orderRef: order.orderRef, status: 'failed', hintCode: 'userCancel' });
  });

  it('a person flagged certificateErr → failed certificateErr', async () => {
    const order = await auth();
    const scanned = await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 0))}`);
    const revoked = DEFAULT_SWEDISH_PEOPLE.find((p) => p.certificateErr)!;
    await appPost(sim, { t: scanned.token!, action: 'identify', person: revoked.personalNumber });
    await appPost(sim, { t: scanned.token!, action: 'approve' });
    const r = await rpCall(sim, agent, '/collect', { orderRef: order.orderRef });
    assert.deepEqual(r.body, { orderRef: order.orderRef, status: 'failed', hintCode: 'certificateErr' });
  });

  it('RP /cancel → {}; then collect and a second cancel answer invalidParameters; the app says the service cancelled', async () => {
    const order = await auth();
    const scanned = await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 0))}`);
    const c = await rpCall(sim, agent, '/cancel', { orderRef: order.orderRef });
    assert.deepEqual(c, { status: 200, body: {} });
    const r = await rpCall(sim, agent, '/collect', { orderRef: order.orderRef });
    assert.deepEqual(r, { status: 400, body: { errorCode: 'invalidParameters', details: 'No such order' } });
    assert.equal((await rpCall(sim, agent, '/cancel', { orderRef: order.orderRef })).body.errorCode, 'invalidParameters');
    const page = await fetch(new URL(scanned.location!, sim.appUrl));
    assert.match(await page.text(), /The service cancelled the order/);
    // The phone can no longer approve it.
    await appPost(sim, { t: scanned.token!, action: 'identify', person: DEFAULT_SWEDISH_PEOPLE[0]!.personalNumber });
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).status, 400);
  });

  it('test app forms act only with the token of the page that started the order (CSRF-safe)', async () => {
    const order = await auth();
    const scanned = await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 0))}`);
    for (const t of ['', 'guess', order.orderRef as string, order.autoStartToken as string]) {
      const res = await appPost(sim, { t, action: 'cancel' });
      assert.equal(res.status, 404, t);
    }
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).body.hintCode, 'started');
    assert.equal((await appPost(sim, { t: scanned.token!, action: 'bogus' })).status, 400);
    // Repeated fields are a caller's mistake: a clear 4xx page, never a 500.
    const twice = await fetch(`${sim.appUrl}/app/scan?qr=a&qr=b`);
    assert.equal(twice.status, 200); // no single qr given: the paste form again
    const twiceStart = await fetch(`${sim.appUrl}/app?autostarttoken=a&autostarttoken=b`);
    assert.equal(twiceStart.status, 200);
    const twicePost = await fetch(`${sim.appUrl}/app/order`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `t=${scanned.token}&t=x&action=cancel`,
    });
    assert.equal(twicePost.status, 404);
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).body.hintCode, 'started');
    await rpCall(sim, agent, '/cancel', { orderRef: order.orderRef });
  });

  it('refuses a stale QR code (from 5 s ago) and a forged one, with a clear page; accepts the current one', async () => {
    const order = await auth();
    simNow += 10_000; // the order is now 10 s old
    const stale = await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 5))}`);
    assert.equal(stale.status, 400);
    assert.match(stale.html, /too old/);
    const forged = rpQr(order, 10).replace(/.{4}$/, '0000');
    const f = await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(forged)}`);
    assert.equal(f.status, 400);
    assert.match(f.html, /not computed with this order/);
    const wrongSecret = rpQr({ ...order, qrStartSecret: 'not-the-secret' }, 10);
    assert.equal((await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(wrongSecret)}`)).status, 400);
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).body.hintCode, 'noClient');
    const fresh = await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 10))}`);
    assert.equal(fresh.status, 200);
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).body.hintCode, 'started');
    // A second scan of the same order is refused.
    assert.equal((await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 10))}`)).status, 409);
  });

  it('a complete result is collectable for 3 minutes (then unknown), a failed one longer (5)', async () => {
    const completed = await auth();
    const opened = await openApp(`${sim.appUrl}/app?autostarttoken=${completed.autoStartToken}`);
    await appPost(sim, { t: opened.token!, action: 'identify', person: DEFAULT_SWEDISH_PEOPLE[0]!.personalNumber });
    await appPost(sim, { t: opened.token!, action: 'approve' });
    const failed = await auth();
    const scanned = await openApp(`${sim.appUrl}/app?autostarttoken=${failed.autoStartToken}`);
    await appPost(sim, { t: scanned.token!, action: 'cancel' });
    simNow += 3 * 60_000 + 1000;
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: completed.orderRef })).body.details, 'No such order');
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: failed.orderRef })).body.hintCode, 'userCancel');
  });

  it('tolerates one second of skew either side, no more', async () => {
    const order = await auth();
    simNow += 4_500; // 4.5 s into the order: second 4 is current
    assert.equal((await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 2))}`)).status, 400);
    assert.equal((await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 6))}`)).status, 400);
    assert.equal((await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 3))}`)).status, 200);
  });

  it('alreadyInProgress: a second order for the same personalNumber is refused and the first fails cancelled', async () => {
    const pnr = DEFAULT_SWEDISH_PEOPLE[1]!.personalNumber;
    const first = await auth({ endUserIp: '192.0.2.10', requirement: { personalNumber: pnr } });
    const second = await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.11', requirement: { personalNumber: pnr } });
    assert.equal(second.status, 400);
    assert.equal(second.body.errorCode, 'alreadyInProgress');
    assert.equal(typeof second.body.details, 'string');
    const r = await rpCall(sim, agent, '/collect', { orderRef: first.orderRef });
    assert.deepEqual(r.body, { orderRef: first.orderRef, status: 'failed', hintCode: 'cancelled' });
    // With no order in progress, the next one is accepted.
    await auth({ endUserIp: '192.0.2.10', requirement: { personalNumber: pnr } });
  });

  it('requirement.mrtd: after choosing a BankID the order waits at userMrtd until the passport is read, then userSign', async () => {
    const order = await auth({ endUserIp: '192.0.2.10', requirement: { mrtd: true } });
    const scanned = await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 0))}`);
    await appPost(sim, { t: scanned.token!, action: 'identify', person: DEFAULT_SWEDISH_PEOPLE[0]!.personalNumber });
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).body.hintCode, 'userMrtd');
    const page = await (await fetch(new URL(scanned.location!, sim.appUrl))).text();
    assert.match(page, /Read your passport or ID card/);
    // Approving before the document is read does nothing.
    await appPost(sim, { t: scanned.token!, action: 'approve' });
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).body.hintCode, 'userMrtd');
    await appPost(sim, { t: scanned.token!, action: 'mrtd' });
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: order.orderRef })).body.hintCode, 'userSign');
    await appPost(sim, { t: scanned.token!, action: 'approve' });
    const done = await rpCall(sim, agent, '/collect', { orderRef: order.orderRef });
    assert.equal(done.body.status, 'complete');
    assert.deepEqual((done.body.completionData as Json).stepUp, { mrtd: true });
  });

  it('an order requiring a personalNumber offers only that person in the app', async () => {
    const pnr = DEFAULT_SWEDISH_PEOPLE[2]!.personalNumber;
    const order = await auth({ endUserIp: '192.0.2.10', requirement: { personalNumber: pnr } });
    const scanned = await openApp(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(rpQr(order, 0))}`);
    assert.equal([...scanned.html.matchAll(/type="radio"/g)].length, 1);
    assert.match(scanned.html, new RegExp(`value="${pnr}"`));
    const other = await appPost(sim, { t: scanned.token!, action: 'identify', person: DEFAULT_SWEDISH_PEOPLE[0]!.personalNumber });
    assert.equal(other.status, 400);
    await rpCall(sim, agent, '/cancel', { orderRef: order.orderRef });
  });

  it('maintenance: the switch makes every RP call 503 maintenance, and back', async () => {
    sim.setMaintenance(true);
    try {
      const r = await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.10' });
      assert.equal(r.status, 503);
      assert.equal(r.body.errorCode, 'maintenance');
    } finally {
      sim.setMaintenance(false);
    }
    assert.equal((await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.10' })).status, 200);
    // The same switch over HTTP, for people and scripts.
    const on = await fetch(`${sim.appUrl}/admin/maintenance`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maintenance: true }),
    });
    assert.equal(on.status, 200);
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: 'x' })).status, 503);
    await fetch(`${sim.appUrl}/admin/maintenance`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maintenance: false }),
    });
    assert.equal((await rpCall(sim, agent, '/collect', { orderRef: 'x' })).status, 400);
  });

  it('error injection: the next calls answer the injected error with its status, then the API is back', async () => {
    sim.injectError('internalError', 2);
    assert.deepEqual((await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.10' })).status, 500);
    const second = await rpCall(sim, agent, '/collect', { orderRef: 'x' });
    assert.equal(second.status, 500);
    assert.equal(second.body.errorCode, 'internalError');
    assert.equal((await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.10' })).status, 200);
    const put = await fetch(`${sim.appUrl}/admin/inject-error`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorCode: 'requestTimeout' }),
    });
    assert.equal(put.status, 200);
    assert.equal((await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.10' })).body.errorCode, 'requestTimeout');
    assert.equal((await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.10' })).status, 200);
    const bad = await fetch(`${sim.appUrl}/admin/inject-error`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorCode: 'nope' }),
    });
    assert.equal(bad.status, 400);
  });

  it("answers bad requests with BankID's error object and status", async () => {
    assert.deepEqual(await rpCall(sim, agent, '/auth', {}), {
      status: 400,
      body: { errorCode: 'invalidParameters', details: 'Invalid endUserIp' },
    });
    assert.equal(
      (await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.1', requirement: { personalNumber: '198112189875' } })).body.details,
      'Invalid requirement.personalNumber',
    );
    assert.equal((await rpCall(sim, agent, '/sign', { endUserIp: '192.0.2.1' })).body.details, 'Missing userVisibleData');
    assert.equal((await rpCall(sim, agent, '/auth', '{not json')).body.errorCode, 'invalidParameters');
    assert.deepEqual((await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.1' }, 'application/json; charset=utf-8')).status, 415);
    assert.equal(
      (await rpCall(sim, agent, '/auth', 'endUserIp=1', 'application/x-www-form-urlencoded')).body.errorCode,
      'unsupportedMediaType',
    );
    assert.deepEqual(await rpCall(sim, agent, '/phone/nope', {}), {
      status: 404,
      body: { errorCode: 'notFound', details: 'No such endpoint' },
    });
    const get = await fetch(`${sim.rpApiUrl}/collect`, { dispatcher: agent });
    assert.equal(get.status, 405);
    assert.equal(((await get.json()) as Json).errorCode, 'methodNotAllowed');
    assert.deepEqual(await rpCall(sim, agent, '/collect', { orderRef: '00000000-0000-4000-8000-000000000000' }), {
      status: 400,
      body: { errorCode: 'invalidParameters', details: 'No such order' },
    });
  });

  it('sign: userVisibleData is shown in the app, the signature says Signing, requirement.mrtd gives stepUp', async () => {
    const text = 'Jag godkänner avtalet <b>&</b>';
    const r = await rpCall(sim, agent, '/sign', {
      endUserIp: '192.0.2.1',
      userVisibleData: Buffer.from(text).toString('base64'),
      requirement: { mrtd: true },
    });
    assert.equal(r.status, 200);
    const opened = await openApp(`${sim.appUrl}/app?autostarttoken=${r.body.autoStartToken}`);
    assert.match(opened.html, /Jag godkänner avtalet &lt;b&gt;&amp;&lt;\/b&gt;/); // the RP's text is escaped, never markup
    await appPost(sim, { t: opened.token!, action: 'identify', person: DEFAULT_SWEDISH_PEOPLE[0]!.personalNumber });
    await appPost(sim, { t: opened.token!, action: 'mrtd' });
    await appPost(sim, { t: opened.token!, action: 'approve' });
    const done = await rpCall(sim, agent, '/collect', { orderRef: r.body.orderRef });
    const cd = done.body.completionData as Json;
    assert.deepEqual(cd.stepUp, { mrtd: true });
    const xml = Buffer.from(cd.signature as string, 'base64').toString('utf8');
    assert.match(xml, /<funcId>Signing<\/funcId>/);
    assert.match(xml, /<condition><type>Mrtd<\/type><value>yes<\/value><\/condition>/);
  });

  it('refuses a client with no certificate, or with a certificate from another CA (401 unauthorized)', async () => {
    const none = new Agent({ connect: { ca: sim.caCertPem } });
    const other = await generatePki();
    const foreign = new Agent({ connect: { ca: sim.caCertPem, cert: other.rpCertPem, key: other.rpKeyPem } });
    try {
      for (const a of [none, foreign]) {
        const r = await rpCall(sim, a, '/auth', { endUserIp: '192.0.2.10' });
        assert.equal(r.status, 401);
        assert.equal(r.body.errorCode, 'unauthorized');
      }
    } finally {
      await none.close();
      await foreign.close();
    }
    // The RP client must check the server too: a client trusting another CA refuses the simulator.
    const distrust = new Agent({ connect: { ca: other.caCertPem, cert: sim.rpCertPem, key: sim.rpKeyPem } });
    await assert.rejects(rpCall(sim, distrust, '/auth', { endUserIp: '192.0.2.10' }));
    await distrust.close();
  });

  it('accepts the RP certificate as PKCS#12 with passphrase qwerty123', async () => {
    assert.equal(sim.rpPfxPassphrase, 'qwerty123');
    const pfx = new Agent({ connect: { ca: sim.caCertPem, pfx: sim.rpPfx!, passphrase: sim.rpPfxPassphrase! } });
    assert.equal((await rpCall(sim, pfx, '/auth', { endUserIp: '192.0.2.10' })).status, 200);
    await pfx.close();
  });

  it('test app pages: strict CSP, labelled as a simulator, in Swedish too', async () => {
    const res = await fetch(`${sim.appUrl}/app/scan`, { headers: { 'accept-language': 'sv-SE,sv;q=0.9' } });
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const html = await res.text();
    assert.match(html, /<html lang="sv">/);
    assert.match(html, /BankID-simulator — inte det riktiga BankID/);
    assert.doesNotMatch(html, /<script/);
  });
});

describe('Swedish BankID simulator: fuzzed RP requests', () => {
  let sim: RunningSbidSimulator;
  let agent: Agent;
  before(async () => {
    sim = await startSbidSimulator();
    agent = rpAgent(sim);
  });
  after(async () => {
    await agent.close();
    await sim.close();
  });

  const nasty = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom('\u0000', '\ud800', '', '192.0.2.1', '::1', '198112189876', 'simpleMarkdownV1', 'QQ==', 'https://rp.example/'),
    fc.string({ minLength: 400, maxLength: 3000 }),
  );
  const value: fc.Arbitrary<unknown> = fc.oneof(
    nasty,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(nasty, { maxLength: 3 }),
  );
  const body = fc.oneof(
    fc.record(
      {
        endUserIp: value,
        returnUrl: value,
        returnRisk: value,
        userVisibleData: value,
        userVisibleDataFormat: value,
        userNonVisibleData: value,
        orderRef: value,
        requirement: fc.oneof(
          value,
          fc.record(
            { personalNumber: value, mrtd: value, pinCode: value, cardReader: value, certificatePolicies: value },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
    value,
  );

  it('whatever the body, the answer is a success shape or a 4xx {errorCode, details}, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/auth', '/sign', '/collect', '/cancel'), body, async (path, b) => {
        const r = await rpCall(sim, agent, path, JSON.stringify(b));
        assert.ok(r.status < 500, `${path} ${JSON.stringify(b)} → ${r.status} ${JSON.stringify(r.body)}`);
        if (r.status >= 400) {
          assert.deepEqual(Object.keys(r.body).sort(), ['details', 'errorCode']);
          assert.equal(typeof r.body.details, 'string');
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});

describe('Swedish BankID simulator: timeouts', () => {
  let sim: RunningSbidSimulator;
  let agent: Agent;
  before(async () => {
    // 3 s: long enough for the test to open the app first even on a loaded machine.
    sim = await startSbidSimulator({ orderTtlSeconds: 3, startWindowSeconds: 30 });
    agent = rpAgent(sim);
  });
  after(async () => {
    await agent.close();
    await sim.close();
  });

  it('an order not completed within its TTL fails expiredTransaction, and the app can no longer start it', async () => {
    const order = (await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.10' })).body;
    const r = await collectUntil(sim, agent, order.orderRef as string, (b) => b.status !== 'pending');
    assert.deepEqual(r, { orderRef: order.orderRef, status: 'failed', hintCode: 'expiredTransaction' });
    assert.equal((await openApp(`${sim.appUrl}/app?autostarttoken=${order.autoStartToken}`)).status, 409);
  });

  it('a started order still expires', async () => {
    const order = (await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.10' })).body;
    const opened = await openApp(`${sim.appUrl}/app?autostarttoken=${order.autoStartToken}`);
    assert.equal(opened.status, 200);
    const r = await collectUntil(sim, agent, order.orderRef as string, (b) => b.status !== 'pending');
    assert.equal(r.hintCode, 'expiredTransaction');
  });
});

describe('Swedish BankID simulator: start window', () => {
  it('an order whose QR is never scanned within the start window fails startFailed', async () => {
    const sim = await startSbidSimulator({ orderTtlSeconds: 60, startWindowSeconds: 1 });
    const agent = rpAgent(sim);
    try {
      const order = (await rpCall(sim, agent, '/auth', { endUserIp: '192.0.2.10' })).body;
      const r = await collectUntil(sim, agent, order.orderRef as string, (b) => b.status !== 'pending');
      assert.deepEqual(r, { orderRef: order.orderRef, status: 'failed', hintCode: 'startFailed' });
    } finally {
      await agent.close();
      await sim.close();
    }
  });
});

describe('Swedish BankID simulator: certificates in a data directory', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eidgate-sbid-sim-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('creates the CA and certificates on first start and keeps them across a restart', async () => {
    const first = await startSbidSimulator({ dataDir: dir });
    const { caCertPem, rpCertPem, rpKeyPem } = first;
    assert.ok(first.certPaths);
    await first.close();
    const second = await startSbidSimulator({ dataDir: dir });
    try {
      assert.equal(second.caCertPem, caCertPem);
      assert.equal(second.rpCertPem, rpCertPem);
      // An RP configured against the first run still gets in.
      const agent = new Agent({ connect: { ca: caCertPem, cert: rpCertPem, key: rpKeyPem } });
      assert.equal((await rpCall(second, agent, '/auth', { endUserIp: '192.0.2.10' })).status, 200);
      await agent.close();
      // Issued by the right CA is not enough: the server's own certificate (no clientAuth usage) is refused.
      const serverAsClient = new Agent({
        connect: { ca: caCertPem, cert: await readFile(join(dir, 'server.pem')), key: await readFile(join(dir, 'server.key.pem')) },
      });
      assert.equal((await rpCall(second, serverAsClient, '/auth', { endUserIp: '192.0.2.10' })).status, 401);
      await serverAsClient.close();
    } finally {
      await second.close();
    }
  });
});

describe('Swedish BankID simulator: people and standalone use', () => {
  it('refuses a people list with an invalid personnummer, naming the entry', async () => {
    await assert.rejects(
      startSbidSimulator({ people: [{ personalNumber: '198112189875', givenName: 'A', surname: 'B' }] }),
      /people\[0\]\.personalNumber/,
    );
  });

  it('runs standalone: prints the URLs and certificate paths, and the printed RP certificate works', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eidgate-sbid-cli-'));
    const child = spawn(process.execPath, ['src/simulator/sbid/main.ts'], {
      env: { PATH: process.env.PATH, SBID_SIM_RP_PORT: '0', SBID_SIM_APP_PORT: '0', SBID_SIM_DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('RP PKCS#12')) resolve();
        });
        exited.then(([code]) => reject(new Error(`exited ${code}: ${err}`)));
      });
      const rpApiUrl = /RP API \(mutual TLS\):\s+(\S+)/.exec(out)?.[1];
      assert.match(rpApiUrl ?? '', /^https:\/\/localhost:\d+\/rp\/v6\.0$/);
      assert.match(out, /test app:\s+http:\/\/localhost:\d+\/app\?autostarttoken=/);
      for (const f of ['ca.pem', 'rp.pem', 'rp.key.pem', 'rp.p12']) {
        assert.ok(out.includes(join(dir, f)), f);
        assert.ok(existsSync(join(dir, f)), f);
      }
      const agent = new Agent({
        connect: { ca: await readFile(join(dir, 'ca.pem')), pfx: await readFile(join(dir, 'rp.p12')), passphrase: 'qwerty123' },
      });
      const res = await fetch(`${rpApiUrl}/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ endUserIp: '192.0.2.1' }),
        dispatcher: agent,
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      await agent.close();
    } finally {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
