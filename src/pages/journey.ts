// The hosted journey pages, each a pure function of its state and language.
import { escapeHtml as esc, layout } from './render.ts';
import { t, type PageLang } from './i18n.ts';

export interface ChooserState {
  lang: PageLang;
  sessionId: string;
  /** Each provider with its name per language, from the provider registry. */
  providers: { id: string; labels: Readonly<Record<PageLang, string>> }[];
}

export function chooserPage(s: ChooserState): string {
  const buttons = s.providers
    .map((p) => `<button type="submit" name="provider" value="${esc(p.id)}">${esc(p.labels[s.lang])}</button>`)
    .join('\n');
  return layout(
    s.lang,
    t(s.lang, 'chooseTitle'),
    `<p>${t(s.lang, 'chooseIntro')}</p>
<form method="post" action="/login/${esc(s.sessionId)}/start">
${buttons}
</form>
${cancelForm(s.lang, s.sessionId)}`,
  );
}

/** The page this script watches the session from (the embedded flow's frame). */
export const FRAME_SCRIPT_PATH = '/assets/frame.js';

/**
 * Polls the session's state and reloads the frame once the session has ended: the reload then goes on to
 * returnUrl or shows the result. A same-origin file, so the page's CSP allows only script-src 'self'.
 */
export const FRAME_SCRIPT = `'use strict';
(function () {
  var root = document.querySelector('[data-watch]');
  if (!root) return;
  var url = root.getAttribute('data-watch');
  function tick() {
    fetch(url, { cache: 'no-store', credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : { open: true }; })
      .then(function (s) { if (s.open === false) location.reload(); else setTimeout(tick, 2000); })
      .catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 1000);
})();
`;

/** The embedded flow's framed page: each provider opens in a window of its own; the frame watches. */
export function framePage(s: ChooserState): string {
  const links = s.providers
    .map(
      (p) =>
        `<a class="button" href="/login/${esc(s.sessionId)}/window?provider=${encodeURIComponent(p.id)}" target="_blank">${esc(p.labels[s.lang])} <span class="hint">${t(s.lang, 'newWindow')}</span></a>`,
    )
    .join('\n');
  return layout(
    s.lang,
    t(s.lang, 'frameTitle'),
    `<p>${t(s.lang, 'frameIntro')}</p>
${links}
<p role="status" data-watch="/login/${esc(s.sessionId)}/state">${t(s.lang, 'frameWaiting')}</p>
<script src="${FRAME_SCRIPT_PATH}"></script>`,
  );
}

/** Embedded without returnUrl: the result in the frame. */
export function frameResultPage(lang: PageLang, status: 'SUCCESS' | 'ABORT' | 'ERROR' | 'CANCELLED' | 'EXPIRED'): string {
  if (status === 'SUCCESS') return withLink(lang, t(lang, 'resultSuccessTitle'), t(lang, 'resultSuccessBody'), undefined);
  if (status === 'EXPIRED') return withLink(lang, t(lang, 'expiredTitle'), t(lang, 'expiredBody'), undefined);
  const title = status === 'ERROR' ? t(lang, 'resultErrorTitle') : t(lang, 'resultAbortTitle');
  return withLink(lang, title, t(lang, 'resultOtherBody'), undefined);
}

/** The provider's answer matched no login of this browser's, whose login is still open: try again or cancel. */
export const stateMismatchPage = (lang: PageLang, sessionId: string) =>
  layout(
    lang,
    t(lang, 'stateMismatchTitle'),
    `<p>${t(lang, 'stateMismatchBody')}</p>
<p><a class="button" href="/login/${esc(sessionId)}">${t(lang, 'tryAgain')}</a></p>
${cancelForm(lang, sessionId)}`,
  );

/** The outcome could not be recorded: an honest page with a reference for support. */
export const notFinishedPage = (lang: PageLang, traceId: string) =>
  layout(
    lang,
    t(lang, 'notFinishedTitle'),
    `<p>${t(lang, 'notFinishedBody')}</p>\n<p class="ref">${t(lang, 'reference')}: <code>${esc(traceId)}</code></p>`,
  );

export const notFramablePage = (lang: PageLang) => withLink(lang, t(lang, 'notFramableTitle'), t(lang, 'notFramableBody'), undefined);

export const windowDonePage = (lang: PageLang) => withLink(lang, t(lang, 'windowDoneTitle'), t(lang, 'windowDoneBody'), undefined);

export function cancelForm(lang: PageLang, sessionId: string): string {
  return `<form method="post" action="/login/${esc(sessionId)}/abort">
<button type="submit" class="secondary">${t(lang, 'cancel')}</button>
</form>`;
}

function withLink(lang: PageLang, title: string, body: string, href: string | undefined): string {
  const link = href ? `<p><a class="button" href="${esc(href)}">${t(lang, 'backToService')}</a></p>` : '';
  return layout(lang, title, `<p>${esc(body)}</p>\n${link}`);
}

export const expiredPage = (lang: PageLang, callback: string | undefined) =>
  withLink(lang, t(lang, 'expiredTitle'), t(lang, 'expiredBody'), callback);
export const finishedPage = (lang: PageLang, callback: string | undefined) =>
  withLink(lang, t(lang, 'finishedTitle'), t(lang, 'finishedBody'), callback);
export const otherBrowserPage = (lang: PageLang) => withLink(lang, t(lang, 'otherBrowserTitle'), t(lang, 'otherBrowser'), undefined);
export const notFoundPage = (lang: PageLang) => withLink(lang, t(lang, 'notFoundTitle'), t(lang, 'notFoundBody'), undefined);
export const unavailablePage = (lang: PageLang, sessionId: string) =>
  layout(lang, t(lang, 'unavailableTitle'), `<p>${t(lang, 'unavailableBody')}</p>\n${cancelForm(lang, sessionId)}`);

/** The development landing page: one click to a real login with the development account. */
export function devLandingPage(lang: PageLang, hasChooser: boolean): string {
  return layout(
    lang,
    t(lang, 'devTitle'),
    `<p>${t(lang, 'devIntro')}</p>
<form method="post" action="/dev/try">
<button type="submit" name="mode" value="one">${t(lang, 'devOne')}</button>
${hasChooser ? `<button type="submit" name="mode" value="chooser" class="secondary">${t(lang, 'devChooser')}</button>` : ''}
</form>
<p><a href="/docs">API documentation</a></p>`,
  );
}

export function devResultPage(lang: PageLang, sessionJson: string): string {
  return layout(
    lang,
    t(lang, 'devResult'),
    `<pre><code>${esc(sessionJson)}</code></pre>
<p><a class="button" href="/">${t(lang, 'devAgain')}</a></p>`,
  );
}
