// Swedish BankID's hosted page: the animated QR code (drawn here as SVG, refreshed every second by a
// same-origin script), the link that opens the app on this device, the person's progress in BankID's own
// words, and a cancel that is a plain form. Without JavaScript the QR code stands still (BankID refuses it
// after a few seconds), but the autostart link, "continue" and cancel still work.
import QRCode from 'qrcode';
import { pendingMessage, type SbidHint, type SbidLang, isSbidHint } from '../domain/providers/sbid/bankid.ts';
import type { DecoupledView } from '../domain/journey/steps.ts';
import { t, type UiLang } from './i18n.ts';
import { cancelForm } from './journey.ts';
import { escapeHtml as esc, frameOf, layout, type PageFrame } from './render.ts';

export const BANKID_SCRIPT_PATH = '/assets/bankid.js';

/** The QR code as SVG markup: paths only (no inline style), so the page's CSP needs nothing extra. */
export function qrSvg(payload: string): Promise<string> {
  return QRCode.toString(payload, { type: 'svg', margin: 2, errorCorrectionLevel: 'L' });
}

/** BankID's messages exist in sv, en and nb: Swedish for a Swedish session, Bokmål for the Norwegian pages. */
export function messageLang(lang: UiLang, sessionLanguage: string | undefined): SbidLang {
  if ((sessionLanguage ?? '').toLowerCase().startsWith('sv')) return 'sv';
  return lang === 'en' ? 'en' : 'nb';
}

/** The person's progress as BankID recommends saying it (RFA texts), marked with the language it is in. */
export function progressText(hint: string | undefined, lang: SbidLang): string {
  const h: SbidHint | undefined = isSbidHint(hint) ? hint : undefined;
  return pendingMessage(h, lang);
}

export async function bankIdPage(
  f: PageFrame | UiLang,
  s: { sessionId: string; sessionLanguage: string | undefined; order: DecoupledView },
) {
  const { lang } = frameOf(f);
  const mlang = messageLang(lang, s.sessionLanguage);
  const { order } = s;
  const qr = order.qrData
    ? `<figure class="qr-figure">
<div class="qr" id="bankid-qr" role="img" aria-label="${esc(t(lang, 'bankidQrLabel'))}" data-qr="${esc(order.qrData)}">${await qrSvg(order.qrData)}</div>
<figcaption>${esc(t(lang, 'bankidScanHelp'))}</figcaption>
</figure>`
    : '';
  const open = order.autostartHref
    ? `<p><a class="button" id="bankid-open" href="${esc(order.autostartHref)}">${esc(t(lang, 'bankidOpenHere'))}</a></p>`
    : '';
  return layout(
    f,
    t(lang, 'bankidTitle'),
    `<div data-bankid="${esc(order.statePath)}" data-lang="${mlang}" data-next="${order.msToNextCode ?? 1000}">
<p role="status" aria-live="polite" id="bankid-status" lang="${mlang}">${esc(progressText(order.hint, mlang))}</p>
${qr}
${open}
<p><a class="button secondary" href="/login/${esc(s.sessionId)}">${esc(t(lang, 'bankidContinue'))}</a></p>
</div>
${cancelForm(f, s.sessionId)}
<script src="${BANKID_SCRIPT_PATH}"></script>`,
  );
}

/**
 * Every second: read the order's state (same origin, with the page's cookie), draw the new QR code, say
 * the new progress once (aria-live), and go on to the session's page once the order has ended.
 */
export const BANKID_SCRIPT = `'use strict';
(function () {
  var root = document.querySelector('[data-bankid]');
  if (!root) return;
  var url = root.getAttribute('data-bankid') + '?lang=' + encodeURIComponent(root.getAttribute('data-lang') || 'en');
  var qr = document.getElementById('bankid-qr');
  var status = document.getElementById('bankid-status');
  var parser = new DOMParser();
  function tick() {
    fetch(url, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return setTimeout(tick, 2000);
        if (!s.open) { location.href = s.next; return; }
        var wait = typeof s.next === 'number' ? s.next + 30 : 1000;
        if (qr && s.qrData && s.svg) {
          var svg = parser.parseFromString(s.svg, 'image/svg+xml').documentElement;
          qr.replaceChildren(document.importNode(svg, true));
          qr.setAttribute('data-qr', s.qrData);
        }
        if (status && s.message && status.textContent !== s.message) status.textContent = s.message;
        setTimeout(tick, wait);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, Number(root.getAttribute('data-next')) + 30 || 1000);
})();
`;
