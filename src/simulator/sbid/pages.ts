// The test app's pages ("the person's phone"): server-rendered HTML, no script, one same-origin stylesheet,
// Swedish and English. Every page says plainly that this is a simulator, not the real BankID.
import type { SwedishPerson } from './people.ts';

export type AppLang = 'sv' | 'en';

export function appLang(query: string | undefined, acceptLanguage: string | undefined): AppLang {
  if (query === 'sv' || query === 'en') return query;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = (part.split(';')[0] ?? '').trim().toLowerCase();
    if (tag.startsWith('sv')) return 'sv';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

export const STYLESHEET_PATH = '/app/static/sbid-simulator.css';

const T = {
  banner: { sv: 'BankID-simulator — inte det riktiga BankID', en: 'BankID simulator — not the real BankID' },
  skip: { sv: 'Hoppa till huvudinnehåll', en: 'Skip to main content' },
  langName: { sv: 'English', en: 'Svenska' },
  chooseTitle: { sv: 'Identifiera dig', en: 'Identify yourself' },
  signTitle: { sv: 'Skriv under', en: 'Sign' },
  rp: { sv: 'Begäran kommer från', en: 'The request comes from' },
  visibleData: { sv: 'Text från tjänsten', en: 'Text from the service' },
  choose: { sv: 'Välj ett syntetiskt test-BankID', en: 'Choose a synthetic test BankID' },
  required: {
    sv: 'Tjänsten kräver BankID för ett visst personnummer.',
    en: 'The service requires the BankID of a particular personal identity number.',
  },
  coordination: { sv: 'samordningsnummer', en: 'coordination number' },
  blocked: { sv: 'spärrat BankID (ger certificateErr)', en: 'revoked BankID (gives certificateErr)' },
  continue: { sv: 'Fortsätt', en: 'Continue' },
  cancel: { sv: 'Avbryt', en: 'Cancel' },
  codeTitle: { sv: 'Ange säkerhetskod', en: 'Enter your security code' },
  codeText: {
    sv: 'I den riktiga appen anger personen sin säkerhetskod här. Simulatorn frågar inte efter någon kod.',
    en: 'In the real app the person enters their security code here. The simulator asks for no code.',
  },
  as: { sv: 'Du identifierar dig som', en: 'You are identifying as' },
  identify: { sv: 'Identifiera', en: 'Identify' },
  sign: { sv: 'Skriv under', en: 'Sign' },
  mrtdTitle: { sv: 'Läs in ditt pass eller id-kort', en: 'Read your passport or ID card' },
  mrtdText: {
    sv: 'Tjänsten kräver en extra kontroll: i den riktiga appen läser personen in chippet i sitt pass eller nationella id-kort. Simulatorn läser ingenting.',
    en: 'The service requires an extra check: in the real app the person reads the chip of their passport or national ID card. The simulator reads nothing.',
  },
  mrtdDone: { sv: 'Dokumentet är inläst', en: 'Document read' },
  doneTitle: { sv: 'Klart', en: 'Done' },
  complete: { sv: 'Identifieringen är klar. Gå tillbaka till tjänsten.', en: 'Identification complete. Go back to the service.' },
  userCancel: { sv: 'Du avbröt. Gå tillbaka till tjänsten.', en: 'You cancelled. Go back to the service.' },
  certificateErr: {
    sv: 'Detta BankID är spärrat eller ogiltigt (certificateErr).',
    en: 'This BankID is revoked or invalid (certificateErr).',
  },
  expiredTransaction: { sv: 'Ordern har gått ut (expiredTransaction).', en: 'The order has expired (expiredTransaction).' },
  startFailed: { sv: 'Appen startades inte i tid (startFailed).', en: 'The app was not started in time (startFailed).' },
  cancelled: {
    sv: 'Ordern avbröts eftersom en ny order för samma person startades (cancelled).',
    en: 'The order was cancelled because a new order for the same person arrived (cancelled).',
  },
  rpCancel: { sv: 'Tjänsten avbröt ordern.', en: 'The service cancelled the order.' },
  noMatch: {
    sv: 'Det finns inget test-BankID i simulatorn för det personnummer som tjänsten kräver. Ordern väntar tills den går ut.',
    en: 'The simulator holds no test BankID for the personal identity number the service requires. The order waits until it expires.',
  },
  errorTitle: { sv: 'Det gick inte', en: 'That did not work' },
  scanTitle: { sv: 'Skanna QR-kod', en: 'Scan QR code' },
  scanText: {
    sv: 'Klistra in innehållet i QR-koden (bankid.…) som tjänsten visar just nu. Koden byts varje sekund.',
    en: 'Paste the content of the QR code (bankid.…) the service shows right now. The code changes every second.',
  },
  qrLabel: { sv: 'QR-kodens innehåll', en: 'QR code content' },
  scan: { sv: 'Skanna', en: 'Scan' },
  startTitle: { sv: 'Testappen', en: 'The test app' },
  startText: {
    sv: 'Den här sidan spelar personens BankID-app. Tjänsten öppnar den med /app?autostarttoken=… (samma enhet), eller så skannar du QR-koden via',
    en: 'This page plays the person’s BankID app. A service opens it with /app?autostarttoken=… (same device), or you scan the QR code through',
  },
  scanLink: { sv: 'Skanna QR-kod', en: 'Scan QR code' },
} as const;

export type TextKey = keyof typeof T;
export const text = (key: TextKey, lang: AppLang): string => T[key][lang];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function layout(lang: AppLang, title: string, body: string, langSwitchHref?: string): string {
  const other: AppLang = lang === 'sv' ? 'en' : 'sv';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} — ${esc(T.banner[lang])}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<a class="skip" href="#main">${T.skip[lang]}</a>
<header><p class="banner"><strong>${T.banner[lang]}</strong></p>${
    langSwitchHref ? `<p class="lang"><a href="${esc(langSwitchHref)}" lang="${other}" hreflang="${other}">${T.langName[lang]}</a></p>` : ''
  }</header>
<main id="main">
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>`;
}

function formatPnr(pnr: string): string {
  return `${pnr.slice(0, 8)}-${pnr.slice(8)}`;
}

export function startPage(lang: AppLang): string {
  return layout(
    lang,
    T.startTitle[lang],
    `<p>${T.startText[lang]} <a href="/app/scan?lang=${lang}">${T.scanLink[lang]}</a>.</p>`,
    `/app?lang=${lang === 'sv' ? 'en' : 'sv'}`,
  );
}

export function scanFormPage(lang: AppLang, error?: string): string {
  return layout(
    lang,
    T.scanTitle[lang],
    `${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}<p>${T.scanText[lang]}</p>
<form method="get" action="/app/scan">
<input type="hidden" name="lang" value="${lang}">
<p><label for="qr">${T.qrLabel[lang]}</label><br><input id="qr" name="qr" type="text" required autocomplete="off" spellcheck="false" size="60"></p>
<p><button type="submit">${T.scan[lang]}</button></p>
</form>`,
    `/app/scan?lang=${lang === 'sv' ? 'en' : 'sv'}`,
  );
}

export interface OrderPageInfo {
  appToken: string;
  kind: 'auth' | 'sign';
  rpName: string;
  userVisibleText?: string;
}

function orderHeader(lang: AppLang, info: OrderPageInfo): string {
  return `<p>${T.rp[lang]}: <strong>${esc(info.rpName)}</strong></p>${
    info.userVisibleText
      ? `<section aria-labelledby="uvd"><h2 id="uvd">${T.visibleData[lang]}</h2><p class="uvd">${esc(info.userVisibleText)}</p></section>`
      : ''
  }`;
}

export function choosePage(lang: AppLang, info: OrderPageInfo, people: readonly SwedishPerson[], requiredPnr: string | undefined): string {
  const title = info.kind === 'sign' ? T.signTitle[lang] : T.chooseTitle[lang];
  const radios = people
    .map((p, i) => {
      const notes = [
        ...(Number(p.personalNumber.slice(6, 8)) > 60 ? [T.coordination[lang]] : []),
        ...(p.certificateErr ? [T.blocked[lang]] : []),
      ];
      return `<div class="choice"><input type="radio" id="p${i}" name="person" value="${p.personalNumber}"${i === 0 ? ' checked' : ''} required>
<label for="p${i}">${esc(p.givenName)} ${esc(p.surname)}, ${formatPnr(p.personalNumber)}${notes.length ? ` (${esc(notes.join(', '))})` : ''}</label></div>`;
    })
    .join('\n');
  const body =
    people.length === 0
      ? `<p role="alert">${T.noMatch[lang]}</p>${cancelForm(lang, info)}`
      : `${orderHeader(lang, info)}
<form method="post" action="/app/order">
<input type="hidden" name="t" value="${esc(info.appToken)}">
<input type="hidden" name="lang" value="${lang}">
<fieldset><legend>${T.choose[lang]}</legend>${requiredPnr ? `<p>${T.required[lang]}</p>` : ''}
${radios}
</fieldset>
<p class="actions"><button type="submit" name="action" value="identify">${T.continue[lang]}</button>
<button type="submit" name="action" value="cancel" class="secondary">${T.cancel[lang]}</button></p>
</form>`;
  return layout(lang, title, body, `/app/order?t=${encodeURIComponent(info.appToken)}&lang=${lang === 'sv' ? 'en' : 'sv'}`);
}

function cancelForm(lang: AppLang, info: OrderPageInfo): string {
  return `<form method="post" action="/app/order">
<input type="hidden" name="t" value="${esc(info.appToken)}">
<input type="hidden" name="lang" value="${lang}">
<p><button type="submit" name="action" value="cancel">${T.cancel[lang]}</button></p>
</form>`;
}

export function confirmPage(lang: AppLang, info: OrderPageInfo, person: SwedishPerson): string {
  const body = `${orderHeader(lang, info)}
<p>${T.as[lang]} <strong>${esc(person.givenName)} ${esc(person.surname)}</strong> (${formatPnr(person.personalNumber)}).</p>
<p>${T.codeText[lang]}</p>
<form method="post" action="/app/order">
<input type="hidden" name="t" value="${esc(info.appToken)}">
<input type="hidden" name="lang" value="${lang}">
<p class="actions"><button type="submit" name="action" value="approve">${info.kind === 'sign' ? T.sign[lang] : T.identify[lang]}</button>
<button type="submit" name="action" value="cancel" class="secondary">${T.cancel[lang]}</button></p>
</form>`;
  return layout(lang, T.codeTitle[lang], body, `/app/order?t=${encodeURIComponent(info.appToken)}&lang=${lang === 'sv' ? 'en' : 'sv'}`);
}

export function mrtdPage(lang: AppLang, info: OrderPageInfo, person: SwedishPerson): string {
  const body = `${orderHeader(lang, info)}
<p>${T.as[lang]} <strong>${esc(person.givenName)} ${esc(person.surname)}</strong> (${formatPnr(person.personalNumber)}).</p>
<p>${T.mrtdText[lang]}</p>
<form method="post" action="/app/order">
<input type="hidden" name="t" value="${esc(info.appToken)}">
<input type="hidden" name="lang" value="${lang}">
<p class="actions"><button type="submit" name="action" value="mrtd">${T.mrtdDone[lang]}</button>
<button type="submit" name="action" value="cancel" class="secondary">${T.cancel[lang]}</button></p>
</form>`;
  return layout(lang, T.mrtdTitle[lang], body, `/app/order?t=${encodeURIComponent(info.appToken)}&lang=${lang === 'sv' ? 'en' : 'sv'}`);
}

export function donePage(lang: AppLang, message: string): string {
  return layout(lang, T.doneTitle[lang], `<p role="status">${esc(message)}</p>`);
}

export function errorPage(lang: AppLang, message: string): string {
  return layout(
    lang,
    T.errorTitle[lang],
    `<p role="alert">${esc(message)}</p><p><a href="/app/scan?lang=${lang}">${T.scanLink[lang]}</a></p>`,
  );
}

export const STYLESHEET = `:root{color-scheme:light;--ink:#1a1a2e;--brand:#193e4f;--accent:#0b6e99;--warn:#8a1c1c;--bg:#f5f7f8}
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
header{background:var(--brand);color:#fff;padding:.75rem 1rem;display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}
header p{margin:0}header a{color:#fff}
.banner{font-size:1.05rem}
main{max-width:36rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 1rem}h2{font-size:1.1rem}
fieldset{border:1px solid #8a99a3;border-radius:.5rem;padding:1rem;background:#fff}
legend{font-weight:600;padding:0 .25rem}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.4rem 0}
.choice input{margin-top:.35rem}
.uvd{white-space:pre-wrap;background:#fff;border-left:4px solid var(--accent);padding:.5rem .75rem}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1.25rem}
button{font:inherit;padding:.6rem 1.4rem;border-radius:.4rem;border:2px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:var(--accent)}
button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
input[type=text]{font:inherit;padding:.4rem;max-width:100%;border:1px solid #5a6a73;border-radius:.3rem}
.error,[role=alert]{color:var(--warn);font-weight:600}
`;
