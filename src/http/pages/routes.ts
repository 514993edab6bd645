// Hosted pages and the provider callback. Thin: read the browser cookie, ask the journey what happens next,
// answer with a redirect or a page. Errors here are answered as human pages (this plugin's own handler).
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomId } from '../../crypto.ts';
import type { JourneyStep, Journeys, SessionSummary } from '../../domain/journey/journeys.ts';
import type { Sessions } from '../../domain/sessions/sessions.ts';
import { errors } from '../../errors/index.ts';
import type { Accounts } from '../../domain/accounts.ts';
import type { Branding } from '../../store/index.ts';
import { themeCss } from '../../domain/themes.ts';
import { accountFrame, THEME_PATH_PREFIX } from './frame.ts';
import { chosenLang, langFromHeader, pageLang, type UiLang } from '../../pages/i18n.ts';
import {
  chooserPage,
  expiredPage,
  FRAME_SCRIPT,
  FRAME_SCRIPT_PATH,
  finishedPage,
  framePage,
  frameResultPage,
  notFoundPage,
  notFinishedPage,
  notFramablePage,
  stateMismatchPage,
  otherBrowserPage,
  unavailablePage,
  windowDonePage,
} from '../../pages/journey.ts';
import { FAVICON_PATH, FAVICON_SVG, type PageFrame, renderErrorPage, STYLESHEET, STYLESHEET_PATH } from '../../pages/render.ts';
import { isLoopbackHost } from '../../shared/url.ts';
import { BANKID_SCRIPT, BANKID_SCRIPT_PATH, bankIdPage, progressText, qrSvg } from '../../pages/bankid.ts';
import { usePageErrors } from '../errors.ts';
import { PATHS, type Urls } from '../paths.ts';
import { devRoutes } from './dev-routes.ts';
import { PAGE_CSP, sendPage } from './respond.ts';

export const BROWSER_COOKIE = 'eidgate_browser';
/** The session whose provider journey this browser started last; read only at the callback. */
export const JOURNEY_COOKIE = 'eidgate_journey';

export interface PageDeps {
  journeys: Journeys;
  sessions: Sessions;
  /** Whose service each session's pages are for: the account's branding. */
  accounts: Accounts;
  /** The branding of one of the account's OIDC clients (logins at our OpenID Provider), if it has one. */
  clientBranding?: ((accountId: string, clientId: string) => Promise<Branding | undefined>) | undefined;
  publicUrl: string;
  urls: Urls;
  /** The development account, when the landing page is on (development only). */
  devAccountId?: string | undefined;
  /** Origins the landing page's form may end up at (the provider it redirects to). */
  devFormTargets?: string[];
}

/** The language the person chose on the switcher (?lang=, or a form's lang field), if any. */
const askedLang = (request: FastifyRequest): UiLang | undefined =>
  chosenLang((request.query as { lang?: unknown } | undefined)?.lang) ?? chosenLang((request.body as { lang?: unknown } | undefined)?.lang);

const langOf = (s: SessionSummary | undefined, request: FastifyRequest): UiLang =>
  askedLang(request) ?? (s ? pageLang(s.language) : langFromHeader(request.headers['accept-language']));

/**
 * What frames a session's page: its language, the account's service (name, logo, footer links), its theme,
 * and the switcher's links, which show the session's current page again (GET /login/:id) in another language.
 */
async function frameFor(
  deps: Pick<PageDeps, 'accounts' | 'clientBranding'>,
  session: SessionSummary,
  request: FastifyRequest,
): Promise<PageFrame & { imgSources: string[] }> {
  const lang = langOf(session, request);
  const clientBranding = session.oidcClientId ? await deps.clientBranding?.(session.accountId, session.oidcClientId) : undefined;
  const langHref = (l: UiLang) => `/login/${encodeURIComponent(session.id)}?lang=${l}`;
  return accountFrame(deps.accounts, session.accountId, session.themeId, lang, langHref, clientBranding);
}

/** A journey's next step as the browser gets it: a redirect (remembering the journey) or a page. */
async function respond(
  step: JourneyStep,
  request: FastifyRequest,
  reply: FastifyReply,
  journeyCookie: (sessionId: string) => void,
  frames: Pick<PageDeps, 'accounts' | 'clientBranding'>,
) {
  if (step.kind === 'redirect') {
    if (step.journeySession) journeyCookie(step.journeySession);
    return reply.header('cache-control', 'no-store').redirect(step.url, 303);
  }
  if (step.kind === 'not_found') return sendPage(reply, 404, notFoundPage(langOf(undefined, request)));
  const { imgSources, ...lang } = await frameFor(frames, step.session, request);
  // An embedded session's pages may be framed by its parents, and only by them; the logo's origin may serve images.
  const framing = { frameAncestors: step.session.frameAncestors, imgSources };
  switch (step.kind) {
    case 'choose': {
      const html = chooserPage({ frame: lang, sessionId: step.session.id, providers: step.providers });
      return sendPage(reply, 200, html, { ...framing, formTargets: [...step.formTargets, ...step.session.callbackOrigins] });
    }
    case 'decoupled': {
      const html = await bankIdPage(lang, { sessionId: step.session.id, sessionLanguage: step.session.language, order: step.order });
      return sendPage(reply, 200, html, { ...framing, script: true, formTargets: step.session.callbackOrigins });
    }
    case 'frame':
      return sendPage(reply, 200, framePage({ frame: lang, sessionId: step.session.id, providers: step.providers }), {
        ...framing,
        script: true,
      });
    case 'frame_result':
      return sendPage(reply, 200, frameResultPage(lang, step.status), framing);
    case 'window_done':
      return sendPage(reply, 200, windowDonePage(lang), framing);
    case 'not_framable':
      return sendPage(reply, 403, notFramablePage(lang), { imgSources });
    case 'state_mismatch':
      return sendPage(reply, 400, stateMismatchPage(lang, step.session.id), { ...framing, formTargets: step.session.callbackOrigins });
    case 'not_finished':
      return sendPage(reply, 503, notFinishedPage(lang, request.id), framing);
    case 'expired':
      return sendPage(reply, 410, expiredPage(lang, step.callback), framing);
    case 'finished':
      return sendPage(reply, 409, finishedPage(lang, step.callback), framing);
    case 'other_browser':
      return sendPage(reply, 403, otherBrowserPage(lang), framing);
    case 'unavailable':
      return sendPage(reply, 503, unavailablePage(lang, step.session.id), { ...framing, formTargets: step.session.callbackOrigins });
  }
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;

export async function pageRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  usePageErrors(app, renderErrorPage, PAGE_CSP);
  await app.register(cookie);
  const secure = deps.publicUrl.startsWith('https:');
  const cookieOptions = { httpOnly: true, sameSite: 'lax', secure } as const;

  /** The browser's id from its cookie, if it has a well-formed one. */
  const browserOf = (request: FastifyRequest): string | undefined => {
    const existing = request.cookies[BROWSER_COOKIE];
    return existing && /^[\w-]{20,64}$/.test(existing) ? existing : undefined;
  };
  /** …or a new one, set on the first page (SameSite=Lax, so it comes back on the provider's redirect). */
  const ensureBrowser = (request: FastifyRequest, reply: FastifyReply): string => {
    const existing = browserOf(request);
    if (existing) return existing;
    const id = randomId(24);
    reply.setCookie(BROWSER_COOKIE, id, { ...cookieOptions, path: '/', maxAge: 86400 });
    return id;
  };

  const respondWith = (step: JourneyStep, request: FastifyRequest, reply: FastifyReply) =>
    respond(
      step,
      request,
      reply,
      (sessionId) => reply.setCookie(JOURNEY_COOKIE, sessionId, { ...cookieOptions, path: PATHS.callbackPrefix, maxAge: 3600 }),
      deps,
    );

  const environment = (request: FastifyRequest) => ({ ipAddress: request.ip, userAgent: String(request.headers['user-agent'] ?? '') });
  const publicOrigin = new URL(deps.publicUrl).origin;

  /** Forms post only from our own pages: a cross-site POST is refused even before the cookie check. */
  const sameOrigin = async (request: FastifyRequest) => {
    const origin = request.headers.origin;
    if (origin && origin !== publicOrigin) throw errors.forbidden('Cross-site form submission.');
  };

  app.get(STYLESHEET_PATH, { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  // The favicon; /favicon.ico too, which browsers ask for on their own (an SVG: every current browser shows it).
  for (const path of [FAVICON_PATH, '/favicon.ico']) {
    app.get(path, { schema: { hide: true } }, async (_req, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG),
    );
  }

  // Development on one machine: PUBLIC_URL says localhost and the browser opened 127.0.0.1 (or the other way
  // round). Cookies are bound to the host, so the journey would break at the callback or the dev forms;
  // a page a browser asks for is sent to the address the journey runs on instead. Provider callbacks are
  // left alone: they arrive where the journey sent them (a session's requestDomain may be either).
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    if (!/\btext\/html\b/.test(String(request.headers.accept ?? ''))) return;
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith(`${PATHS.callbackPrefix}/`) || !isLoopbackHost(request.hostname)) return;
    const login = /^\/login\/([^/]+)$/.exec(path);
    const session = login ? await deps.sessions.find(decodeURIComponent(login[1] ?? '')).catch(() => null) : null;
    const canonical = new URL(session ? deps.urls.authentication(session.id, session.request.requestDomain) : deps.publicUrl);
    if (canonical.host === request.host || !isLoopbackHost(canonical.hostname)) return;
    return reply.header('cache-control', 'no-store').redirect(`${canonical.origin}${request.url}`, 307);
  });

  app.get<{ Params: { account: string; theme: string } }>(
    `${THEME_PATH_PREFIX}:account/:theme`,
    {
      schema: {
        hide: true,
        params: {
          type: 'object',
          properties: { account: { type: 'string', maxLength: 64 }, theme: { type: 'string', pattern: '^[a-z0-9-]{1,40}\\.css$' } },
        },
      },
    },
    async (request, reply) => {
      const account = await deps.accounts.findAccountCached(request.params.account);
      const theme = account?.branding.themes?.[request.params.theme.slice(0, -'.css'.length)];
      if (!theme) throw errors.notFound('No such theme.');
      return reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(themeCss(theme));
    },
  );

  app.get<{ Params: { id: string } }>(PATHS.login, { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const browser = ensureBrowser(request, reply);
    // Sec-Fetch-Dest says where the browser will show the answer; only embedded sessions may be framed.
    const framed = request.headers['sec-fetch-dest'] === 'iframe' || request.headers['sec-fetch-dest'] === 'frame';
    return respondWith(await deps.journeys.open(request.params.id, browser, { framed, person: environment(request) }), request, reply);
  });

  app.get(BANKID_SCRIPT_PATH, { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(BANKID_SCRIPT),
  );

  // Swedish BankID's page reads this every second: the QR code now, the person's progress, or where to go.
  // Only the browser the order is bound to gets the QR code: anyone else scanning it would log in here.
  app.get<{ Params: { id: string }; Querystring: { lang?: string } }>(
    PATHS.loginBankId,
    { schema: { hide: true, params: idParams } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const state = await deps.journeys.orderState(request.params.id, browserOf(request));
      if (!state) return reply.status(404).send({ open: false, next: `/login/${encodeURIComponent(request.params.id)}` });
      if (!state.open || !state.order) return { open: false, next: `/login/${encodeURIComponent(request.params.id)}` };
      const mlang = request.query.lang === 'sv' || request.query.lang === 'nb' ? request.query.lang : 'en';
      const { qrData, hint, msToNextCode } = state.order;
      const svg = qrData ? await qrSvg(qrData) : undefined;
      return { open: true, qrData, svg, message: progressText(hint, mlang), next: msToNextCode };
    },
  );

  app.get(FRAME_SCRIPT_PATH, { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(FRAME_SCRIPT),
  );

  // Embedded flow: the provider's own window, opened by a link in the frame (a top-level page, so its
  // cookie is first-party and SameSite=Lax like every other journey's).
  app.get<{ Params: { id: string }; Querystring: { provider?: string } }>(
    PATHS.loginWindow,
    {
      schema: {
        hide: true,
        params: idParams,
        querystring: { type: 'object', properties: { provider: { type: 'string', maxLength: 30 } } },
      },
    },
    async (request, reply) => {
      const browser = ensureBrowser(request, reply);
      return respondWith(await deps.journeys.startInWindow(request.params.id, browser, request.query.provider ?? ''), request, reply);
    },
  );

  // Embedded flow: what the frame watches. Only whether the session is still open, nothing about the person.
  app.get<{ Params: { id: string } }>(PATHS.loginState, { schema: { hide: true, params: idParams } }, async (request, reply) => {
    const open = await deps.journeys.isOpen(request.params.id);
    reply.header('cache-control', 'no-store');
    if (open === null) return reply.status(404).send({ open: false });
    return { open };
  });

  app.post<{ Params: { id: string }; Body: { provider?: string } }>(
    PATHS.loginStart,
    { preHandler: sameOrigin, schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const browser = browserOf(request);
      const provider = typeof request.body?.provider === 'string' ? request.body.provider : '';
      if (!browser) return respondWith({ kind: 'not_found' }, request, reply);
      return respondWith(await deps.journeys.start(request.params.id, browser, provider, environment(request)), request, reply);
    },
  );

  app.post<{ Params: { id: string } }>(
    PATHS.loginAbort,
    { preHandler: sameOrigin, schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const browser = browserOf(request);
      if (!browser) return respondWith({ kind: 'not_found' }, request, reply);
      return respondWith(await deps.journeys.abort(request.params.id, browser, environment(request)), request, reply);
    },
  );

  app.get<{ Params: { provider: string } }>(
    PATHS.providerCallback,
    { schema: { hide: true, params: { type: 'object', properties: { provider: { type: 'string', maxLength: 30 } } } } },
    async (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const url = new URL(`${deps.urls.providerCallback(request.params.provider)}${query}`);
      const browser = browserOf(request);
      const step = await deps.journeys.callback(
        request.params.provider,
        url,
        browser,
        environment(request),
        request.cookies[JOURNEY_COOKIE],
      );
      return respondWith(step, request, reply);
    },
  );

  if (deps.devAccountId) {
    await devRoutes(app, { ...deps, devAccountId: deps.devAccountId, sameOrigin, browserOf });
  }
}
