// The API reference page at /docs in a real browser (Debian's Chromium, as in browser.test.ts): every
// request to another origin is blocked and recorded, so the page must render and work with no internet;
// its own Content-Security-Policy must hold; axe-core must find nothing; and its forms must get a token
// and send a request.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible as axeClean, launchChromium, NO_CHROMIUM } from './browser-support.ts';
import { startBroker, type TestBroker } from './helpers.ts';

describe('the API reference page (/docs)', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker();
  });
  after(() => t.close());

  it('is served with a strict policy of ours: no inline script or style, nothing from elsewhere', async () => {
    const res = await fetch(`${t.base}/docs`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-|https?:/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i, 'no inline script, style or handler');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'every script, stylesheet and link target of the page is our own');
    assert.match(html, /<title>eidgate API reference<\/title>/);
    assert.doesNotMatch(html, /scalar/i);
    for (const path of ['/docs/docs.css', '/docs/try.js']) assert.equal((await fetch(`${t.base}${path}`)).status, 200, path);
    const old = await fetch(`${t.base}/docs/`, { redirect: 'manual' });
    assert.equal(old.headers.get('location'), '/docs');
  });
});

describe('the API reference page in a real browser', {
  timeout: 120_000,
  skip: NO_CHROMIUM,
}, () => {
  let browser: Browser;
  let t: TestBroker;

  before(async () => {
    browser = await launchChromium();
    t = await startBroker();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page on which every request to another origin is blocked and recorded, and CSP violations are collected. */
  async function offlinePage(opts: { javaScriptEnabled?: boolean } = {}) {
    const context = await browser.newContext(opts);
    const page = await context.newPage();
    const outside: string[] = [];
    const origin = new URL(t.base).origin;
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    // Installed through the DevTools protocol, so it runs whatever the page's own policy says.
    await page.addInitScript(() => {
      const w = globalThis as unknown as { cspViolations: string[] };
      w.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    const violations = () => page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations);
    return { page, outside, violations, close: () => context.close() };
  }

  const assertAccessible = (page: Page) => axeClean(page, '/docs');

  it('renders the reference with no request to another origin and no policy violation, and passes axe-core', async () => {
    const p = await offlinePage();
    try {
      const res = await p.page.goto(`${t.base}/docs`);
      assert.equal(res?.status(), 200);
      assert.equal(await p.page.title(), 'eidgate API reference');
      await p.page.getByRole('heading', { level: 1, name: 'eidgate API reference' }).waitFor();
      for (const name of [
        'POST /auth/rest/sessions',
        'GET /auth/rest/sessions/{id}',
        'POST /auth/rest/sessions/{id}/cancel',
        'POST /auth/open/connect/token',
      ]) {
        assert.ok(await p.page.getByRole('heading', { level: 3, name, exact: true }).isVisible(), `operation ${name} is shown`);
      }
      for (const summary of ['Create a new session', 'Get session status', 'Cancel an authentication session']) {
        assert.ok(await p.page.getByText(summary, { exact: true }).first().isVisible(), summary);
      }
      assert.ok(await p.page.getByRole('button', { name: 'Get a token' }).isVisible(), 'the script ran and showed the forms');
      assert.ok(await p.page.getByText('loa_too_low').first().isVisible(), 'the session error codes are listed');
      await assertAccessible(p.page);
      assert.deepEqual(p.outside, [], 'no request left the broker');
      assert.deepEqual(await p.violations(), [], 'nothing the policy had to block');
    } finally {
      await p.close();
    }
  });

  it('is readable without JavaScript', async () => {
    const p = await offlinePage({ javaScriptEnabled: false });
    try {
      await p.page.goto(`${t.base}/docs`);
      assert.ok(await p.page.getByRole('heading', { level: 3, name: 'POST /auth/rest/sessions', exact: true }).isVisible());
      assert.equal(await p.page.getByRole('button', { name: 'Get a token' }).isVisible(), false);
      assert.ok(await p.page.getByText('The forms need JavaScript').isVisible());
      // axe-core needs script in the page; the page with script (above) has the same content and more.
      assert.deepEqual(p.outside, []);
    } finally {
      await p.close();
    }
  });

  it('gets a token with client credentials and tries creating and reading a session', async () => {
    const p = await offlinePage();
    const { page } = p;
    try {
      await page.goto(`${t.base}/docs`);
      await page.getByLabel('client_id').fill(t.clientId);
      await page.getByLabel('client_secret').fill(t.clientSecret);
      await page.getByRole('button', { name: 'Get a token' }).click();
      await page.getByText(/Token received/).waitFor();

      const create = page.locator('form.try[data-path="/auth/rest/sessions"]');
      const body = create.getByLabel(/Request body/);
      // The example's callbacks are on app.example.com; the test account allows example.com.
      await body.fill((await body.inputValue()).replaceAll('app.example.com', 'example.com'));
      await create.getByRole('button').click();
      await create.locator('output').getByText(/^200 /).waitFor();
      const created = JSON.parse(((await create.locator('output').textContent()) ?? '').split('\n').slice(1).join('\n'));
      assert.equal(created.status, 'CREATED');

      const read = page.locator('form.try[data-path="/auth/rest/sessions/{id}"]');
      await read.getByLabel('id').fill(created.id);
      await read.getByRole('button').click();
      await read.locator('output').getByText(/^200 /).waitFor();
      assert.match((await read.locator('output').textContent()) ?? '', new RegExp(`"id": "${created.id}"`));
      await assertAccessible(page);
      assert.deepEqual(p.outside, []);
      assert.deepEqual(await p.violations(), []);
    } finally {
      await p.close();
    }
  });
});
