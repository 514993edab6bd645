// The service's identity on the hosted pages, in Debian's Chromium: branding set through the admin API
// (the same command table as the CLI) shows on the chooser and on a status page, in nb and en, on a desktop
// and a 390 px phone; axe finds nothing, no page scrolls sideways, the language switcher keeps the session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import { PROVIDERS } from '../src/domain/providers/registry.ts';
import {
  assertAccessible,
  assertNoHorizontalScroll,
  axeViolations,
  launchChromium,
  NO_CHROMIUM,
  sidewaysOverflow,
  VIEWPORTS,
} from './browser-support.ts';
import { call, getToken, startBroker, type TestBroker, validSessionRequest } from './helpers.ts';

const ADMIN_TOKEN = 'admin-token-pages-0123456789abcdefghijklmnop';
const LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="40"><rect width="96" height="40" fill="#7a1f2b"/></svg>';
const LOGO = `data:image/svg+xml;base64,${Buffer.from(LOGO_SVG).toString('base64')}`;

const THEME_LOGO = `data:image/svg+xml;base64,${Buffer.from(LOGO_SVG.replace('width="96"', 'width="120"')).toString('base64')}`;

const TEXT = {
  nb: { service: 'Logg inn på Bergen kommune', chooser: 'Velg innloggingsmetode', finished: 'Innloggingen er avsluttet', help: 'Hjelp' },
  en: { service: 'Log in to City of Bergen', chooser: 'Choose how to log in', finished: 'This login has ended', help: 'Help' },
} as const;

/** The service's name, its logo (loaded, so the CSP let it through) and its help link are on the page. */
async function assertBranded(page: Page, lang: 'nb' | 'en', label: string): Promise<void> {
  assert.equal(await page.locator('.service-name').textContent(), TEXT[lang].service, label);
  assert.ok(await page.locator('.service-name').isVisible(), `${label}: service name visible`);
  const logoWidth = await page.locator('img.logo').evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : -1));
  assert.equal(logoWidth, 96, `${label}: the logo loaded`);
  const help = page.getByRole('link', { name: TEXT[lang].help, exact: true });
  assert.equal(await help.getAttribute('href'), 'https://bergen.kommune.no/hjelp', label);
}

describe('branded hosted pages in a real browser', { skip: NO_CHROMIUM }, () => {
  let browser: Browser;
  let t: TestBroker;
  let token: string;

  before(async () => {
    browser = await launchChromium();
    t = await startBroker({ EIDGATE_ADMIN_TOKEN: ADMIN_TOKEN });
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const admin = (command: string, args: string[], options: Record<string, unknown> = {}) =>
    call(t.base, 'POST', '/admin/v1/commands', { token: ADMIN_TOKEN, body: { command, args, options } });

  const createSession = async (language: string, extra: Record<string, unknown> = {}) => {
    const res = await call(t.base, 'POST', '/auth/rest/sessions', {
      token,
      body: validSessionRequest({
        ...extra,
        language,
        allowedProviders: ['idporten', 'ansattporten', 'nbid'],
        callbackUrls: { success: 'https://example.com/ok', abort: 'https://example.com/abort', error: 'https://example.com/error' },
      }),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string; authenticationUrl: string };
  };

  it('without branding: the account name, and an image policy of our own origin only', async () => {
    const s = await createSession('en');
    const res = await fetch(s.authenticationUrl);
    const html = await res.text();
    assert.match(html, /<p class="service-name">Log in to Test account<\/p>/);
    assert.doesNotMatch(html, /<img/);
    assert.match(res.headers.get('content-security-policy') ?? '', /img-src 'self';/);
  });

  it('branding set through the admin API shows on the chooser and a status page: nb and en, desktop and phone', async () => {
    const set = await call(t.base, 'POST', '/admin/v1/commands', {
      token: ADMIN_TOKEN,
      body: {
        command: 'accounts set-branding',
        args: [t.accountId],
        options: {
          'display-name': ['nb=Bergen kommune', 'en=City of Bergen'],
          'logo-url': LOGO,
          'help-url': 'https://bergen.kommune.no/hjelp',
          'privacy-url': 'https://bergen.kommune.no/personvern',
        },
      },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const refused = await call(t.base, 'POST', '/admin/v1/commands', {
      token: ADMIN_TOKEN,
      body: { command: 'accounts set-branding', args: [t.accountId], options: { 'logo-url': 'http://insecure.example/logo.png' } },
    });
    assert.equal(refused.status, 400, 'an http logo is refused at save time');

    for (const lang of ['nb', 'en'] as const) {
      for (const [device, viewport] of Object.entries(VIEWPORTS)) {
        const label = `${lang} ${device}`;
        const context = await browser.newContext({ viewport });
        const page = await context.newPage();
        try {
          const s = await createSession(lang);
          const res = await page.goto(s.authenticationUrl);
          assert.match(res?.headers()['content-security-policy'] ?? '', /img-src 'self' data:;/, label);
          await page.getByRole('heading', { name: TEXT[lang].chooser }).waitFor();
          await assertBranded(page, lang, `chooser ${label}`);
          assert.equal(await page.locator('button.tile').count(), 3, 'a tile per configured provider');
          assert.equal(await page.locator('button.tile svg.badge text').first().textContent(), 'ID-porten');
          await assertAccessible(page, `chooser ${label}`);
          await assertNoHorizontalScroll(page, `chooser ${label}`);

          // A status page: the session ended (cancelled by the service), the page still says whose it is.
          assert.equal((await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token })).status, 200);
          await page.goto(s.authenticationUrl);
          await page.getByRole('heading', { name: TEXT[lang].finished }).waitFor();
          await assertBranded(page, lang, `finished ${label}`);
          await assertAccessible(page, `finished ${label}`);
          await assertNoHorizontalScroll(page, `finished ${label}`);
        } finally {
          await context.close();
        }
      }
    }
  });

  it('the language switcher shows the same login in another language, Sámi included, and keeps the session', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.phone });
    const page = await context.newPage();
    try {
      const s = await createSession('nb');
      await page.goto(s.authenticationUrl);
      await page.getByRole('heading', { name: TEXT.nb.chooser }).waitFor();
      await page.getByRole('navigation', { name: 'Språk' }).getByRole('link', { name: 'English' }).click();
      await page.getByRole('heading', { name: TEXT.en.chooser }).waitFor();
      assert.equal(new URL(page.url()).pathname, new URL(s.authenticationUrl).pathname, 'the same session');
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await assertBranded(page, 'en', 'after switching to English');

      await page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'Davvisámegiella' }).click();
      await page.locator('html[lang="se"]').waitFor();
      assert.match((await page.locator('.notice').textContent()) ?? '', /ikke oversatt til samisk/);
      assert.equal(await page.locator('main').getAttribute('lang'), 'nb', 'Bokmål fallback is marked as Bokmål');
      assert.equal(await page.getByRole('link', { name: 'Veahkki' }).getAttribute('href'), 'https://bergen.kommune.no/hjelp');
      await assertAccessible(page, 'chooser se phone');
      await assertNoHorizontalScroll(page, 'chooser se phone');

      // The chosen language goes with the form: cancelling from the English page answers in English.
      await page.getByRole('navigation', { name: 'Giella' }).getByRole('link', { name: 'English' }).click();
      await page.getByRole('heading', { name: TEXT.en.chooser }).waitFor();
      assert.equal(await page.locator('form input[name="lang"]').first().getAttribute('value'), 'en');
    } finally {
      await context.close();
    }
  });

  it('a themed journey: the theme the session names colours the page and brings its logo, contrast checked at save', async () => {
    const unreadable = await admin('themes set', [t.accountId, 'bergen'], { primary: '#ffd400' });
    assert.equal(unreadable.status, 400);
    assert.match(unreadable.body.detail ?? JSON.stringify(unreadable.body), /white text on --primary/);
    const saved = await admin('themes set', [t.accountId, 'bergen'], {
      primary: '#7a1f2b',
      header: '#3b0d14',
      background: '#fbf7f2',
      font: 'serif',
      corners: 'square',
      'logo-url': THEME_LOGO,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));

    const unknown = await call(t.base, 'POST', '/auth/rest/sessions', { token, body: validSessionRequest({ themeId: 'oslo' }) });
    assert.equal(unknown.status, 400);
    assert.deepEqual(
      unknown.body.invalidParams.map((p: { name: string }) => p.name),
      ['themeId'],
    );
    assert.match(unknown.body.invalidParams[0].reason, /its themes: bergen/);

    for (const [device, viewport] of Object.entries(VIEWPORTS)) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      try {
        const s = await createSession('en', { themeId: 'bergen' });
        await page.goto(s.authenticationUrl);
        await page.getByRole('heading', { name: TEXT.en.chooser }).waitFor();
        const look = await page.evaluate(() => {
          const style = (sel: string) => getComputedStyle(document.querySelector(sel) as Element);
          return {
            header: style('header').backgroundColor,
            page: style('body').backgroundColor,
            cancel: style('button.secondary').color,
            radius: style('button.secondary').borderTopLeftRadius,
            font: style('body').fontFamily,
          };
        });
        assert.deepEqual(look, {
          header: 'rgb(59, 13, 20)',
          page: 'rgb(251, 247, 242)',
          cancel: 'rgb(122, 31, 43)',
          radius: '0px',
          font: look.font.startsWith('Georgia') ? look.font : 'Georgia…',
        });
        const logoWidth = await page.locator('img.logo').evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : -1));
        assert.equal(logoWidth, 120, "the theme's logo, not the account's");
        await assertAccessible(page, `themed chooser ${device}`);
        await assertNoHorizontalScroll(page, `themed chooser ${device}`);
      } finally {
        await context.close();
      }
    }

    // The account's default theme applies to a session that names none; removing it falls back to ours.
    assert.equal((await admin('themes default', [t.accountId, 'bergen'])).status, 200);
    const plain = await createSession('nb');
    assert.match(await (await fetch(plain.authenticationUrl)).text(), /href="\/assets\/themes\/[^/]+\/bergen\.css\?v=/);
    assert.equal((await admin('themes remove', [t.accountId, 'bergen'])).status, 200);
    assert.doesNotMatch(await (await fetch(plain.authenticationUrl)).text(), /\/assets\/themes\//);
  });

  it('development: a theme preview of the development account, axe clean on desktop and phone, nb and en', async () => {
    const dev = await startBroker({}, { bootstrap: true });
    try {
      const devAccount = dev.broker.devCredentials?.accountId;
      assert.ok(devAccount, 'a development account was bootstrapped');
      await dev.broker.accounts.setBranding(devAccount, {
        displayName: ['nb=Utviklingstjenesten', 'en=Development service'],
        logoUrl: LOGO,
      });
      await dev.broker.accounts.setTheme(devAccount, 'night', {
        primary: '#2a4d14',
        header: '#10200a',
        background: '#eef3ea',
        corners: 'pill',
      });
      const missing = await fetch(`${dev.base}/dev/themes/nope`);
      assert.equal(missing.status, 404);
      for (const lang of ['nb', 'en'] as const) {
        for (const [device, viewport] of Object.entries(VIEWPORTS)) {
          const context = await browser.newContext({ viewport });
          const page = await context.newPage();
          try {
            const res = await page.goto(`${dev.base}/dev/themes/night?lang=${lang}`);
            assert.equal(res?.status(), 200);
            await page.getByRole('heading', { level: 1, name: lang === 'nb' ? 'Forhåndsvisning av tema' : 'Theme preview' }).waitFor();
            const header = await page.evaluate(() => getComputedStyle(document.querySelector('header') as Element).backgroundColor);
            assert.equal(header, 'rgb(16, 32, 10)', 'the theme applies');
            // One tile per provider of the development account: every built-in one that has a simulator.
            assert.equal(await page.locator('button.tile').count(), PROVIDERS.filter((p) => p.simulated).length);
            await assertAccessible(page, `theme preview ${lang} ${device}`);
            await assertNoHorizontalScroll(page, `theme preview ${lang} ${device}`);
          } finally {
            await context.close();
          }
        }
      }
    } finally {
      await dev.close();
    }
  });
});

// Every page a person or a developer meets, in every language it speaks, on a desktop and a 390 px phone:
// axe-core finds nothing and the page does not scroll sideways (documentElement.scrollWidth > clientWidth).
// Hosted status pages on the test account (its providers unreachable), journeys through the simulator on
// the development account, the development pages, /docs, and the simulator's own pages.
describe('every page: axe-clean and no sideways scrolling, every language, desktop and phone', { skip: NO_CHROMIUM }, () => {
  const SIM_SECRET = 'sweep-sim-secret-0123456789abcdefghij';
  const LANGS = ['nb', 'nn', 'en', 'se'] as const;
  const SIM_LANGS = ['nb', 'nn', 'en'] as const;
  let browser: Browser;
  let t: TestBroker;
  let sim: RunningSimulator;
  let token: string;
  let devToken: string;
  const checked = new Set<string>();
  const problems: string[] = [];

  before(async () => {
    browser = await launchChromium();
    t = await startBroker({}, { bootstrap: true });
    const dev = t.broker.devCredentials;
    assert.ok(dev?.clientSecret, 'a development account was bootstrapped');
    sim = await startSimulator({
      port: 0,
      clients: [
        {
          client_id: 'broker',
          client_secret: SIM_SECRET,
          redirect_uris: ['idporten', 'nbid'].map((p) => `${t.config.publicUrl}/auth/callback/${p}`),
          scope: 'openid profile',
        },
      ],
    });
    for (const [providerId, issuer] of [
      ['idporten', sim.issuers.idporten],
      ['nbid', sim.issuers.bankid],
    ] as const) {
      await t.broker.providerConfigs.save(dev.accountId, {
        providerId,
        issuer,
        clientId: 'broker',
        clientSecret: SIM_SECRET,
        clientAuth: 'client_secret_basic',
        par: true,
      });
    }
    await t.broker.accounts.setTheme(dev.accountId, 'night', { primary: '#2a4d14', header: '#10200a', background: '#eef3ea' });
    token = await getToken(t.base, t.clientId, t.clientSecret);
    devToken = await getToken(t.base, dev.clientId, dev.clientSecret);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
  });

  /** Checks the page as it is now at each viewport: axe and sideways scrolling; problems are collected. */
  async function checkPage(page: Page, name: string, lang: string): Promise<void> {
    for (const [device, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      const label = `${name} [${lang} ${device}]`;
      const violations = await axeViolations(page);
      if (violations.length) problems.push(`${label}: ${JSON.stringify(violations)}`);
      const overflow = await sidewaysOverflow(page);
      if (overflow > 0) problems.push(`${label}: ${overflow} px wider than the window`);
      checked.add(label);
    }
  }

  const session = async (bearer: string, language: string, extra: Record<string, unknown> = {}) => {
    // The broker's manual clock kept at the simulator's (the wall clock), however long the sweep has run.
    t.clock.catchUp();
    const res = await call(t.base, 'POST', '/auth/rest/sessions', {
      token: bearer,
      body: validSessionRequest({
        language,
        callbackUrls: {
          success: `${t.config.publicUrl}/dev/callback`,
          abort: `${t.config.publicUrl}/dev/callback`,
          error: `${t.config.publicUrl}/dev/callback`,
        },
        ...extra,
      }),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string; authenticationUrl: string };
  };

  /** A fresh browser context for one page in one language (cookies are per context). */
  async function inContext(run: (page: Page) => Promise<void>): Promise<void> {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    const page = await context.newPage();
    try {
      await run(page);
    } catch (e) {
      // Where it stopped, for the failure message: the address and the start of the page's text.
      const text =
        (await page
          .locator('body')
          .textContent()
          .catch(() => null)) ?? '';
      throw new Error(`${(e as Error).message}\nat ${page.url()}: ${text.slice(0, 400)}`);
    } finally {
      await context.close();
    }
  }

  const heading = (page: Page) => page.locator('h1').waitFor();

  it('the hosted pages: chooser and every status page a browser can reach', async () => {
    for (const lang of LANGS) {
      await inContext(async (page) => {
        const s = await session(token, lang, { allowedProviders: ['idporten', 'ansattporten', 'nbid'] });
        await page.goto(s.authenticationUrl);
        await page.locator('button.tile').first().waitFor();
        await checkPage(page, 'chooser', lang);

        // A login under way (at the simulator) opened in another browser: it is bound to the first one.
        const bound = await session(devToken, lang, { allowedProviders: ['idporten'] });
        await page.goto(bound.authenticationUrl);
        await page.waitForURL(new RegExp(`^${sim.issuers.idporten}/login/`));
        const other = await browser.newContext({ viewport: VIEWPORTS.desktop });
        try {
          const otherPage = await other.newPage();
          assert.equal((await otherPage.goto(bound.authenticationUrl))?.status(), 403, 'another browser');
          await checkPage(otherPage, 'other browser', lang);
        } finally {
          await other.close();
        }

        await page.goto(s.authenticationUrl);
        // The provider cannot be reached: the page says so and offers to cancel.
        await page.locator('button[value="idporten"]').click();
        await page.locator('h1').waitFor();
        assert.match(page.url(), /\/login\/[^/]+\/start$/);
        await checkPage(page, 'unavailable', lang);

        assert.equal((await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token })).status, 200);
        assert.equal((await page.goto(s.authenticationUrl))?.status(), 409);
        await checkPage(page, 'finished', lang);

        const short = await session(token, lang, { sessionLifetime: 300, allowedProviders: ['idporten'] });
        t.clock.advance(301);
        try {
          assert.equal((await page.goto(short.authenticationUrl))?.status(), 410);
          await checkPage(page, 'expired', lang);
        } finally {
          t.clock.advance(-301);
        }

        // The embedded flow's page (opened at the top here: its layout is the framed one), with the chooser's tiles.
        const embedded = await session(token, lang, { flow: 'embedded', embeddedParentDomains: ['localhost'] });
        assert.equal((await page.goto(embedded.authenticationUrl))?.status(), 200);
        assert.equal(await page.locator('a.tile svg.badge').count(), 1, 'the provider as a tile');
        await checkPage(page, 'embedded frame', lang);

        assert.equal((await page.goto(`${t.config.publicUrl}/login/00000000-0000-4000-8000-000000000000?lang=${lang}`))?.status(), 404);
        await checkPage(page, 'login not found', lang);
        assert.equal((await page.goto(`${t.config.publicUrl}/auth/callback/idporten?state=nothing&lang=${lang}`))?.status(), 400);
        await checkPage(page, 'callback without a journey', lang);
        const unknown = await page.goto(`${t.config.publicUrl}/no/such/page?lang=${lang}`);
        assert.equal(unknown?.status(), 404);
        assert.match(unknown?.headers()['content-type'] ?? '', /^text\/html/);
        await checkPage(page, 'unknown path', lang);
      });
    }
  });

  it('the development pages: landing, a login to its result, the callback receiver, a theme preview', async () => {
    for (const lang of LANGS) {
      await inContext(async (page) => {
        await page.goto(`${t.config.publicUrl}/?lang=${lang}`);
        await heading(page);
        await checkPage(page, 'dev landing', lang);
        await page.goto(`${t.config.publicUrl}/dev/themes/night?lang=${lang}`);
        await heading(page);
        await checkPage(page, 'dev theme preview', lang);

        // The landing page's own login ends at /dev/result (its form is walked in dev-landing.test.ts: here the
        // page's form-action names the built-in simulator's origin, not this test's).
        const r = await session(devToken, lang, {
          allowedProviders: ['idporten'],
          callbackUrls: Object.fromEntries(['success', 'abort', 'error'].map((k) => [k, `${t.config.publicUrl}/dev/result`])),
        });
        await page.goto(r.authenticationUrl);
        await page.locator('#person').selectOption(sim.people[0]!.pid);
        await page.locator('button[value="login"]').click();
        await page.waitForURL(`${t.config.publicUrl}/dev/result?sessionId=${r.id}`);
        await page.locator('details').waitFor();
        await checkPage(page, 'dev result', lang);
        // The JSON is folded away, and open it still fits the phone.
        await page.locator('summary').click();
        await checkPage(page, 'dev result, JSON open', lang);
      });
      // A browser of its own: in this one the simulator would remember the login (single sign-on).
      await inContext(async (page) => {
        const s = await session(devToken, lang, { allowedProviders: ['idporten'] });
        await page.goto(s.authenticationUrl);
        await page.locator('#person').selectOption(sim.people[1]!.pid);
        await page.locator('button[value="login"]').click();
        await page.waitForURL(`${t.config.publicUrl}/dev/callback?sessionId=${s.id}`);
        await page.locator('details').waitFor();
        await checkPage(page, 'dev callback', lang);
      });
    }
  });

  it('the simulator pages: ID-porten and BankID style logins, with an error, and its error page', async () => {
    for (const lang of SIM_LANGS) {
      await inContext(async (page) => {
        const s = await session(devToken, lang, { allowedProviders: ['idporten'] });
        await page.goto(s.authenticationUrl);
        await page.locator('#person').waitFor();
        await checkPage(page, 'simulator ID-porten login', lang);
        await page.locator('#pid').fill('12345678901');
        await page.locator('button[value="login"]').click();
        await page.getByRole('alert').waitFor();
        await checkPage(page, 'simulator ID-porten login with an error', lang);

        const b = await session(devToken, lang, { allowedProviders: ['nbid'] });
        await page.goto(b.authenticationUrl);
        await page.waitForURL(new RegExp(`^${sim.issuers.bankid}/`));
        await page.locator('#person').waitFor();
        await checkPage(page, 'simulator BankID login', lang);

        await page.goto(`${sim.issuers.idporten}/authorize?client_id=nobody&ui_locales=${lang}`);
        await heading(page);
        await checkPage(page, 'simulator error page', lang);
      });
    }
  });

  it('the API reference (/docs)', async () => {
    await inContext(async (page) => {
      await page.goto(`${t.config.publicUrl}/docs`);
      await page.getByRole('button', { name: 'Get a token' }).waitFor();
      await checkPage(page, '/docs', 'en');
    });
  });

  it('found nothing on any of them', () => {
    assert.deepEqual(problems, []);
    assert.ok(checked.size >= 2 * (4 * 9 + 4 * 5 + 3 * 4 + 1), `checked ${checked.size}: ${[...checked].join(', ')}`);
  });
});
