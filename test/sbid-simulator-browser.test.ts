// The Swedish BankID simulator's test app in a real browser (Debian's Chromium through playwright-core):
// the QR pasted into the scan form, the same-device start with a redirect back to the service (which the
// pages' CSP form-action must allow), Swedish texts, and axe-core on every page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Agent, fetch } from 'undici';
import { DEFAULT_SWEDISH_PEOPLE, type RunningSbidSimulator, startSbidSimulator } from '../src/simulator/sbid/index.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Json = Record<string, unknown>;

async function assertAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await (
      globalThis as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; help: string; nodes: { html: string }[] }[] }> };
      }
    ).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.html).slice(0, 3) }));
  });
  assert.deepEqual(violations, [], `${label}: ${JSON.stringify(violations, null, 2)}`);
}

describe('BankID simulator test app in a real browser', { skip: !existsSync(CHROMIUM) && `no browser at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let sim: RunningSbidSimulator;
  let agent: Agent;
  let service: Server;
  let serviceUrl: string;
  const checked = new Set<string>();
  let stoppedAt: number | undefined;

  const rp = async (path: string, body: Json): Promise<Json> => {
    const res = await fetch(`${sim.rpApiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      dispatcher: agent,
    });
    return (await res.json()) as Json;
  };
  const check = async (page: Page, name: string) => {
    await assertAccessible(page, name);
    checked.add(name);
  };

  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    // A clock the QR test can stop, so a slow machine cannot make its code stale between paste and submit
    // (QR timing itself is covered in sbid-simulator.test.ts).
    sim = await startSbidSimulator({ clock: () => stoppedAt ?? Date.now() });
    agent = new Agent({ connect: { ca: sim.caCertPem, cert: sim.rpCertPem, key: sim.rpKeyPem } });
    service = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Service</title></head><body><main><h1>${req.url}</h1></main></body></html>`);
    });
    service.listen(0, '127.0.0.1');
    await once(service, 'listening');
    serviceUrl = `http://localhost:${(service.address() as { port: number }).port}`;
  });
  after(async () => {
    await browser?.close();
    await agent?.close();
    await sim?.close();
    service?.close();
    assert.ok(checked.size >= 5, `axe ran on ${[...checked].join(', ')}`);
  });

  it('another device: the QR content pasted into the scan form, a person chosen, identified → complete', async () => {
    stoppedAt = Date.now();
    const order = await rp('/auth', { endUserIp: '192.0.2.20' });
    const page = await browser.newPage();
    try {
      await page.goto(`${sim.appUrl}/app/scan?lang=en`);
      await check(page, 'scan form');
      await page.getByRole('link', { name: 'Svenska' }).click();
      assert.equal(await page.getAttribute('html', 'lang'), 'sv');
      await page.getByRole('link', { name: 'English' }).click();
      const seconds = 0; // the simulator's clock stands still at the order's creation
      const qr = `bankid.${order.qrStartToken}.${seconds}.${createHmac('sha256', order.qrStartSecret as string)
        .update(String(seconds))
        .digest('hex')}`;
      await page.getByLabel('QR code content').fill(qr);
      await page.getByRole('button', { name: 'Scan' }).click();
      await page.waitForURL(/\/app\/order\?t=/);
      await check(page, 'choose a BankID');
      assert.equal((await rp('/collect', { orderRef: order.orderRef })).hintCode, 'started');
      const person = DEFAULT_SWEDISH_PEOPLE[3]!;
      await page.getByLabel(new RegExp(person.surname)).check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await check(page, 'security code');
      assert.equal((await rp('/collect', { orderRef: order.orderRef })).hintCode, 'userSign');
      await page.getByRole('button', { name: 'Identify' }).click();
      await page.getByText('Identification complete').waitFor();
      await check(page, 'done');
      const done = await rp('/collect', { orderRef: order.orderRef });
      assert.equal(done.status, 'complete');
      assert.equal(((done.completionData as Json).user as Json).personalNumber, person.personalNumber);
    } finally {
      stoppedAt = undefined;
      await page.close();
    }
  });

  it('a forged QR code gets a clear, accessible page', async () => {
    const order = await rp('/auth', { endUserIp: '192.0.2.20' });
    const page = await browser.newPage();
    try {
      // A forged code: right shape, wrong authentication code.
      await page.goto(`${sim.appUrl}/app/scan?qr=bankid.${order.qrStartToken}.0.${'0'.repeat(64)}`);
      await page.getByText('not computed with this order').waitFor();
      await check(page, 'refused QR');
    } finally {
      await page.close();
    }
  });

  it('same device, in Swedish: autostart with a redirect; cancel goes back to the service', async () => {
    const order = await rp('/auth', { endUserIp: '192.0.2.20' });
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    try {
      await page.goto(`${sim.appUrl}/app?autostarttoken=${order.autoStartToken}&redirect=${encodeURIComponent(`${serviceUrl}/back`)}`);
      assert.equal(await page.getAttribute('html', 'lang'), 'sv');
      await page.getByText('BankID-simulator — inte det riktiga BankID').waitFor();
      await check(page, 'choose (sv)');
      await page.getByRole('button', { name: 'Avbryt' }).click();
      await page.waitForURL(`${serviceUrl}/back`);
      assert.deepEqual(await rp('/collect', { orderRef: order.orderRef }), {
        orderRef: order.orderRef,
        status: 'failed',
        hintCode: 'userCancel',
      });
    } finally {
      await context.close();
    }
  });

  it('same device: approve redirects to the service (CSP form-action allows exactly its origin)', async () => {
    const order = await rp('/auth', { endUserIp: '192.0.2.20', returnUrl: `${serviceUrl}/done?x=1` });
    const page = await browser.newPage();
    try {
      await page.goto(`${sim.appUrl}/app?autostarttoken=${order.autoStartToken}`);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Identify' }).click();
      await page.waitForURL(`${serviceUrl}/done?x=1`);
      assert.equal((await rp('/collect', { orderRef: order.orderRef })).status, 'complete');
    } finally {
      await page.close();
    }
  });

  it('requirement.mrtd adds the passport step, in Swedish', async () => {
    const order = await rp('/auth', { endUserIp: '192.0.2.20', requirement: { mrtd: true } });
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    try {
      await page.goto(`${sim.appUrl}/app?autostarttoken=${order.autoStartToken}`);
      await page.getByRole('button', { name: 'Fortsätt' }).click();
      await page.getByRole('heading', { name: 'Läs in ditt pass eller id-kort' }).waitFor();
      await check(page, 'passport step (sv)');
      await page.getByRole('button', { name: 'Dokumentet är inläst' }).click();
      await page.getByRole('button', { name: 'Identifiera' }).click();
      await page.getByText('Identifieringen är klar').waitFor();
      assert.deepEqual(((await rp('/collect', { orderRef: order.orderRef })).completionData as Json).stepUp, { mrtd: true });
    } finally {
      await context.close();
    }
  });

  it('the start page explains itself', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${sim.appUrl}/app`);
      await check(page, 'start');
    } finally {
      await page.close();
    }
  });
});
