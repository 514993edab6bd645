// The embedded flow in a real browser (Debian's Chromium): a parent page on another site frames the
// authenticationUrl, the person logs in at the ID-porten simulator in the window the frame opens, and the
// frame ends at returnUrl with sessionId and sessionNonce. A parent not in embeddedParentDomains is
// blocked by the browser itself (CSP frame-ancestors), and so is every parent of a redirect session.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import type { RunningSimulator } from '../src/simulator/simulator.ts';
import { startSimulatorFor } from './simulator-support.ts';
import { call, getToken, startBroker, type TestBroker } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function axeViolations(frame: Frame): Promise<unknown[]> {
  await frame.evaluate(AXE);
  return frame.evaluate(async () => {
    const r = await (
      globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string }[] }> } }
    ).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => v.id);
  });
}

/** A site of the service's own: a page that frames a login, and the page the frame returns to. */
async function parentSite(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    if (url.pathname === '/frame') {
      const src = url.searchParams.get('src') ?? '';
      res.end(
        `<!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Shop</h1><iframe title="Login" width="450" height="650" src="${src.replace(/"/g, '&quot;')}"></iframe></main></body></html>`,
      );
    } else {
      res.end(`<!doctype html><html lang="en"><head><title>Back</title></head><body><main><h1>Back at the shop</h1></main></body></html>`);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

describe('the embedded flow in a real browser', { skip: !existsSync(CHROMIUM) && `no browser at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let t: TestBroker;
  let sim: RunningSimulator;
  let token: string;
  let parent: { server: Server; origin: string };
  let stranger: { server: Server; origin: string };

  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
    });
    t = await startBroker();
    sim = await startSimulatorFor(t);
    token = await getToken(t.base, t.clientId, t.clientSecret);
    parent = await parentSite();
    stranger = await parentSite();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
    parent?.server.close();
    stranger?.server.close();
  });

  const createSession = async (overrides: Record<string, unknown>) => {
    t.clock.catchUp();
    const res = await call(t.base, 'POST', '/auth/rest/sessions', {
      token,
      body: { flow: 'embedded', allowedProviders: ['idporten'], requestedAttributes: ['nin', 'name'], language: 'en', ...overrides },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const read = async (id: string, query = '') => (await call(t.base, 'GET', `/auth/rest/sessions/${id}${query}`, { token })).body;
  /** The parent page at `site` framing `src`; resolves once the frame has loaded (or been blocked). */
  const frameAt = async (page: Page, site: string, src: string) => {
    await page.goto(`${site}/frame?src=${encodeURIComponent(src)}`, { waitUntil: 'load' });
    const frame = page.frames().find((f) => f !== page.mainFrame());
    assert.ok(frame, 'the iframe exists');
    return frame;
  };

  it('a parent in embeddedParentDomains frames the login; it completes in the window it opens and the frame ends at returnUrl', async () => {
    const host = new URL(parent.origin).host;
    const s = await createSession({ embeddedParentDomains: [host], returnUrl: `${parent.origin}/return` });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const frame = await frameAt(page, parent.origin, s.authenticationUrl);
      assert.equal(frame.url(), s.authenticationUrl);
      const open = frame.getByRole('link', { name: /ID-porten.*new window/ });
      await open.waitFor();
      assert.deepEqual(await axeViolations(frame), [], 'the framed page passes axe');
      const [popup] = await Promise.all([context.waitForEvent('page'), open.click()]);
      await popup.waitForURL(new RegExp(`^${sim.issuer}/login/`));
      // While the person is at the simulator, the session says so.
      assert.equal((await read(s.id)).status, 'WAITING_FOR_USER');
      await popup.getByRole('radio', { name: 'BankID' }).check();
      await popup.locator('#person').selectOption(sim.people[0]!.pid);
      await popup.getByRole('button', { name: 'Log in', exact: true }).click();
      await popup.getByRole('heading', { name: 'Done' }).waitFor();
      // The frame notices and goes to returnUrl, inside the frame, with the id and the nonce.
      await frame.waitForURL(new RegExp(`^${parent.origin}/return\\?sessionId=${s.id}&sessionNonce=`));
      assert.equal(page.url().split('?')[0], `${parent.origin}/frame`, 'the parent page stayed');
      const nonce = new URL(frame.url()).searchParams.get('sessionNonce') ?? '';
      const done = await read(s.id, `?sessionNonce=${encodeURIComponent(nonce)}`);
      assert.equal(done.status, 'SUCCESS');
      assert.equal(done.subject.nin.value, sim.people[0]!.pid);
    } finally {
      await context.close();
    }
  });

  it('without returnUrl the frame shows the result', async () => {
    const s = await createSession({ embeddedParentDomains: [parent.origin] });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const frame = await frameAt(page, parent.origin, s.authenticationUrl);
      const open = frame.getByRole('link', { name: /ID-porten/ });
      const [popup] = await Promise.all([context.waitForEvent('page'), open.click()]);
      await popup.waitForURL(new RegExp(`^${sim.issuer}/login/`));
      await popup.getByRole('button', { name: 'Cancel' }).click();
      await popup.getByRole('heading', { name: 'Done' }).waitFor();
      await frame.getByRole('heading', { name: 'The login was cancelled' }).waitFor();
      assert.deepEqual(await axeViolations(frame), []);
      assert.equal((await read(s.id)).status, 'ABORT');
    } finally {
      await context.close();
    }
  });

  it('a parent not in embeddedParentDomains is blocked by the browser, and so is any parent of a redirect session', async () => {
    const embedded = await createSession({ embeddedParentDomains: [new URL(parent.origin).host], returnUrl: `${parent.origin}/return` });
    const redirect = await createSession({
      flow: 'redirect',
      callbackUrls: { success: `${parent.origin}/s`, abort: `${parent.origin}/a`, error: `${parent.origin}/e` },
    });
    for (const [site, src] of [
      [stranger.origin, embedded.authenticationUrl],
      [parent.origin, redirect.authenticationUrl],
    ] as const) {
      const page = await browser.newPage();
      const refusals: string[] = [];
      page.on('console', (m) => {
        if (/frame-ancestors|X-Frame-Options/.test(m.text())) refusals.push(m.text());
      });
      try {
        const frame = await frameAt(page, site, src);
        assert.notEqual(frame.url(), src, `${site} framing ${src}: the browser did not render it`);
        assert.equal(await frame.locator('main h1').count(), 0);
        assert.ok(refusals.length > 0, 'Chromium says why');
      } finally {
        await page.close();
      }
    }
    // Nothing was started by the blocked frames: a redirect session does not even go on to the provider.
    assert.equal((await read(embedded.id)).status, 'CREATED');
    assert.equal((await read(redirect.id)).status, 'CREATED');
  });

  it('headers: frame-ancestors lists exactly the parents (no X-Frame-Options); other sessions keep none', async () => {
    const s = await createSession({ embeddedParentDomains: ['shop.example.com', 'https://pay.example.com:8443', '127.0.0.1:5173'] });
    const framed = await fetch(s.authenticationUrl);
    assert.equal(framed.headers.get('x-frame-options'), null);
    const csp = framed.headers.get('content-security-policy') ?? '';
    assert.match(
      csp,
      /frame-ancestors https:\/\/shop\.example\.com https:\/\/pay\.example\.com:8443 https:\/\/127\.0\.0\.1:5173 http:\/\/127\.0\.0\.1:5173;/,
    );
    assert.match(csp, /script-src 'self'/);
    const redirect = await createSession({
      flow: 'redirect',
      callbackUrls: { success: `${parent.origin}/s`, abort: `${parent.origin}/a`, error: `${parent.origin}/e` },
    });
    const page = await fetch(redirect.authenticationUrl, { redirect: 'manual' });
    const other = await fetch(`${t.config.publicUrl}/login/${redirect.id}/window?provider=idporten`, { redirect: 'manual' });
    assert.equal(other.status, 404, 'a redirect session has no window start');
    assert.equal(page.status, 303);
    const notFound = await fetch(`${t.config.publicUrl}/login/00000000-0000-4000-8000-000000000000`);
    assert.equal(notFound.headers.get('x-frame-options'), 'DENY');
    assert.match(notFound.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });
});
