// The simulator's login page and error page: pure functions of their inputs, server-rendered, no script,
// one same-origin stylesheet, branded per profile (ID-porten's blue, BankID's purple with its TEST tag).
// Languages: nb (the default), nn, en, and se falls back to nb.
import type { Eid } from './eids.ts';
import type { Person } from './people.ts';
import type { Branding } from './profiles.ts';

export type SimLang = 'nb' | 'nn' | 'en';

export function simLang(uiLocales: string | undefined): SimLang {
  for (const l of (uiLocales ?? '').split(' ')) {
    if (l === 'nb' || l === 'nn' || l === 'en') return l;
    if (l === 'se') return 'nb';
  }
  return 'nb';
}

const T = {
  intro: {
    nb: 'Dette er en simulator for utvikling og test. Bruk bare syntetiske testpersoner.',
    nn: 'Dette er ein simulator for utvikling og test. Bruk berre syntetiske testpersonar.',
    en: 'This is a simulator for development and testing. Use synthetic test people only.',
  },
  client: { nb: 'Du logger inn til', nn: 'Du loggar inn til', en: 'You are logging in to' },
  level: { nb: 'Sikkerhetsnivå (bare TestID)', nn: 'Tryggleiksnivå (berre TestID)', en: 'Level of assurance (TestID only)' },
  substantial: { nb: 'Betydelig', nn: 'Betydeleg', en: 'Substantial' },
  high: { nb: 'Høyt', nn: 'Høgt', en: 'High' },
  person: { nb: 'Velg testperson', nn: 'Vel testperson', en: 'Choose a test person' },
  orType: {
    nb: 'eller skriv et syntetisk fødselsnummer (11 siffer)',
    nn: 'eller skriv eit syntetisk fødselsnummer (11 siffer)',
    en: 'or type a synthetic national identity number (11 digits)',
  },
  login: { nb: 'Logg inn', nn: 'Logg inn', en: 'Log in' },
  cancel: { nb: 'Avbryt', nn: 'Avbryt', en: 'Cancel' },
  none: { nb: 'Ingen valgt', nn: 'Ingen vald', en: 'None chosen' },
  errorTitle: { nb: 'Noe gikk galt', nn: 'Noko gjekk gale', en: 'Something went wrong' },
  noEid: {
    nb: 'Ingen elektronisk ID oppfyller sikkerhetsnivået tjenesten krever.',
    nn: 'Ingen elektronisk ID oppfyller tryggleiksnivået tenesta krev.',
    en: 'No electronic ID meets the level of assurance the service requires.',
  },
  skip: { nb: 'Hopp til hovedinnhold', nn: 'Hopp til hovudinnhald', en: 'Skip to main content' },
  problem: { nb: 'Rett opp dette:', nn: 'Rett opp dette:', en: 'Please correct this:' },
  simulator: { nb: 'Simulator', nn: 'Simulator', en: 'Simulator' },
  banner: {
    nb: 'Simulator – ikke den ekte {name}. Bare for utvikling og test.',
    nn: 'Simulator – ikkje den ekte {name}. Berre for utvikling og test.',
    en: 'Simulator – not the real {name}. For development and testing only.',
  },
  footer: {
    nb: 'eidgate-simulatoren: syntetiske testdata, ingen ekte innlogging.',
    nn: 'eidgate-simulatoren: syntetiske testdata, inga ekte innlogging.',
    en: 'The eidgate simulator: synthetic test data, no real login.',
  },
} as const;

export const SIM_STYLESHEET_PATH = '/static/simulator.css';

/** The simulator's favicon: the broker's shield on a warning amber, so even a tab says "not the real one". */
export const SIM_FAVICON_PATH = '/static/simulator.svg';
export const SIM_FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#8a4600"/><path d="M16 4.5l9.5 3.8v6.4c0 6.2-4 10.6-9.5 12.8-5.5-2.2-9.5-6.6-9.5-12.8V8.3z" fill="#fff"/><path d="M12.5 12.5c0-1.4 1.5-2.3 3.5-2.3s3.4.9 3.4 2.3c0 3.2-6.9 2.2-6.9 5.7 0 1.5 1.6 2.4 3.5 2.4s3.5-.9 3.5-2.4" fill="none" stroke="#8a4600" stroke-width="2.4" stroke-linecap="round"/></svg>';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The page frame every simulator page shares (exported for the logout pages). `refresh`: a meta refresh target. */
export function layoutPage(brand: Branding, lang: SimLang, title: string, body: string, opts: { refresh?: string } = {}): string {
  return layout(brand, lang, title, body, opts);
}

function layout(brand: Branding, lang: SimLang, title: string, body: string, opts: { refresh?: string } = {}): string {
  const refresh = opts.refresh ? `\n<meta http-equiv="refresh" content="1;url=${esc(opts.refresh)}">` : '';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${esc(title)}</title>
<link rel="icon" href="${SIM_FAVICON_PATH}" type="image/svg+xml">
<link rel="stylesheet" href="${SIM_STYLESHEET_PATH}">
</head>
<body class="${brand.theme}">
<a class="skip" href="#main">${T.skip[lang]}</a>
<header><p class="brand">${esc(brand.name)} <span class="tag">${esc(brand.tag)}</span></p></header>
<aside class="sim-banner" aria-label="${T.simulator[lang]}"><p>${esc(T.banner[lang].replace('{name}', brand.name))}</p></aside>
<main id="main">
<h1>${esc(title)}</h1>
${body}
</main>
<footer><p>${T.footer[lang]}</p></footer>
</body>
</html>`;
}

export interface LoginPageState {
  brand: Branding;
  /** Where the form posts: the profile's login path with the interaction uid. */
  action: string;
  lang: SimLang;
  clientName: string;
  eids: Eid[];
  people: Person[];
  minimumAcr: string;
  error?: string;
  values?: { eid?: string; person?: string; pid?: string; level?: string };
}

export function loginPage(s: LoginPageState): string {
  const L = s.lang;
  const title = s.brand.title[L];
  if (s.eids.length === 0) {
    return layout(
      s.brand,
      L,
      title,
      `<p class="error" role="alert">${T.noEid[L]}</p>
<form method="post" action="${esc(s.action)}"><button type="submit" name="action" value="cancel" class="secondary">${T.cancel[L]}</button></form>`,
    );
  }
  const chosenEid = s.values?.eid ?? s.eids[0]!.id;
  const eidOptions = s.eids
    .map(
      (e) =>
        `<div class="choice tile"><input type="radio" id="eid-${e.id}" name="eid" value="${e.id}"${e.id === chosenEid ? ' checked' : ''}><label for="eid-${e.id}">${esc(e.label)}</label></div>`,
    )
    .join('\n');
  const levelChoice = s.eids.some((e) => e.levelChoice);
  const levelOptions = [
    ['idporten-loa-substantial', T.substantial[L]],
    ['idporten-loa-high', T.high[L]],
  ]
    .filter(([v]) => v === 'idporten-loa-high' || s.minimumAcr !== 'idporten-loa-high')
    .map(([v, label]) => `<option value="${v}"${s.values?.level === v ? ' selected' : ''}>${label}</option>`)
    .join('');
  const personOptions = [`<option value="">${T.none[L]}</option>`]
    .concat(
      s.people.map(
        (p) =>
          `<option value="${p.pid}"${s.values?.person === p.pid ? ' selected' : ''}>${esc(`${p.givenName} ${p.familyName}`)} (${p.pid})</option>`,
      ),
    )
    .join('');
  const error = s.error ? `<div class="error" role="alert" id="form-error"><p>${T.problem[L]} ${esc(s.error)}</p></div>` : '';
  const level = levelChoice
    ? `<label for="level">${T.level[L]}</label>
<select id="level" name="level">${levelOptions}</select>
`
    : '';
  return layout(
    s.brand,
    L,
    title,
    `<p>${T.intro[L]}</p>
<p>${T.client[L]} <strong>${esc(s.clientName)}</strong>.</p>
${error}
<form method="post" action="${esc(s.action)}" novalidate>
<fieldset>
<legend>${s.brand.chooseEid[L]}</legend>
${eidOptions}
</fieldset>
${level}<label for="person">${T.person[L]}</label>
<select id="person" name="person">${personOptions}</select>
<label for="pid">${T.orType[L]}</label>
<input id="pid" name="pid" inputmode="numeric" autocomplete="off" value="${esc(s.values?.pid ?? '')}"${s.error ? ' aria-invalid="true" aria-describedby="form-error"' : ''}>
<button type="submit" name="action" value="login">${T.login[L]}</button>
<button type="submit" name="action" value="cancel" class="secondary">${T.cancel[L]}</button>
</form>`,
  );
}

export function simErrorPage(brand: Branding, lang: SimLang, message: string): string {
  return layout(brand, lang, T.errorTitle[lang], `<p>${esc(message)}</p>`);
}

/**
 * A copy of eidgate's design language (src/pages/render.ts SHARED_STYLES; a test keeps the two identical):
 * the simulator ships alone, so it cannot import it. Its colours come through the same custom properties.
 */
export const SIM_SHARED_STYLES = `
:root { color-scheme: light; font-family: var(--eg-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif); }
body { margin: 0; background: var(--eg-background, #f4f5f7); color: #1a1a1a; line-height: 1.5; }
header { background: var(--eg-header, #1e2b3c); color: #fff; padding: 0.5rem 1.5rem; display: flex; flex-wrap: wrap; align-items: center;
  justify-content: space-between; gap: 0.25rem 1rem; }
.brand { margin: 0; font-weight: 700; }
main { max-width: 36rem; margin: 1rem auto 1.5rem; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; box-sizing: border-box; }
@media (max-width: 40rem) { main { margin: 1rem 0.5rem; padding: 1rem; } header { padding: 0.5rem 1rem; } }
h1 { font-size: 1.5rem; margin-top: 0; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; color: #1e2b3c; padding: 0.5rem; z-index: 1; }
a { color: var(--eg-primary, #1e5aa8); }
button, .button { font: inherit; display: block; width: 100%; margin: 0.5rem 0; padding: 0.75rem 1rem; border-radius: var(--eg-radius, 6px);
  border: 2px solid var(--eg-primary, #1e5aa8); background: var(--eg-primary, #1e5aa8); color: #fff; cursor: pointer; text-align: left; text-decoration: none; box-sizing: border-box; }
button.secondary, .button.secondary { background: #fff; color: var(--eg-primary, #1e5aa8); }
button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.tile { display: flex; align-items: center; gap: 0.75rem; background: #fff; color: #1a1a1a; border: 2px solid #8a8f98; }
.tile:hover { border-color: var(--eg-primary, #1e5aa8); }
label { display: block; font-weight: 600; margin-top: 1rem; }
input, select { font: inherit; padding: 0.5rem; width: 100%; box-sizing: border-box; border: 1px solid #595959; border-radius: 4px; }
.error { color: #a4000f; font-weight: 600; }
fieldset { border: 1px solid #767676; border-radius: var(--eg-radius, 6px); margin: 1rem 0; }
.notice { background: #fff4e5; border-left: 4px solid #b35c00; padding: 0.5rem 0.75rem; }
footer { max-width: 36rem; margin: 0 auto 2rem; padding: 0 1rem; font-size: 0.9rem; box-sizing: border-box; }
`;

/** The simulator's own look on top: its brand colours, its "simulator" tag and banner, eIDs as radio tiles. */
export const SIM_STYLESHEET = `${SIM_SHARED_STYLES}
body.idporten { --eg-primary: #0062ba; --eg-header: #0062ba; --eg-background: #f2f2f2; }
body.bankid { --eg-primary: #39134c; --eg-header: #39134c; --eg-background: #f2f2f2; }
.tag { background: #fff; color: var(--eg-header); border-radius: 4px; padding: 0 0.4rem; font-size: 0.8rem; margin-left: 0.4rem;
  text-transform: uppercase; letter-spacing: 0.04em; }
.sim-banner p { margin: 0; }
.sim-banner { margin: 0; padding: 0.5rem 1.5rem; background: #fff4e5; color: #1a1a1a; border-bottom: 3px solid #b35c00; font-weight: 600; }
@media (max-width: 40rem) { .sim-banner { padding: 0.5rem 1rem; } }
fieldset .tile { margin: 0.5rem 0; padding: 0.5rem 0.75rem; border-radius: var(--eg-radius, 6px); gap: 0.5rem; }
fieldset .tile:has(input:checked) { border-color: var(--eg-primary); }
fieldset .tile label { margin: 0; flex: 1; cursor: pointer; }
input[type=radio] { width: 1.25rem; height: 1.25rem; margin: 0; flex: none; accent-color: var(--eg-primary); }
select, input { margin: 0.25rem 0 0.75rem; }
footer { color: #4a4a4a; }
`;

/** What the simulator serves besides its logins: its stylesheet and favicon (also at /favicon.ico). */
export const SIM_ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  [SIM_STYLESHEET_PATH]: { type: 'text/css; charset=utf-8', body: SIM_STYLESHEET },
  [SIM_FAVICON_PATH]: { type: 'image/svg+xml', body: SIM_FAVICON_SVG },
  '/favicon.ico': { type: 'image/svg+xml', body: SIM_FAVICON_SVG },
};
