// Screenshots of the hosted pages for docs/screenshots/: the chooser, a themed chooser and the status pages,
// in nb and en, on a desktop and a 390 px phone, in Debian's Chromium (CHROMIUM_PATH to use another).
// Each page is also checked for sideways scrolling, so a regenerated set never shows a broken phone layout.
//   node scripts/screenshots.ts
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { call, getToken, startBroker, validSessionRequest } from '../test/helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = new URL('../docs/screenshots/', import.meta.url);
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="132" height="40" viewBox="0 0 132 40"><rect width="40" height="40" rx="6" fill="#7a1f2b"/><text x="20" y="27" text-anchor="middle" fill="#fff" font-family="sans-serif" font-size="18" font-weight="700">BK</text><text x="48" y="26" fill="#3b0d14" font-family="sans-serif" font-size="15">Bergen</text></svg>';
const LOGO = `data:image/svg+xml;base64,${Buffer.from(LOGO_SVG).toString('base64')}`;

mkdirSync(OUT, { recursive: true });
const t = await startBroker();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
try {
  await t.broker.accounts.setBranding(t.accountId, {
    displayName: ['nb=Bergen kommune', 'nn=Bergen kommune', 'en=City of Bergen'],
    logoUrl: LOGO,
    helpUrl: 'https://bergen.kommune.no/hjelp',
    contactUrl: 'https://bergen.kommune.no/kontakt',
    privacyUrl: 'https://bergen.kommune.no/personvern',
  });
  await t.broker.accounts.setTheme(t.accountId, 'bergen', {
    primary: '#7a1f2b',
    header: '#3b0d14',
    background: '#fbf7f2',
    font: 'serif',
    corners: 'square',
  });
  const token = await getToken(t.base, t.clientId, t.clientSecret);
  const session = async (language: string, extra: Record<string, unknown> = {}) => {
    const res = await call(t.base, 'POST', '/auth/rest/sessions', {
      token,
      body: validSessionRequest({
        language,
        allowedProviders: ['idporten', 'ansattporten', 'nbid'],
        callbackUrls: { success: 'https://example.com/ok', abort: 'https://example.com/abort', error: 'https://example.com/error' },
        ...extra,
      }),
    });
    if (res.status !== 200) throw new Error(`session create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; authenticationUrl: string };
  };

  /** Each page: a name and how to reach it in a language (an address to open). */
  const pages: { name: string; url: (lang: string) => Promise<string> }[] = [
    { name: 'chooser', url: async (lang) => (await session(lang)).authenticationUrl },
    { name: 'chooser-themed', url: async (lang) => (await session(lang, { themeId: 'bergen' })).authenticationUrl },
    {
      name: 'finished',
      url: async (lang) => {
        const s = await session(lang);
        await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
        return s.authenticationUrl;
      },
    },
    { name: 'not-found', url: async (lang) => `${t.base}/login/00000000-0000-4000-8000-000000000000?lang=${lang}` },
  ];

  const wide: string[] = [];
  for (const p of pages) {
    for (const lang of ['nb', 'en']) {
      for (const [device, viewport] of Object.entries(VIEWPORTS)) {
        const context = await browser.newContext({ viewport, locale: lang === 'nb' ? 'nb-NO' : 'en-GB' });
        const page = await context.newPage();
        await page.goto(await p.url(lang));
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        if (scrollWidth > innerWidth) wide.push(`${p.name} ${lang} ${device}: ${scrollWidth} px in ${innerWidth}`);
        const file = new URL(`${p.name}-${lang}-${device}.png`, OUT);
        await page.screenshot({ path: file.pathname, fullPage: true });
        process.stdout.write(`${file.pathname}\n`);
        await context.close();
      }
    }
  }
  if (wide.length) {
    process.stderr.write(`pages that scroll sideways:\n${wide.join('\n')}\n`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await t.close();
}
