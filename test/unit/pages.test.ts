// The hosted pages as pure functions: every text in every language, the service's branding validated at
// save time and shown on the page, the language switcher, the provider tiles, and the page's image policy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyBranding, logoSource, serviceName } from '../../src/domain/branding.ts';
import { applyTheme, contrast, DEFAULT_THEME, themeCss } from '../../src/domain/themes.ts';
import { pageCsp } from '../../src/http/pages/respond.ts';
import { COLOURS, PALETTE } from '../../src/pages/badges.ts';
import { hasOwnText, pageLang, t, TEXTS, type TextKey, UI_LANGUAGES } from '../../src/pages/i18n.ts';
import { chooserPage, expiredPage } from '../../src/pages/journey.ts';
import { type PageFrame, STYLESHEET } from '../../src/pages/render.ts';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

describe('page texts', () => {
  it('every key has a text in nb, nn and en, and says for se either its Sámi text or that it falls back', () => {
    for (const [key, entry] of Object.entries(TEXTS)) {
      for (const lang of ['nb', 'nn', 'en'] as const) {
        const text = entry[lang];
        assert.ok(typeof text === 'string' && text.trim() !== '', `${key} has no ${lang} text`);
      }
      assert.ok('se' in entry, `${key} says nothing for se (a Sámi text, or null to fall back to Bokmål)`);
      assert.ok(entry.se === null || entry.se.trim() !== '', `${key}: an empty se text; use null to fall back`);
    }
  });

  it('each language keeps the same {placeholders} as Bokmål', () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, entry] of Object.entries(TEXTS)) {
      for (const lang of ['nn', 'en', 'se'] as const) {
        const text = entry[lang];
        if (text !== null) assert.deepEqual(holes(text), holes(entry.nb), `${key} in ${lang}`);
      }
    }
  });

  it('se falls back to Bokmål key by key, and says which keys it has', () => {
    assert.equal(t('se', 'help'), 'Veahkki');
    assert.equal(hasOwnText('se', 'help'), true);
    assert.equal(t('se', 'cancel'), t('nb', 'cancel'));
    assert.equal(hasOwnText('se', 'cancel'), false);
    assert.equal(t('en', 'serviceLogin', { service: 'Bergen' }), 'Log in to Bergen');
  });

  it('a session language picks the page language: se is Sámi now, no is Bokmål, others English', () => {
    assert.deepEqual(
      ['se', 'se-NO', 'no', 'NB', 'nn_NO', 'de', undefined].map((l) => pageLang(l)),
      ['se', 'se', 'nb', 'nb', 'nn', 'en', 'en'],
    );
  });
});

describe('branding', () => {
  it('keeps names per language and https links, and removes a field given as empty', () => {
    const b = applyBranding(
      {},
      {
        displayName: ['nb=Bergen kommune', 'en=City of Bergen'],
        logoUrl: 'https://cdn.bergen.kommune.no/logo.svg',
        helpUrl: 'https://bergen.kommune.no/hjelp',
        contactUrl: 'mailto:post@bergen.kommune.no',
        privacyUrl: 'https://bergen.kommune.no/personvern',
      },
    );
    assert.deepEqual(b.displayName, { nb: 'Bergen kommune', en: 'City of Bergen' });
    assert.equal(serviceName(b, 'account', 'nn'), 'Bergen kommune', 'nn falls back to nb');
    assert.equal(serviceName(b, 'account', 'en'), 'City of Bergen');
    assert.equal(serviceName({}, 'Kommune', 'en'), 'Kommune', 'no branding: the account name');
    const removed = applyBranding(b, { displayName: ['en='], helpUrl: '' });
    assert.deepEqual(removed.displayName, { nb: 'Bergen kommune' });
    assert.equal(removed.helpUrl, undefined);
    assert.equal(removed.privacyUrl, 'https://bergen.kommune.no/personvern');
  });

  it('refuses what a page should not render: http, javascript:, credentials, non-image data, unknown languages', () => {
    const refused = [
      { logoUrl: 'http://example.com/logo.png' },
      { logoUrl: 'javascript:alert(1)' },
      { logoUrl: 'data:text/html;base64,PHA+' },
      { logoUrl: 'data:image/png,notbase64<' },
      { logoUrl: `data:image/png;base64,${'A'.repeat(60_000)}` },
      { helpUrl: 'https://user:pw@example.com/' },
      { contactUrl: 'javascript:alert(1)' },
      { privacyUrl: 'mailto:x@example.com' },
      { displayName: ['de=Bergen'] },
      { displayName: ['Bergen'] },
      { displayName: [`nb=${'x'.repeat(101)}`] },
      { displayName: ['nb=Two\nlines'] },
    ];
    for (const change of refused) assert.throws(() => applyBranding({}, change), { status: 400 }, JSON.stringify(change).slice(0, 80));
  });

  it("the page's image policy names the logo's origin, or data:, and nothing else", () => {
    assert.equal(logoSource('https://cdn.example.com/a/logo.svg?v=2'), 'https://cdn.example.com');
    assert.equal(logoSource(PNG), 'data:');
    assert.equal(logoSource(undefined), undefined);
    assert.match(pageCsp({ imgSources: ['https://cdn.example.com'] }), /img-src 'self' https:\/\/cdn\.example\.com;/);
    assert.match(pageCsp(), /img-src 'self';/);
  });
});

describe('pages', () => {
  const frame = (lang: PageFrame['lang']): PageFrame => ({
    lang,
    service: {
      name: 'Bergen kommune',
      logoUrl: 'https://cdn.example.com/logo.svg',
      helpUrl: 'https://example.com/help',
      privacyUrl: 'https://example.com/privacy',
    },
    langHref: (l) => `/login/s1?lang=${l}`,
  });
  const chooser = (lang: PageFrame['lang']) =>
    chooserPage({
      frame: frame(lang),
      sessionId: 's1',
      providers: [
        {
          id: 'idporten',
          labels: { nb: 'ID-porten', nn: 'ID-porten', en: 'ID-porten' },
          mark: 'ID-porten',
          taglines: { nb: 'Offentlige tjenester.', nn: 'Offentlege tenester.', en: 'Public services.' },
        },
        { id: 'acme-id', labels: { nb: 'Acme-ID', nn: 'Acme-ID', en: 'Acme-ID' }, mark: 'Acme-ID' },
      ],
    });

  it('the chooser says whose login it is, with the logo and the footer links', () => {
    const html = chooser('nb');
    assert.match(html, /<p class="service-name">Logg inn på Bergen kommune<\/p>/);
    assert.match(html, /<img class="logo" src="https:\/\/cdn\.example\.com\/logo\.svg" alt="">/);
    assert.match(html, /<a href="https:\/\/example\.com\/help">Hjelp<\/a>/);
    assert.match(html, /<a href="https:\/\/example\.com\/privacy">Personvern<\/a>/);
    assert.doesNotMatch(html, />Kontakt</, 'no contact URL, no contact link');
    assert.match(html, /<title>Velg innloggingsmetode – Bergen kommune – eidgate<\/title>/);
  });

  it('each provider is a tile: a badge with its name as text, its name, and a line in the page language', () => {
    const html = chooser('en');
    assert.match(html, /<svg class="badge"[^>]*aria-hidden="true"[^>]*>.*<text[^>]*>ID-porten<\/text><\/svg>/);
    assert.match(
      html,
      /<span class="tile-name">ID-porten<\/span><span class="tile-line" id="tile-idporten-line"[^>]*>Public services\.<\/span>/,
    );
    assert.match(html, /aria-describedby="tile-idporten-line"/);
    assert.match(html, /id="tile-acme-id-line"[^>]*>Log in with your account at Acme-ID\.<\/span>/, 'a provider without a line of its own');
    assert.match(html, /<input type="hidden" name="lang" value="en">/g, 'the forms carry the chosen language');
  });

  it('every badge colour carries its white name at WCAG AA contrast', () => {
    for (const c of [...Object.values(COLOURS), ...PALETTE]) assert.ok(contrast('#ffffff', c) >= 4.5, `${c}: ${contrast('#ffffff', c)}`);
  });

  it('the switcher links every language to this same page, marking the current one', () => {
    const html = expiredPage(frame('nn'), undefined);
    const links = [...html.matchAll(/<a href="([^"]+)" lang="(\w+)" hreflang="\w+"( aria-current="true")?>/g)];
    assert.deepEqual(
      links.map((m) => [m[1], m[2], Boolean(m[3])]),
      UI_LANGUAGES.map((l) => [`/login/s1?lang=${l}`, l, l === 'nn']),
    );
    assert.match(html, /<nav class="langs" aria-label="Språk">/);
  });

  it('a Sámi page says it falls back, and marks the Bokmål it shows as Bokmål', () => {
    const html = chooser('se');
    assert.match(html, /<html lang="se">/);
    assert.match(html, /<main id="main" lang="nb">/);
    assert.match(html, /<p class="notice">Denne siden er ikke oversatt til samisk ennå/);
    assert.match(html, /<a href="https:\/\/example\.com\/help">Veahkki<\/a>/, 'its own text where it has one');
    assert.match(html, /<span lang="nb">Logg inn på Bergen kommune<\/span>/);
  });

  it('names and links are escaped', () => {
    const html = chooserPage({
      frame: { lang: 'en', service: { name: '<b>"x"</b>' } },
      sessionId: 's1',
      providers: [],
    });
    assert.match(html, /Log in to &lt;b&gt;&quot;x&quot;&lt;\/b&gt;/);
    assert.doesNotMatch(html, /<b>"x"/);
  });

  it('every key is used by some page (no dead texts)', async () => {
    const { readFileSync } = await import('node:fs');
    const sources = ['render.ts', 'journey.ts', 'bankid.ts']
      .map((f) => readFileSync(new URL(`../../src/pages/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    const unused = (Object.keys(TEXTS) as TextKey[]).filter((k) => !sources.includes(`'${k}'`));
    assert.deepEqual(unused, []);
  });
});

describe('themes', () => {
  it('contrast is the WCAG ratio: black on white 21:1, a colour on itself 1:1', () => {
    assert.equal(contrast('#000000', '#ffffff'), 21);
    assert.equal(contrast('#777777', '#777777'), 1);
    assert.equal(contrast('#767676', '#ffffff').toFixed(2), '4.54');
  });

  it('a readable theme is saved with the defaults for what it leaves out, and its stylesheet sets only custom properties', () => {
    const th = applyTheme(undefined, { primary: '#7A1F2B', font: 'serif', corners: 'square' });
    assert.deepEqual(th, { ...DEFAULT_THEME, primary: '#7a1f2b', font: 'serif', corners: 'square' });
    const css = themeCss(th);
    assert.match(css, /--eg-primary: #7a1f2b;/);
    assert.match(css, /--eg-font: Georgia/);
    assert.match(css, /--eg-radius: 0;/);
    assert.deepEqual(
      css.split('\n').filter((l) => l.trim() && !/^\s+--eg-[a-z]+: [^;{}]+;$/.test(l)),
      [':root {', '}'],
    );
  });

  it('refuses colours people could not read, fonts off the list, and anything that is not #rrggbb', () => {
    const refused: [Record<string, string>, RegExp][] = [
      [{ primary: '#ffcc00' }, /white text on --primary \(buttons\) is 1\.\d+:1/],
      [{ header: '#9fb7d4' }, /white text on --header/],
      [{ background: '#333333' }, /text #1a1a1a on --background/],
      [{ primary: 'red' }, /#rrggbb/],
      [{ primary: '#123;}body{' }, /#rrggbb/],
      [{ font: 'Comic Sans' }, /--font must be one of system, humanist, serif, mono/],
      [{ corners: 'round' }, /--corners/],
      [{ logoUrl: 'http://example.com/l.png' }, /https/],
    ];
    for (const [change, message] of refused)
      assert.throws(() => applyTheme(undefined, change), { status: 400, message }, JSON.stringify(change));
  });

  it('the pages read the theme through custom properties with the default as fallback', () => {
    for (const v of ['--eg-primary', '--eg-background', '--eg-header', '--eg-font', '--eg-radius'])
      assert.match(STYLESHEET, new RegExp(`var\\(${v}, `));
    assert.doesNotMatch(STYLESHEET, /#1e5aa8(?!\))/, 'no primary colour outside a var() fallback');
    const html = chooserPage({ frame: { lang: 'en', themeHref: '/assets/themes/a-1/brand.css?v=x' }, sessionId: 's', providers: [] });
    assert.match(
      html,
      /<link rel="stylesheet" href="\/assets\/eidgate\.css">\n<link rel="stylesheet" href="\/assets\/themes\/a-1\/brand\.css\?v=x">/,
    );
  });
});
