// Hosted pages as pure functions of state: (state, language) → HTML. No scripts; styles come from one
// same-origin stylesheet, so the Content-Security-Policy can forbid everything inline.
import type { AppError } from '../errors/index.ts';
import { langFromHeader, t, type PageLang } from './i18n.ts';

export const STYLESHEET_PATH = '/assets/eidgate.css';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function layout(lang: PageLang, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – eidgate</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<a class="skip" href="#main">${t(lang, 'skip')}</a>
<header><p class="brand">eidgate</p></header>
<main id="main">
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

/** An error page: a human message, a reference for support, never a stack trace. */
export function errorPage(lang: PageLang, status: number, traceId: string, message?: string): string {
  const text = status === 404 ? t(lang, 'notFound') : (message ?? t(lang, 'generic'));
  return layout(
    lang,
    t(lang, 'errorTitle'),
    `<p>${escapeHtml(text)}</p>\n<p class="ref">${t(lang, 'reference')}: <code>${escapeHtml(traceId)}</code></p>`,
  );
}

/** The page for an error on a hosted page, in the language the browser asks for. */
export function renderErrorPage(err: AppError, request: { id: string; headers: { 'accept-language'?: string | undefined } }): string {
  return errorPage(langFromHeader(request.headers['accept-language']), err.status, request.id);
}

export const STYLESHEET = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; background: #f4f5f7; color: #1a1a1a; line-height: 1.5; }
header { background: #1e2b3c; color: #fff; padding: 0.75rem 1.5rem; }
.brand { margin: 0; font-weight: 700; }
main { max-width: 36rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
h1 { font-size: 1.5rem; margin-top: 0; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; color: #1e2b3c; padding: 0.5rem; z-index: 1; }
button, .button { font: inherit; display: block; width: 100%; margin: 0.5rem 0; padding: 0.75rem 1rem; border-radius: 6px;
  border: 2px solid #1e5aa8; background: #1e5aa8; color: #fff; cursor: pointer; text-align: left; text-decoration: none; box-sizing: border-box; }
button.secondary, .button.secondary { background: #fff; color: #1e5aa8; }
button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
a { color: #1e5aa8; }
.hint { font-size: 0.875rem; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input, select { font: inherit; padding: 0.5rem; width: 100%; box-sizing: border-box; border: 1px solid #595959; border-radius: 4px; }
.error { color: #a4000f; font-weight: 600; }
.ref { color: #4a4a4a; font-size: 0.9rem; }
fieldset { border: 1px solid #767676; border-radius: 6px; margin: 1rem 0; }
pre { background: #f4f5f7; padding: 1rem; overflow: auto; font-size: 0.85rem; }
`;
