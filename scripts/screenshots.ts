// Screenshots of the pages people meet, for docs/screenshots/: the chooser (plain and themed), the ID-porten
// and BankID simulators' login pages, every status page, the development pages and the theme preview, in nb
// and en, on a desktop and a 390 px phone, in Debian's Chromium (CHROMIUM_PATH to use another). Each page is
// also checked for sideways scrolling, so a regenerated set never shows a broken phone layout.
//   npm run screenshots
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startSimulator } from '../src/simulator/simulator.ts';
import { launchChromium, sidewaysOverflow, VIEWPORTS } from '../test/browser-support.ts';
import { call, getToken, startBroker, validSessionRequest } from '../test/helpers.ts';

const OUT = new URL('../docs/screenshots/', import.meta.url);
const SIM_SECRET = 'screenshots-sim-secret-0123456789abcdef';
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="132" height="40" viewBox="0 0 132 40"><rect width="40" height="40" rx="6" fill="#7a1f2b"/><text x="20" y="27" text-anchor="middle" fill="#fff" font-family="sans-serif" font-size="18" font-weight="700">BK</text><text x="48" y="26" fill="#3b0d14" font-family="sans-serif" font-size="15">Bergen</text></svg>';
const LOGO = `data:image/svg+xml;base64,${Buffer.from(LOGO_SVG).toString('base64')}`;
const BERGEN = {
  displayName: ['nb=Bergen kommune', 'nn=Bergen kommune', 'en=City of Bergen'],
  logoUrl: LOGO,
  helpUrl: 'https://bergen.kommune.no/hjelp',
  contactUrl: 'https://bergen.kommune.no/kontakt',
  privacyUrl: 'https://bergen.kommune.no/personvern',
};
const BERGEN_THEME = { primary: '#7a1f2b', header: '#3b0d14', background: '#fbf7f2', font: 'serif', corners: 'square' } as const;

mkdirSync(OUT, { recursive: true });
const t = await startBroker({}, { bootstrap: true });
const dev = t.broker.devCredentials;
if (!dev?.clientSecret) throw new Error('no development account');
const sim = await startSimulator({
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
const browser = await launchChromium();
try {
  // The test account: branded, its providers unreachable (the status pages). The development account: the
  // simulator behind idporten and nbid (the journeys), and the same theme for its preview.
  for (const account of [t.accountId, dev.accountId]) {
    await t.broker.accounts.setBranding(account, BERGEN);
    await t.broker.accounts.setTheme(account, 'bergen', BERGEN_THEME);
  }
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
  const token = await getToken(t.base, t.clientId, t.clientSecret);
  const devToken = await getToken(t.base, dev.clientId, dev.clientSecret);
  const base = t.config.publicUrl;
  const session = async (bearer: string, language: string, extra: Record<string, unknown> = {}) => {
    const res = await call(t.base, 'POST', '/auth/rest/sessions', {
      token: bearer,
      body: validSessionRequest({
        language,
        allowedProviders: ['idporten', 'ansattporten', 'nbid'],
        callbackUrls: { success: `${base}/dev/callback`, abort: `${base}/dev/callback`, error: `${base}/dev/callback` },
        ...extra,
      }),
    });
    if (res.status !== 200) throw new Error(`session create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; authenticationUrl: string };
  };
  /** Logs in at the ID-porten simulator page the browser is on. */
  const simLogin = async (page: Page) => {
    await page.locator('#person').selectOption(sim.people[0]?.pid ?? '');
    await page.locator('button[value="login"]').click();
  };

  /** Each page: a name and how a fresh browser gets to it in a language. */
  const pages: { name: string; open: (page: Page, lang: string) => Promise<unknown> }[] = [
    { name: 'chooser', open: async (p, lang) => p.goto((await session(token, lang)).authenticationUrl) },
    { name: 'chooser-themed', open: async (p, lang) => p.goto((await session(token, lang, { themeId: 'bergen' })).authenticationUrl) },
    {
      name: 'simulator-idporten',
      open: async (p, lang) => {
        await p.goto((await session(devToken, lang, { allowedProviders: ['idporten'] })).authenticationUrl);
        await p.locator('#person').waitFor();
      },
    },
    {
      name: 'simulator-bankid',
      open: async (p, lang) => {
        await p.goto((await session(devToken, lang, { allowedProviders: ['nbid'] })).authenticationUrl);
        await p.locator('#person').waitFor();
      },
    },
    {
      name: 'finished',
      open: async (p, lang) => {
        const s = await session(token, lang);
        await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
        return p.goto(s.authenticationUrl);
      },
    },
    {
      name: 'expired',
      open: async (p, lang) => {
        const s = await session(token, lang, { sessionLifetime: 300 });
        t.clock.advance(301);
        try {
          return await p.goto(s.authenticationUrl);
        } finally {
          t.clock.advance(-301);
        }
      },
    },
    {
      name: 'unavailable',
      open: async (p, lang) => {
        await p.goto((await session(token, lang)).authenticationUrl);
        await p.locator('button[value="idporten"]').click();
        await p.locator('h1').waitFor();
      },
    },
    {
      name: 'other-browser',
      open: async (p, lang) => {
        const s = await session(devToken, lang, { allowedProviders: ['idporten'] });
        const first = await browser.newPage();
        await first.goto(s.authenticationUrl);
        await first.close();
        return p.goto(s.authenticationUrl);
      },
    },
    {
      name: 'embedded-frame',
      open: async (p, lang) =>
        p.goto((await session(token, lang, { flow: 'embedded', embeddedParentDomains: ['localhost'] })).authenticationUrl),
    },
    { name: 'not-found', open: (p, lang) => p.goto(`${base}/login/00000000-0000-4000-8000-000000000000?lang=${lang}`) },
    { name: 'callback-error', open: (p, lang) => p.goto(`${base}/auth/callback/idporten?state=nothing&lang=${lang}`) },
    { name: 'page-not-found', open: (p, lang) => p.goto(`${base}/no/such/page?lang=${lang}`) },
    { name: 'dev-landing', open: (p, lang) => p.goto(`${base}/?lang=${lang}`) },
    {
      name: 'dev-result',
      open: async (p, lang) => {
        const callback = `${base}/dev/result`;
        const s = await session(devToken, lang, {
          allowedProviders: ['idporten'],
          callbackUrls: { success: callback, abort: callback, error: callback },
        });
        await p.goto(s.authenticationUrl);
        await simLogin(p);
        await p.waitForURL(/\/dev\/result\?/);
      },
    },
    {
      name: 'dev-callback',
      open: async (p, lang) => {
        const s = await session(devToken, lang, { allowedProviders: ['idporten'] });
        await p.goto(s.authenticationUrl);
        await simLogin(p);
        await p.waitForURL(/\/dev\/callback\?/);
        await p.locator('summary').click();
      },
    },
    { name: 'theme-preview', open: (p, lang) => p.goto(`${base}/dev/themes/bergen?lang=${lang}`) },
  ];

  const wide: string[] = [];
  for (const p of pages) {
    for (const lang of ['nb', 'en']) {
      // The broker's clock is a manual one; the simulator's is the wall clock: keep them together, or its
      // id_tokens look issued in the future once the run has taken a while.
      t.clock.advance((Date.now() - t.clock.now().getTime()) / 1000);
      const context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: lang === 'nb' ? 'nb-NO' : 'en-GB' });
      const page = await context.newPage();
      try {
        await p.open(page, lang);
        for (const [device, viewport] of Object.entries(VIEWPORTS)) {
          await page.setViewportSize(viewport);
          const overflow = await sidewaysOverflow(page);
          if (overflow > 0) wide.push(`${p.name} ${lang} ${device}: ${overflow} px wider than the window`);
          const file = new URL(`${p.name}-${lang}-${device}.png`, OUT);
          await page.screenshot({ path: file.pathname, fullPage: true });
          process.stdout.write(`${file.pathname}\n`);
        }
      } finally {
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
  await sim.close();
}
