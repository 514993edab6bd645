// Swedish BankID's hosted page in a real browser (Debian's Chromium): the animated QR code scanned through
// the simulator's test app on "another device" (a second browser context), the app opened on the same device,
// the person cancelling in the app, the order expiring at BankID, the session expiring, and a stale QR code
// that the simulator refuses. The broker polls the simulator's RP API over mutual TLS in the background.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { RunningSbidSimulator } from '../src/simulator/sbid/index.ts';
import { call, getToken, startBroker, type TestBroker, validSessionRequest } from './helpers.ts';
import { ASTRID, configureSbid, startSbid } from './sbid-support.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The service's callback pages: a server of the test's own (a redirect chain ends there, so no route can stand in). */
let APP = '';
let service: Server;
const QR_RE = /^bankid\.[0-9a-f-]+\.\d+\.[0-9a-f]{64}$/;

async function assertAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await (
      globalThis as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; nodes: { html: string }[] }[] }> };
      }
    ).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.html).slice(0, 3) }));
  });
  assert.deepEqual(violations, [], `${label}: ${JSON.stringify(violations, null, 2)}`);
}

describe('sbid in a real browser', { skip: !existsSync(CHROMIUM) && `no browser at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let t: TestBroker;
  let sim: RunningSbidSimulator;
  let token: string;
  /** The simulator's clock runs this far ahead of the wall clock: how a test ages an order without waiting. */
  let simAhead = 0;

  before(async () => {
    service = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Service</title>'));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    APP = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    sim = await startSbid({ clock: () => Date.now() + simAhead, orderTtlSeconds: 180 });
    t = await startBroker({}, { orderPolling: { pollIntervalMs: 300 } });
    await configureSbid(t, sim);
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
    service?.close();
  });

  const newSession = async (language = 'en') =>
    (
      await call(t.base, 'POST', '/auth/rest/sessions', {
        token,
        body: validSessionRequest({
          language,
          allowedProviders: ['sbid'],
          requestedAttributes: ['nin', 'name', 'dateOfBirth'],
          requestedLoa: 'substantial',
          callbackUrls: { success: `${APP}/success`, abort: `${APP}/abort`, error: `${APP}/error` },
        }),
      })
    ).body;

  /** A page (own browser context: the person's computer) with the service's pages answered here. */
  async function computer(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    return { context, page };
  }

  const currentQr = async (page: Page) => {
    const qr = await page.getAttribute('[data-qr]', 'data-qr');
    assert.match(qr ?? '', QR_RE);
    return qr as string;
  };

  /** The code the page shows as soon as it has drawn the next one: what a phone held up to the screen reads. */
  const freshQr = async (page: Page) => {
    const before = await currentQr(page);
    await page.waitForFunction((q) => document.querySelector('[data-qr]')?.getAttribute('data-qr') !== q, before, { timeout: 5000 });
    return currentQr(page);
  };

  /** The phone: another browser context opens the test app's scanner with the code the computer shows now. */
  async function scan(computerPage: Page): Promise<{ phone: BrowserContext; app: Page }> {
    const phone = await browser.newContext();
    const app = await phone.newPage();
    const qr = await freshQr(computerPage);
    const res = await app.goto(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(qr)}&lang=en`);
    assert.equal(res?.status(), 200, `the test app took the code ${qr}: ${await app.locator('body').textContent()}`);
    return { phone, app };
  }

  const session = async (id: string) => (await call(t.base, 'GET', `/auth/rest/sessions/${id}`, { token })).body;

  it('QR code on another device: the page animates it, the phone scans it, approves, and the service gets SUCCESS', async () => {
    const s = await newSession();
    const { context, page } = await computer();
    try {
      await page.goto(s.authenticationUrl);
      const first = await currentQr(page);
      assert.match((await page.getByRole('status').textContent()) ?? '', /Start your BankID app/);
      await assertAccessible(page, 'BankID page');
      assert.ok(await page.getByRole('img', { name: /QR code for BankID/ }).isVisible(), 'the QR code has a text alternative');
      // The script redraws the code every second, from the broker (the page never has the secret).
      await page.waitForFunction((q) => document.querySelector('[data-qr]')?.getAttribute('data-qr') !== q, first, { timeout: 5000 });
      assert.doesNotMatch(await page.content(), /startSecret|qrStartSecret/);
      const { phone, app } = await scan(page);
      try {
        await app.getByRole('radio', { name: /Astrid/ }).check();
        await app.getByRole('button', { name: 'Continue' }).click();
        // The person has the order open in the app: the page says what BankID recommends.
        await page.getByText('Enter your security code in the BankID app and select Identify.').waitFor({ timeout: 5000 });
        assert.equal((await session(s.id)).status, 'WAITING_FOR_USER');
        await app.getByRole('button', { name: 'Identify' }).click();
        await page.waitForURL(`${APP}/success?sessionId=${s.id}`, { timeout: 10_000 });
      } finally {
        await phone.close();
      }
      const done = await session(s.id);
      assert.equal(done.status, 'SUCCESS', JSON.stringify(done.error));
      assert.deepEqual(done.subject.nin, { value: ASTRID, issuingCountry: 'SE', type: 'PERSON' });
      assert.equal(done.subject.dateOfBirth, '1990-03-15');
    } finally {
      await context.close();
    }
  });

  it('same device: "Open BankID on this device" opens the app, which comes back to the page, which goes on to the service', async () => {
    const s = await newSession();
    const { context, page } = await computer();
    try {
      await page.goto(s.authenticationUrl);
      const open = page.getByRole('link', { name: 'Open BankID on this device' });
      assert.match((await open.getAttribute('href')) ?? '', new RegExp(`^${sim.appUrl}/app\\?autostarttoken=`));
      await open.click();
      await page.getByRole('radio', { name: /Astrid/ }).check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Identify' }).click();
      await page.waitForURL(`${APP}/success?sessionId=${s.id}`, { timeout: 10_000 });
      assert.equal((await session(s.id)).status, 'SUCCESS');
    } finally {
      await context.close();
    }
  });

  it('the person cancels in the app: ABORT, and the computer goes to the abort callback', async () => {
    const s = await newSession('sv');
    const { context, page } = await computer();
    try {
      await page.goto(s.authenticationUrl);
      assert.equal(await page.getAttribute('#bankid-status', 'lang'), 'sv', "a Swedish session hears BankID's Swedish messages");
      assert.match((await page.getByRole('status').textContent()) ?? '', /Starta BankID-appen/);
      const { phone, app } = await scan(page);
      try {
        await app.getByRole('button', { name: 'Cancel' }).click();
        await page.waitForURL(`${APP}/abort?sessionId=${s.id}`, { timeout: 10_000 });
      } finally {
        await phone.close();
      }
      assert.equal((await session(s.id)).status, 'ABORT');
    } finally {
      await context.close();
    }
  });

  it('cancel on the page works without JavaScript and cancels the order at BankID', async () => {
    const s = await newSession();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(s.authenticationUrl);
      const qr = await currentQr(page);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.waitForURL(`${APP}/abort?sessionId=${s.id}`);
      assert.equal((await session(s.id)).status, 'ABORT');
      const res = await fetch(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(qr)}&lang=en`, { redirect: 'manual' });
      assert.notEqual(res.status, 303, 'the order is gone at the simulator');
    } finally {
      await context.close();
    }
  });

  it('a stale QR code is refused by the simulator; the current one is accepted', async () => {
    const s = await newSession();
    const { context, page } = await computer();
    try {
      await page.goto(s.authenticationUrl);
      const old = await currentQr(page);
      simAhead = 5000; // five seconds on at BankID: the code the page showed is no longer current
      const stale = await fetch(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(old)}&lang=en`, { redirect: 'manual' });
      assert.equal(stale.status, 400);
      assert.match(await stale.text(), /too old/);
      simAhead = 0;
      const fresh = await fetch(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(await freshQr(page))}&lang=en`, { redirect: 'manual' });
      assert.equal(fresh.status, 303, `the code the page shows now is accepted: ${fresh.status === 303 ? '' : await fresh.text()}`);
    } finally {
      simAhead = 0;
      await context.close();
      await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
    }
  });

  it('the order expires at BankID (expiredTransaction): ERROR, and the computer goes to the error callback', async () => {
    const s = await newSession();
    const { context, page } = await computer();
    try {
      await page.goto(s.authenticationUrl);
      const { phone } = await scan(page);
      await phone.close(); // the person walks away from the phone
      simAhead = 181_000; // past BankID's order lifetime
      await page.waitForURL(`${APP}/error?sessionId=${s.id}`, { timeout: 10_000 });
      const done = await session(s.id);
      assert.equal(done.status, 'ERROR');
      assert.equal(done.error.code, 'provider_error');
      assert.match(done.error.detail, /expiredTransaction/);
    } finally {
      simAhead = 0;
      await context.close();
    }
  });

  it('the session expires while the person waits: EXPIRED, the page says so, the order is cancelled', async () => {
    const s = await newSession();
    const { context, page } = await computer();
    try {
      await page.goto(s.authenticationUrl);
      const qr = await currentQr(page);
      t.clock.advance(s.sessionLifetime + 1);
      await page.getByRole('heading', { name: 'The login has expired' }).waitFor({ timeout: 10_000 });
      token = await getToken(t.base, t.clientId, t.clientSecret); // the old one expired with the clock
      assert.equal((await session(s.id)).status, 'EXPIRED');
      // The broker stops polling and cancels the order at BankID: the code no longer starts anything.
      const scanned = await fetch(`${sim.appUrl}/app/scan?qr=${encodeURIComponent(qr)}&lang=en`, { redirect: 'manual' });
      assert.notEqual(scanned.status, 303);
    } finally {
      await context.close();
    }
  });
});
