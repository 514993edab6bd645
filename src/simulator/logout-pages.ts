// The simulator's logout pages, in ID-porten's manner: no confirmation question (ID-porten asks none), the
// front-channel iframes of every client in the SSO session and then the way back, or an error page when the
// browser brings no ID-porten session. No script, no outside fonts: the login page's layout and stylesheet.
import { layoutPage, type SimLang } from './pages.ts';
import type { Branding } from './profiles.ts';

const T = {
  title: { nb: 'Du er logget ut', nn: 'Du er logga ut', en: 'You are logged out' },
  done: {
    nb: 'Du er logget ut av ID-porten og tjenestene du brukte.',
    nn: 'Du er logga ut av ID-porten og tenestene du brukte.',
    en: 'You are logged out of ID-porten and the services you used.',
  },
  back: { nb: 'Tilbake til tjenesten', nn: 'Tilbake til tenesta', en: 'Back to the service' },
  wait: {
    nb: 'Logger ut av tjenestene du brukte …',
    nn: 'Loggar ut av tenestene du brukte …',
    en: 'Logging out of the services you used …',
  },
  errorTitle: { nb: 'Utlogging feilet', nn: 'Utlogginga feila', en: 'Logout failed' },
} as const;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The front-channel page: one hidden iframe per client, then (meta refresh, no script) on to `next`. */
export function frontChannelPage(brand: Branding, lang: SimLang, frames: string[], next: string | undefined): string {
  const iframes = frames.map((src) => `<iframe class="fc" src="${esc(src)}" title="logout" hidden></iframe>`).join('\n');
  const link = next ? `<p><a href="${esc(next)}">${T.back[lang]}</a></p>` : `<p>${T.done[lang]}</p>`;
  return layoutPage(brand, lang, T.title[lang], `<p>${T.wait[lang]}</p>\n${iframes}\n${link}`, next ? { refresh: next } : {});
}

/** After a logout without a (registered) post_logout_redirect_uri. */
export function loggedOutPage(brand: Branding, lang: SimLang): string {
  return layoutPage(brand, lang, T.title[lang], `<p>${T.done[lang]}</p>`);
}

export function logoutErrorPage(brand: Branding, lang: SimLang, message: string): string {
  return layoutPage(brand, lang, T.errorTitle[lang], `<p>${esc(message)}</p>`);
}

export const LOGOUT_MESSAGES = {
  noSession: {
    nb: 'Nettleseren har ingen innlogging i ID-porten. Utloggingen er ikke utført.',
    nn: 'Nettlesaren har inga innlogging i ID-porten. Utlogginga er ikkje utført.',
    en: 'Your browser has no ID-porten login. The logout was not performed.',
  },
  badRequest: {
    nb: 'Forespørselen om utlogging er ugyldig',
    nn: 'Førespurnaden om utlogging er ugyldig',
    en: 'The logout request is invalid',
  },
} as const;
