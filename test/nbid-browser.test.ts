// Norwegian BankID in a real browser: Debian's Chromium through the broker's chooser (ID-porten, BankID and
// a generic OpenID Connect provider of the account, in nb, nn and en) to the simulator's BankID Norge login and
// back, axe-core on the chooser and on BankID's page. One BankID option per language: BID, BIS, BIM; and one
// login through the generic provider (the simulator's ID-porten profile registered under an id of its own).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROVIDERS } from '../src/domain/providers/registry.ts';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import { call, getToken, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SIM_SECRET = 'nbid-browser-secret-0123456789abcdefghij';
// The service's callback pages are never loaded: the test waits for the browser to be sent there.
const APP = 'https://example.com';

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

const label = (id: string, lang: 'nb' | 'nn' | 'en') => PROVIDERS.find((p) => p.id === id)!.labels[lang];
const GENERIC_LABELS = { nb: 'Kommunens innlogging', nn: 'Kommunen si innlogging', en: 'Municipal login' } as const;

describe('nbid in a real browser', { skip: !existsSync(CHROMIUM) && `no browser at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let t: TestBroker;
  let sim: RunningSimulator;
  let token: string;

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    t = await startBroker();
    sim = await startSimulator({
      port: 0,
      clients: [
        {
          client_id: 'broker',
          client_secret: SIM_SECRET,
          redirect_uris: ['idporten', 'nbid', 'kommune-id'].map((p) => `${t.config.publicUrl}/auth/callback/${p}`),
          scope: 'openid profile',
        },
      ],
    });
    for (const [providerId, issuer] of [
      ['idporten', sim.issuers.idporten],
      ['nbid', sim.issuers.bankid],
    ] as const) {
      await t.broker.providerConfigs.save(t.accountId, {
        providerId,
        issuer,
        clientId: 'broker',
        clientSecret: SIM_SECRET,
        clientAuth: 'client_secret_basic',
        par: true,
      });
    }
    await t.broker.providerConfigs.addGeneric(t.accountId, 'kommune-id', {
      issuer: sim.issuers.idporten,
      clientId: 'broker',
      clientSecret: SIM_SECRET,
      par: 'on',
      acr: ['substantial=idporten-loa-substantial', 'high=idporten-loa-high'],
      claims: JSON.stringify({ nin: 'pid', name: '{given_name} {family_name}' }),
      label: Object.entries(GENERIC_LABELS).map(([lang, text]) => `${lang}=${text}`),
    });
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
  });

  const cases = [
    { lang: 'nb', idp: 'BID', eid: 'BankID (kodebrikke eller app)', loa: 'high', login: 'Logg inn' },
    { lang: 'nn', idp: 'BIS', eid: 'BankID med biometri', loa: 'substantial', login: 'Logg inn' },
    { lang: 'en', idp: 'BIM', eid: 'BankID på mobil', loa: 'high', login: 'Log in' },
  ] as const;
  for (const c of cases) {
    it(`[${c.lang}] the chooser offers ID-porten, BankID and the account's generic provider; BankID ${c.idp} logs in and the service gets the subject`, async () => {
      const s = (
        await call(t.base, 'POST', '/auth/rest/sessions', {
          token,
          body: validSessionRequest({
            language: c.lang,
            allowedProviders: ['idporten', 'nbid', 'kommune-id'],
            requestedAttributes: ['nin', 'name', 'nbidIdp'],
            additionalParameters: { nbid_idp: c.idp },
            callbackUrls: { success: `${APP}/success`, abort: `${APP}/abort`, error: `${APP}/error` },
          }),
        })
      ).body;
      const page = await browser.newPage();
      try {
        // The service's pages are not there: answer them here, so the browser's arrival is all that counts.
        await page.route(`${APP}/**`, (route) =>
          route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Service</title>' }),
        );
        await page.goto(s.authenticationUrl);
        assert.equal(await page.getAttribute('html', 'lang'), c.lang);
        const idporten = page.getByRole('button', { name: label('idporten', c.lang) });
        const bankid = page.getByRole('button', { name: label('nbid', c.lang), exact: true });
        const generic = page.getByRole('button', { name: GENERIC_LABELS[c.lang], exact: true });
        await idporten.waitFor();
        await bankid.waitFor();
        await generic.waitFor();
        await assertAccessible(page, `chooser (${c.lang})`);
        await bankid.click();
        await page.waitForURL(new RegExp(`^${sim.issuers.bankid}/login-actions/`));
        assert.equal(await page.getAttribute('html', 'lang'), c.lang);
        await assertAccessible(page, `BankID login (${c.lang})`);
        const radios = page.getByRole('radio');
        assert.equal(await radios.count(), 1, 'nbid_idp leaves one BankID option');
        await page.getByRole('radio', { name: c.eid }).check();
        const person = sim.people[5]!;
        await page.locator('#person').selectOption(person.pid);
        await page.getByRole('button', { name: c.login, exact: true }).click();
        await page.waitForURL(`${APP}/success?sessionId=${s.id}`);
        const done = (await call(t.base, 'GET', `/auth/rest/sessions/${s.id}`, { token })).body;
        assert.equal(done.status, 'SUCCESS', JSON.stringify(done.error));
        assert.equal(done.provider, 'nbid');
        assert.equal(done.loa, c.loa);
        assert.deepEqual(done.subject.nin, { value: person.pid, issuingCountry: 'NO', type: person.pid[0]! >= '4' ? 'DNUMBER' : 'BIRTH' });
        assert.equal(done.subject.name, `${person.givenName} ${person.familyName}`);
        assert.equal(done.subject.nbidIdp, c.idp);
      } finally {
        await page.close();
      }
    });
  }

  it('[en] the generic provider from the chooser: its login, back, SUCCESS with the mapped subject', async () => {
    const s = (
      await call(t.base, 'POST', '/auth/rest/sessions', {
        token,
        body: validSessionRequest({
          language: 'en',
          allowedProviders: ['idporten', 'nbid', 'kommune-id'],
          requestedAttributes: ['nin', 'name'],
          callbackUrls: { success: `${APP}/success`, abort: `${APP}/abort`, error: `${APP}/error` },
        }),
      })
    ).body;
    const page = await browser.newPage();
    try {
      await page.route(`${APP}/**`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Service</title>' }));
      await page.goto(s.authenticationUrl);
      await page.getByRole('button', { name: GENERIC_LABELS.en, exact: true }).click();
      await page.waitForURL(new RegExp(`^${sim.issuers.idporten}/`));
      await page.getByRole('radio', { name: 'BankID' }).check();
      const person = sim.people[1]!;
      await page.locator('#person').selectOption(person.pid);
      await page.getByRole('button', { name: 'Log in', exact: true }).click();
      await page.waitForURL(`${APP}/success?sessionId=${s.id}`);
      const done = (await call(t.base, 'GET', `/auth/rest/sessions/${s.id}`, { token })).body;
      assert.equal(done.status, 'SUCCESS', JSON.stringify(done.error));
      assert.equal(done.provider, 'kommune-id');
      assert.equal(done.subject.nin.value, person.pid);
      assert.equal(done.subject.name, `${person.givenName} ${person.familyName}`);
    } finally {
      await page.close();
    }
  });
});
