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
} as const;

export const SIM_STYLESHEET_PATH = '/static/simulator.css';

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
<link rel="stylesheet" href="${SIM_STYLESHEET_PATH}">
</head>
<body class="${brand.theme}">
<a class="skip" href="#main">${T.skip[lang]}</a>
<header><p class="brand">${esc(brand.name)} <span class="tag">${esc(brand.tag)}</span></p></header>
<main id="main">
<h1>${esc(title)}</h1>
${body}
</main>
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
        `<div class="choice"><input type="radio" id="eid-${e.id}" name="eid" value="${e.id}"${e.id === chosenEid ? ' checked' : ''}><label for="eid-${e.id}">${esc(e.label)}</label></div>`,
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

export const SIM_STYLESHEET = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; background: #f2f2f2; color: #1a1a1a; line-height: 1.5; }
header { background: #0062ba; color: #fff; padding: 0.75rem 1.5rem; }
.brand { margin: 0; font-weight: 700; }
.tag { background: #fff; color: #0062ba; border-radius: 4px; padding: 0 0.4rem; font-size: 0.8rem; margin-left: 0.4rem; }
main { max-width: 34rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
h1 { font-size: 1.4rem; margin-top: 0; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; color: #0062ba; padding: 0.5rem; }
fieldset { border: 1px solid #767676; border-radius: 6px; margin: 1rem 0; }
.choice { margin: 0.25rem 0; }
label { font-weight: 600; }
select, input { display: block; font: inherit; padding: 0.5rem; width: 100%; box-sizing: border-box; border: 1px solid #595959; border-radius: 4px; margin: 0.25rem 0 0.75rem; }
input[type=radio] { display: inline; width: auto; margin-right: 0.5rem; }
button { font: inherit; display: block; width: 100%; margin: 0.5rem 0; padding: 0.75rem; border-radius: 6px; border: 2px solid #0062ba; background: #0062ba; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #0062ba; }
button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.error { color: #a4000f; font-weight: 600; }
body.bankid header { background: #39134c; }
body.bankid .tag { color: #39134c; }
body.bankid button { border-color: #39134c; background: #39134c; }
body.bankid button.secondary { background: #fff; color: #39134c; }
body.bankid .skip:focus { color: #39134c; }
`;
