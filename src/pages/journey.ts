// The hosted journey pages, each a pure function of its state and language.
import { badgeSvg } from './badges.ts';
import { contentLang, t, type PageLang, type TextKey, type UiLang } from './i18n.ts';
import { escapeHtml as esc, frameOf, layout, type PageFrame, tx } from './render.ts';

export interface ChooserState {
  frame: PageFrame;
  sessionId: string;
  /** Each provider with its name per language, from the provider registry. */
  providers: {
    id: string;
    labels: Readonly<Record<PageLang, string>>;
    mark: string;
    taglines?: Readonly<Record<PageLang, string>> | undefined;
  }[];
}

/** A form's hidden field carrying the page's language, so the next page speaks the one the person chose. */
/** The language of a page given as a frame or a bare language. */
const L = (f: PageFrame | UiLang): UiLang => frameOf(f).lang;

const langField = (lang: UiLang) => `<input type="hidden" name="lang" value="${lang}">`;

/**
 * A provider's tile: its badge, its name and one line in the page's language. The button's name is the
 * provider's name alone; the line is its description (aria-describedby), so it is read once, after.
 */
function tile(lang: UiLang, p: ChooserState['providers'][number], type: 'submit' | 'button' = 'submit'): string {
  const lineId = `tile-${esc(p.id)}-line`;
  return `<button type="${type}" class="tile" name="provider" value="${esc(p.id)}" aria-describedby="${lineId}">${tileContent(lang, p, lineId)}</button>`;
}

/** A tile's badge, name (with `extra`, part of the accessible name) and line (hidden from the name: it is the tile's description). */
function tileContent(lang: UiLang, p: ChooserState['providers'][number], lineId: string, extra = ''): string {
  const cl = contentLang(lang);
  const line = p.taglines?.[cl] ?? t(lang, 'genericTagline', { provider: p.labels[cl] });
  return `${badgeSvg(p.id, p.mark)}<span class="tile-text"><span class="tile-name">${esc(p.labels[cl])}${extra}</span><span class="tile-line" id="${lineId}" aria-hidden="true">${esc(line)}</span></span>`;
}

export function chooserPage(s: ChooserState): string {
  const { lang } = s.frame;
  return layout(
    s.frame,
    t(lang, 'chooseTitle'),
    `<p>${t(lang, 'chooseIntro')}</p>
<form method="post" action="/login/${esc(s.sessionId)}/start">
${langField(lang)}
${s.providers.map((p) => tile(lang, p)).join('\n')}
</form>
${cancelForm(s.frame, s.sessionId)}`,
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
  const { lang } = s.frame;
  // The chooser's tiles, as links: each opens the provider in a window of its own (said in the link's name).
  const links = s.providers
    .map((p) => {
      const lineId = `tile-${esc(p.id)}-line`;
      const href = `/login/${esc(s.sessionId)}/window?provider=${encodeURIComponent(p.id)}`;
      return `<a class="tile" href="${href}" target="_blank" aria-describedby="${lineId}">${tileContent(lang, p, lineId, ` <span class="hint">${t(lang, 'newWindow')}</span>`)}</a>`;
    })
    .join('\n');
  return layout(
    s.frame,
    t(lang, 'frameTitle'),
    `<p>${t(lang, 'frameIntro')}</p>
${links}
<p role="status" data-watch="/login/${esc(s.sessionId)}/state">${t(lang, 'frameWaiting')}</p>
<script src="${FRAME_SCRIPT_PATH}"></script>`,
  );
}

/** Embedded without returnUrl: the result in the frame. */
export function frameResultPage(f: PageFrame | UiLang, status: 'SUCCESS' | 'ABORT' | 'ERROR' | 'CANCELLED' | 'EXPIRED'): string {
  if (status === 'SUCCESS') return withLink(f, t(L(f), 'resultSuccessTitle'), t(L(f), 'resultSuccessBody'), undefined);
  if (status === 'EXPIRED') return withLink(f, t(L(f), 'expiredTitle'), t(L(f), 'expiredBody'), undefined);
  const title = status === 'ERROR' ? t(L(f), 'resultErrorTitle') : t(L(f), 'resultAbortTitle');
  return withLink(f, title, t(L(f), 'resultOtherBody'), undefined);
}

/** The provider's answer matched no login of this browser's, whose login is still open: try again or cancel. */
export const stateMismatchPage = (f: PageFrame | UiLang, sessionId: string) =>
  layout(
    f,
    t(L(f), 'stateMismatchTitle'),
    `<p>${t(L(f), 'stateMismatchBody')}</p>
<p><a class="button" href="/login/${esc(sessionId)}">${t(L(f), 'tryAgain')}</a></p>
${cancelForm(f, sessionId)}`,
  );

/** The outcome could not be recorded: an honest page with a reference for support. */
export const notFinishedPage = (f: PageFrame | UiLang, traceId: string) =>
  layout(
    f,
    t(L(f), 'notFinishedTitle'),
    `<p>${t(L(f), 'notFinishedBody')}</p>\n<p class="ref">${t(L(f), 'reference')}: <code>${esc(traceId)}</code></p>`,
  );

export const notFramablePage = (f: PageFrame | UiLang) => withLink(f, t(L(f), 'notFramableTitle'), t(L(f), 'notFramableBody'), undefined);

export const windowDonePage = (f: PageFrame | UiLang) => withLink(f, t(L(f), 'windowDoneTitle'), t(L(f), 'windowDoneBody'), undefined);

export function cancelForm(f: PageFrame | UiLang, sessionId: string): string {
  return `<form method="post" action="/login/${esc(sessionId)}/abort">
${langField(L(f))}
<button type="submit" class="secondary">${t(L(f), 'cancel')}</button>
</form>`;
}

function withLink(f: PageFrame | UiLang, title: string, body: string, href: string | undefined): string {
  const link = href ? `<p><a class="button" href="${esc(href)}">${t(L(f), 'backToService')}</a></p>` : '';
  return layout(f, title, `<p>${esc(body)}</p>\n${link}`);
}

export const expiredPage = (f: PageFrame | UiLang, callback: string | undefined) =>
  withLink(f, t(L(f), 'expiredTitle'), t(L(f), 'expiredBody'), callback);
export const finishedPage = (f: PageFrame | UiLang, callback: string | undefined) =>
  withLink(f, t(L(f), 'finishedTitle'), t(L(f), 'finishedBody'), callback);
export const otherBrowserPage = (f: PageFrame | UiLang) => withLink(f, t(L(f), 'otherBrowserTitle'), t(L(f), 'otherBrowser'), undefined);
export const notFoundPage = (f: PageFrame | UiLang) => withLink(f, t(L(f), 'notFoundTitle'), t(L(f), 'notFoundBody'), undefined);
export const unavailablePage = (f: PageFrame | UiLang, sessionId: string) =>
  layout(f, t(L(f), 'unavailableTitle'), `<p>${t(L(f), 'unavailableBody')}</p>\n${cancelForm(f, sessionId)}`);

/** Development: how the chooser looks with a theme, with buttons that do nothing (no session behind it). */
export function themePreviewPage(frame: PageFrame, providers: ChooserState['providers']): string {
  const { lang } = frame;
  return layout(
    frame,
    t(lang, 'previewTitle'),
    `<p class="notice">${t(lang, 'previewBody')}</p>
<h2>${t(lang, 'chooseTitle')}</h2>
<p>${t(lang, 'chooseIntro')}</p>
${providers.map((p) => tile(lang, p, 'button')).join('\n')}
<button type="button" class="secondary">${t(lang, 'cancel')}</button>`,
  );
}

/** The development landing page: one click to a real login with the development account. */
export function devLandingPage(f: PageFrame | UiLang, hasChooser: boolean): string {
  return layout(
    f,
    t(L(f), 'devTitle'),
    `<p>${t(L(f), 'devIntro')}</p>
<form method="post" action="/dev/try">
<button type="submit" name="mode" value="one">${t(L(f), 'devOne')}</button>
${hasChooser ? `<button type="submit" name="mode" value="chooser" class="secondary">${t(L(f), 'devChooser')}</button>` : ''}
</form>
<p><a href="/docs">${tx(L(f), 'devDocs')}</a></p>`,
  );
}

/** What the development result page shows of a session: the API's own view of it. */
export interface DevSessionView {
  id: string;
  status: string;
  provider?: string | undefined;
  loa?: string | undefined;
  subject?: { name?: string | undefined } | undefined;
}

/**
 * Development: the session a login ended with, as the service's backend reads it. The main facts first, the
 * whole JSON folded away (it is long, and on a phone it scrolls inside its own box, not the page).
 * `callback`: shown at the development callback address, which says what that address is for.
 */
export function devResultPage(f: PageFrame | UiLang, session: DevSessionView, opts: { callback?: boolean } = {}): string {
  const lang = L(f);
  const facts: [TextKey, string | undefined][] = [
    ['devSessionId', session.id],
    ['devStatus', session.status],
    ['devProvider', session.provider],
    ['devName', session.subject?.name],
    ['devLoa', session.loa],
  ];
  const rows = facts
    .filter(([, v]) => v)
    .map(([k, v]) => {
      const value =
        k === 'devStatus' ? `<span class="outcome outcome-${esc(v ?? '')}">${esc(v ?? '')}</span>` : `<code>${esc(v ?? '')}</code>`;
      return `<dt>${tx(lang, k)}</dt><dd>${k === 'devName' ? esc(v ?? '') : value}</dd>`;
    })
    .join('\n');
  return layout(
    f,
    t(lang, 'devResult'),
    `<p>${tx(lang, opts.callback ? 'devCallbackIntro' : 'devResultIntro')}</p>
<dl class="facts">
${rows}
</dl>
<details>
<summary>${tx(lang, 'devJson')}</summary>
<pre tabindex="0"><code>${esc(JSON.stringify(session, null, 2))}</code></pre>
</details>
<p><a class="button" href="/">${tx(lang, 'devAgain')}</a></p>
<p><a href="/docs">${tx(lang, 'devDocs')}</a></p>`,
  );
}
