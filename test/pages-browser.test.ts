// The service's identity on the hosted pages, in Debian's Chromium: branding set through the admin API
// (the same command table as the CLI) shows on the chooser and on a status page, in nb and en, on a desktop
// and a 390 px phone; axe finds nothing, no page scrolls sideways, the language switcher keeps the session.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { call, getToken, startBroker, type TestBroker, validSessionRequest } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ADMIN_TOKEN = 'admin-token-pages-0123456789abcdefghijklmnop';
const LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="40"><rect width="96" height="40" fill="#7a1f2b"/></svg>';
const LOGO = `data:image/svg+xml;base64,${Buffer.from(LOGO_SVG).toString('base64')}`;

const THEME_LOGO = `data:image/svg+xml;base64,${Buffer.from(LOGO_SVG.replace('width="96"', 'width="120"')).toString('base64')}`;

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const TEXT = {
  nb: { service: 'Logg inn på Bergen kommune', chooser: 'Velg innloggingsmetode', finished: 'Innloggingen er avsluttet', help: 'Hjelp' },
  en: { service: 'Log in to City of Bergen', chooser: 'Choose how to log in', finished: 'This login has ended', help: 'Help' },
} as const;

async function assertAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await (
      globalThis as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; help: string; nodes: { html: string }[] }[] }> };
      }
    ).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.html).slice(0, 3) }));
  });
  assert.deepEqual(violations, [], `${label}: ${JSON.stringify(violations, null, 2)}`);
}

/** No sideways scrolling: the page is no wider than the window. */
async function assertNoHorizontalScroll(page: Page, label: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${label}: ${scrollWidth} px wide in a ${innerWidth} px window`);
}

/** The service's name, its logo (loaded, so the CSP let it through) and its help link are on the page. */
async function assertBranded(page: Page, lang: 'nb' | 'en', label: string): Promise<void> {
  assert.equal(await page.locator('.service-name').textContent(), TEXT[lang].service, label);
  assert.ok(await page.locator('.service-name').isVisible(), `${label}: service name visible`);
  const logoWidth = await page.locator('img.logo').evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : -1));
  assert.equal(logoWidth, 96, `${label}: the logo loaded`);
  const help = page.getByRole('link', { name: TEXT[lang].help, exact: true });
  assert.equal(await help.getAttribute('href'), 'https://bergen.kommune.no/hjelp', label);
}

describe('branded hosted pages in a real browser', { skip: !existsSync(CHROMIUM) && `no browser at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let t: TestBroker;
  let token: string;

  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
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
            assert.equal(await page.locator('button.tile').count(), 3);
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
