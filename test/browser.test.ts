// Real-browser journeys: Debian's Chromium driven by playwright-core, axe-core on every page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { Browser, Page } from 'playwright-core';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import { assertAccessible, launchChromium, NO_CHROMIUM } from './browser-support.ts';
import { call, getToken, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

const SIM_SECRET = 'browser-sim-secret-0123456789abcdefghij';

describe('journeys in a real browser', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  let t: TestBroker;
  let sim: RunningSimulator;
  let token: string;
  let app: Server;
  let appUrl: string;
  const pagesChecked = new Set<string>();

  before(async () => {
    browser = await launchChromium();
    t = await startBroker();
    sim = await startSimulator({
      port: 0,
      clients: [
        {
          client_id: 'broker',
          client_secret: SIM_SECRET,
          redirect_uris: [`${t.config.publicUrl}/auth/callback/idporten`, `${t.config.publicUrl}/auth/callback/ansattporten`],
          scope: 'openid profile',
        },
      ],
    });
    for (const providerId of ['idporten', 'ansattporten']) {
      await t.broker.providerConfigs.save(t.accountId, {
        providerId,
        issuer: sim.issuer,
        clientId: 'broker',
        clientSecret: SIM_SECRET,
        clientAuth: 'client_secret_basic',
        par: true,
      });
    }
    token = await getToken(t.base, t.clientId, t.clientSecret);
    // The service provider's backend: its callback pages just say where the browser landed.
    app = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><head><title>Service</title></head><body><main><h1>${req.url?.split('?')[0]}</h1></main></body></html>`,
      );
    });
    app.listen(0, '127.0.0.1');
    await once(app, 'listening');
    appUrl = `http://localhost:${(app.address() as { port: number }).port}`;
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
    app?.close();
    assert.ok(pagesChecked.size >= 5, `axe ran on ${[...pagesChecked].join(', ')}`);
  });

  const createSession = async (lang: string, overrides: Record<string, unknown> = {}) => {
    t.clock.catchUp();
    return (
      await call(t.base, 'POST', '/auth/rest/sessions', {
        token,
        body: validSessionRequest({
          language: lang,
          allowedProviders: ['idporten'],
          callbackUrls: { success: `${appUrl}/success`, abort: `${appUrl}/abort`, error: `${appUrl}/error` },
          ...overrides,
        }),
      })
    ).body;
  };
  const status = async (id: string) => (await call(t.base, 'GET', `/auth/rest/sessions/${id}`, { token })).body;
  const check = async (page: Page, name: string) => {
    await assertAccessible(page, name);
    pagesChecked.add(name);
  };

  const TEXT = {
    nb: {
      login: 'Logg inn',
      cancel: 'Avbryt',
      idporten: /ID-porten/,
      chooser: 'Velg innloggingsmetode',
      expired: 'Innloggingen er utløpt',
    },
    en: { login: 'Log in', cancel: 'Cancel', idporten: /ID-porten/, chooser: 'Choose how to log in', expired: 'The login has expired' },
  } as const;

  for (const lang of ['nb', 'en'] as const) {
    const T = TEXT[lang];

    it(`[${lang}] success with one provider goes straight to ID-porten and back to the service`, async () => {
      const s = await createSession(lang);
      const page = await browser.newPage();
      try {
        await page.goto(s.authenticationUrl);
        assert.ok(page.url().startsWith(`${sim.issuer}/login/`));
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        await check(page, 'simulator login');
        // Never to be mistaken for the real ID-porten: the mark in the header and the banner are on screen.
        assert.ok(await page.getByRole('complementary', { name: 'Simulator' }).isVisible(), 'the simulator banner');
        assert.equal(await page.locator('header .tag').textContent(), 'simulator');
        await page.getByRole('radio', { name: 'BankID' }).check();
        await page.locator('#person').selectOption(sim.people[0]!.pid);
        await page.getByRole('button', { name: T.login, exact: true }).click();
        await page.waitForURL(`${appUrl}/success?sessionId=${s.id}`);
        const done = await status(s.id);
        assert.equal(done.status, 'SUCCESS');
        assert.equal(done.subject.nin.value, sim.people[0]!.pid);
        assert.match(done.environment.userAgent, /Chrome/);
      } finally {
        await page.close();
      }
    });

    it(`[${lang}] the simulator refuses an invalid number with an accessible message`, async () => {
      const s = await createSession(lang);
      const page = await browser.newPage();
      try {
        await page.goto(s.authenticationUrl);
        await page.locator('#pid').fill('12345678901');
        await page.getByRole('button', { name: T.login, exact: true }).click();
        await page.getByRole('alert').waitFor();
        await check(page, 'simulator login with error');
        assert.equal((await status(s.id)).status, 'WAITING_FOR_USER');
      } finally {
        await page.close();
      }
    });

    it(`[${lang}] the chooser with several providers`, async () => {
      const s = await createSession(lang, { allowedProviders: ['idporten', 'ansattporten'] });
      const page = await browser.newPage();
      try {
        await page.goto(s.authenticationUrl);
        await page.getByRole('heading', { name: T.chooser }).waitFor();
        await check(page, 'chooser');
        await page.getByRole('button', { name: /Ansattporten/ }).click();
        await page.waitForURL(new RegExp(`^${sim.issuer}/login/`));
        await page.getByRole('radio', { name: 'TestID' }).check();
        await page.locator('#person').selectOption(sim.people[3]!.pid);
        await page.getByRole('button', { name: T.login, exact: true }).click();
        await page.waitForURL(`${appUrl}/success?sessionId=${s.id}`);
        const done = await status(s.id);
        assert.equal(done.status, 'SUCCESS');
        assert.equal(done.provider, 'ansattporten');
      } finally {
        await page.close();
      }
    });

    it(`[${lang}] abort at the chooser`, async () => {
      const s = await createSession(lang, { allowedProviders: ['idporten', 'ansattporten'] });
      const page = await browser.newPage();
      try {
        await page.goto(s.authenticationUrl);
        await page.getByRole('button', { name: T.cancel }).click();
        await page.waitForURL(`${appUrl}/abort?sessionId=${s.id}`);
        assert.equal((await status(s.id)).status, 'ABORT');
      } finally {
        await page.close();
      }
    });

    it(`[${lang}] cancel at the simulator`, async () => {
      const s = await createSession(lang);
      const page = await browser.newPage();
      try {
        await page.goto(s.authenticationUrl);
        await page.getByRole('button', { name: T.cancel }).click();
        await page.waitForURL(`${appUrl}/abort?sessionId=${s.id}`);
        const done = await status(s.id);
        assert.equal(done.status, 'ABORT');
        assert.equal(done.subject, undefined);
      } finally {
        await page.close();
      }
    });

    it(`[${lang}] an expired session shows a clear page`, async () => {
      const s = await createSession(lang, { sessionLifetime: 300 });
      t.clock.advance(301);
      const page = await browser.newPage();
      try {
        const res = await page.goto(s.authenticationUrl);
        assert.equal(res?.status(), 410);
        await page.getByRole('heading', { name: T.expired }).waitFor();
        await check(page, 'expired');
        await page.getByRole('link').last().click();
        await page.waitForURL(`${appUrl}/error?sessionId=${s.id}`);
      } finally {
        t.clock.advance(-301);
        await page.close();
      }
    });
  }

  it('finished, unknown-session and error pages are accessible', async () => {
    const s = await createSession('en');
    await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
    const page = await browser.newPage();
    try {
      await page.goto(s.authenticationUrl);
      await check(page, 'finished');
      await page.goto(`${t.base}/login/00000000-0000-4000-8000-000000000000`);
      await check(page, 'not found');
      await page.goto(`${t.base}/auth/callback/idporten?state=nothing`);
      await check(page, 'callback without a journey');
    } finally {
      await page.close();
    }
  });

  it('the CSP holds in the browser: no inline script runs on a page', async () => {
    const s = await createSession('en', { allowedProviders: ['idporten', 'ansattporten'] });
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    try {
      await page.goto(s.authenticationUrl);
      await page.evaluate(() => {
        const el = document.createElement('script');
        el.textContent = 'document.title = "pwned"';
        document.body.append(el);
      });
      assert.notEqual(await page.title(), 'pwned');
      assert.ok(violations.length > 0, 'the browser reported the blocked script');
    } finally {
      await page.close();
    }
  });
});
