// Hosted pages as pure functions of state: (state, language) → HTML. No scripts; styles come from one
// same-origin stylesheet, so the Content-Security-Policy can forbid everything inline.
import type { AppError } from '../errors/index.ts';
import { chosenLang, hasOwnText, LANGUAGE_NAMES, langFromHeader, shownIn, t, type TextKey, UI_LANGUAGES, type UiLang } from './i18n.ts';

export const STYLESHEET_PATH = '/assets/eidgate.css';

/** The favicon: a shield with a tick in the header's navy, drawn by us. Also answered at /favicon.ico. */
export const FAVICON_PATH = '/favicon.svg';
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1e2b3c"/><path d="M16 4.5l9.5 3.8v6.4c0 6.2-4 10.6-9.5 12.8-5.5-2.2-9.5-6.6-9.5-12.8V8.3z" fill="#fff"/><path d="M11.4 16.2l3.3 3.3 6.2-6.6" fill="none" stroke="#1e5aa8" stroke-width="2.8" stroke-linecap="round" stroke-linejoin="round"/></svg>';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The service a page is shown for: the account's branding, resolved for the page's language. */
export interface ServiceView {
  name: string;
  logoUrl?: string | undefined;
  helpUrl?: string | undefined;
  contactUrl?: string | undefined;
  privacyUrl?: string | undefined;
}

/** What frames every page: its language, the service it is for, and where each language's version is. */
export interface PageFrame {
  lang: UiLang;
  service?: ServiceView | undefined;
  /** The theme's stylesheet (custom properties only), after ours. */
  themeHref?: string | undefined;
  /** The address that shows this very page in another language; by default `?lang=` on the same path. */
  langHref?: (lang: UiLang) => string;
}

export const frameOf = (f: PageFrame | UiLang): PageFrame => (typeof f === 'string' ? { lang: f } : f);

/** A text as HTML, marked lang="nb" where a Sámi page falls back to Bokmål. */
export function tx(lang: UiLang, key: TextKey, vars: Record<string, string> = {}): string {
  const text = escapeHtml(t(lang, key, vars));
  return hasOwnText(lang, key) ? text : `<span lang="${shownIn(lang, key)}">${text}</span>`;
}

function languageSwitcher(f: PageFrame): string {
  const href = f.langHref ?? ((l: UiLang) => `?lang=${l}`);
  const items = UI_LANGUAGES.map((l) => {
    const current = l === f.lang ? ' aria-current="true"' : '';
    return `<li><a href="${escapeHtml(href(l))}" lang="${l}" hreflang="${l}"${current}>${LANGUAGE_NAMES[l]}</a></li>`;
  }).join('');
  return `<nav class="langs" aria-label="${escapeHtml(t(f.lang, 'languages'))}"><ul>${items}</ul></nav>`;
}

function serviceBand(f: PageFrame): string {
  if (!f.service) return '';
  const { lang, service } = f;
  // The logo is decorative next to the name in text (alt=""), so a broken logo never hides who asks.
  const logo = service.logoUrl ? `<img class="logo" src="${escapeHtml(service.logoUrl)}" alt="">` : '';
  return `<div class="service">${logo}<p class="service-name">${tx(lang, 'serviceLogin', { service: service.name })}</p></div>\n`;
}

function footer(f: PageFrame): string {
  const { lang, service } = f;
  const links = (
    [
      ['helpUrl', 'help'],
      ['contactUrl', 'contact'],
      ['privacyUrl', 'privacy'],
    ] as const
  )
    .filter(([field]) => service?.[field])
    .map(([field, key]) => `<li><a href="${escapeHtml(service?.[field] ?? '')}">${tx(lang, key)}</a></li>`)
    .join('');
  const nav = links ? `<nav aria-label="${escapeHtml(t(lang, 'footerLabel'))}"><ul class="links">${links}</ul></nav>` : '';
  return `<footer>${nav}<p class="powered">${tx(lang, 'poweredBy')}</p></footer>`;
}

export function layout(frame: PageFrame | UiLang, title: string, body: string): string {
  const f = frameOf(frame);
  const { lang } = f;
  // A Sámi page's body is Bokmål where it has no Sámi text yet: said once, and marked for screen readers.
  const mainLang = lang === 'se' ? ' lang="nb"' : '';
  const notice = lang === 'se' ? `<p class="notice">${escapeHtml(t('nb', 'seFallback'))}</p>\n` : '';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – ${f.service ? `${escapeHtml(f.service.name)} – ` : ''}eidgate</title>
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
<link rel="stylesheet" href="${STYLESHEET_PATH}">
${f.themeHref ? `<link rel="stylesheet" href="${escapeHtml(f.themeHref)}">\n` : ''}</head>
<body>
<a class="skip" href="#main">${tx(lang, 'skip')}</a>
<header><p class="brand">eidgate</p>${languageSwitcher(f)}</header>
<main id="main"${mainLang}>
${serviceBand(f)}${notice}<h1>${escapeHtml(title)}</h1>
${body}
</main>
${footer(f)}
</body>
</html>`;
}

/** An error page: a human message, a reference for support, never a stack trace. */
export function errorPage(lang: UiLang, status: number, traceId: string, message?: string): string {
  const text = status === 404 ? t(lang, 'notFound') : (message ?? t(lang, 'generic'));
  return layout(
    lang,
    t(lang, 'errorTitle'),
    `<p>${escapeHtml(text)}</p>\n<p class="ref">${t(lang, 'reference')}: <code>${escapeHtml(traceId)}</code></p>`,
  );
}

/** The page for an error on a hosted page, in the language the browser asks for. */
export function renderErrorPage(
  err: AppError,
  request: { id: string; query?: unknown; headers: { 'accept-language'?: string | undefined } },
): string {
  const asked = chosenLang((request.query as { lang?: unknown } | undefined)?.lang);
  return errorPage(asked ?? langFromHeader(request.headers['accept-language']), err.status, request.id);
}

/**
 * The design language of eidgate's pages: header, page box, headings, buttons, tiles, form fields and focus.
 * The simulator keeps a byte-identical copy (it ships without the broker; a test compares the two), and
 * gives it its own colours through the same custom properties.
 */
export const SHARED_STYLES = `
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

export const STYLESHEET = `${SHARED_STYLES}
.langs ul, footer ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; }
.langs a { color: #fff; font-size: 0.9rem; padding: 0.25rem 0; display: inline-block; }
.langs a[aria-current] { font-weight: 700; text-decoration: none; border-bottom: 2px solid #fff; }
.langs a:focus-visible { outline-color: #ffb366; }
.service { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; margin: 0 0 1rem; padding-bottom: 1rem;
  border-bottom: 1px solid #d0d4da; }
.logo { max-height: 48px; max-width: 160px; width: auto; height: auto; }
.service-name { margin: 0; font-size: 1.125rem; font-weight: 600; overflow-wrap: anywhere; }
footer a { color: var(--eg-primary, #1e5aa8); }
.powered { color: #4a4a4a; }
.tile .badge { flex: none; width: 5.5rem; height: 2.75rem; }
.tile-text { display: flex; flex-direction: column; min-width: 0; }
.tile-name { font-weight: 700; overflow-wrap: anywhere; }
.tile-line { font-size: 0.875rem; color: #3d3d3d; overflow-wrap: anywhere; }
.hint { font-size: 0.875rem; }
.ref { color: #4a4a4a; font-size: 0.9rem; }
fieldset { border: 1px solid #767676; border-radius: var(--eg-radius, 6px); margin: 1rem 0; }
.qr-figure { margin: 1rem 0; text-align: center; }
.qr { display: inline-block; background: #fff; }
.qr svg { width: 14rem; height: 14rem; display: block; }
pre { background: #f4f5f7; padding: 1rem; overflow: auto; font-size: 0.85rem; max-width: 100%; box-sizing: border-box; }
a.tile { margin: 0.5rem 0; padding: 0.75rem 1rem; border-radius: var(--eg-radius, 6px); text-decoration: none; }
a.tile .hint { display: block; font-weight: 400; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 1rem 0; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 25rem) { .facts { grid-template-columns: 1fr; } .facts dd { margin-bottom: 0.5rem; } }
.outcome { display: inline-block; padding: 0 0.5rem; border-radius: 4px; font-weight: 700; background: #e6e8eb; color: #1a1a1a; }
.outcome-SUCCESS { background: #dff3e4; color: #0b4f1c; }
.outcome-ERROR { background: #fde7e9; color: #a4000f; }
details { margin: 1rem 0; border: 1px solid #d0d4da; border-radius: var(--eg-radius, 6px); }
summary { cursor: pointer; padding: 0.5rem 0.75rem; font-weight: 600; }
details pre { margin: 0; border-radius: 0 0 var(--eg-radius, 6px) var(--eg-radius, 6px); }
`;
