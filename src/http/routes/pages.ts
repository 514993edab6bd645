// Hosted pages and the provider callback. Thin: read the browser cookie, ask the journey what happens next,
// answer with a redirect or a page. Every page carries a strict CSP whose form-action names only the
// origins a form on it may end up at (ours, the session's providers and callback hosts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomId } from '../../crypto.ts';
import { errors } from '../../errors.ts';
import { callbackPath, type JourneyStep, type Journeys } from '../../domain/journey.ts';
import type { SessionRequest, Sessions } from '../../domain/sessions/sessions.ts';
import { langFromHeader, pageLang, type PageLang } from '../../pages/i18n.ts';
import { STYLESHEET, STYLESHEET_PATH } from '../../pages/render.ts';
import {
  chooserPage,
  devLandingPage,
  devResultPage,
  expiredPage,
  finishedPage,
  notFoundPage,
  otherBrowserPage,
  unavailablePage,
} from '../../pages/journey.ts';
import type { SessionRecord } from '../../store/store.ts';

export const BROWSER_COOKIE = 'eidgate_browser';
/** The session whose provider journey this browser started last; read only at the callback. */
export const JOURNEY_COOKIE = 'eidgate_journey';

interface Deps {
  journeys: Journeys;
  sessions: Sessions;
  publicUrl: string;
  /** The development account, when the landing page is on (development only). */
  devAccountId?: string | undefined;
  /** Origins the landing page's form may end up at (the provider it redirects to). */
  devFormTargets?: string[];
}

function csp(formTargets: string[]): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action 'self'${[...new Set(formTargets)].map((o) => ` ${o}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=') || undefined;
  }
  return undefined;
}

const origins = (urls: string[]) =>
  urls.flatMap((u) => {
    try {
      return [new URL(u).origin];
    } catch {
      return [];
    }
  });

export async function pageRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const secure = deps.publicUrl.startsWith('https:');

  /** The browser's id: set on the first page, SameSite=Lax so it comes back on the provider's redirect. */
  const browserOf = (request: FastifyRequest, reply: FastifyReply, create: boolean): string | undefined => {
    const existing = readCookie(request, BROWSER_COOKIE);
    if (existing && /^[\w-]{20,64}$/.test(existing)) return existing;
    if (!create) return undefined;
    const id = randomId(24);
    reply.header('set-cookie', `${BROWSER_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400${secure ? '; Secure' : ''}`);
    return id;
  };

  const sessionLang = (s: SessionRecord | undefined, request: FastifyRequest): PageLang =>
    s ? pageLang((s.request as unknown as SessionRequest).language) : langFromHeader(request.headers['accept-language']);

  const callbackTargets = (s: SessionRecord) => {
    const cb = (s.request as unknown as SessionRequest).callbackUrls;
    return origins([cb.success, cb.abort, cb.error]);
  };

  const page = (reply: FastifyReply, status: number, html: string, formTargets: string[] = []) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', csp(formTargets))
      // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own form posts.
      .header('referrer-policy', 'same-origin')
      .send(html);

  const respond = (step: JourneyStep, request: FastifyRequest, reply: FastifyReply) => {
    switch (step.kind) {
      case 'redirect':
        if (step.journeySession) {
          reply.header(
            'set-cookie',
            `${JOURNEY_COOKIE}=${step.journeySession}; Path=/auth/callback; HttpOnly; SameSite=Lax; Max-Age=3600${secure ? '; Secure' : ''}`,
          );
        }
        return reply.header('cache-control', 'no-store').redirect(step.url, 303);
      case 'choose': {
        const lang = sessionLang(step.session, request);
        const html = chooserPage({ lang, sessionId: step.session.id, providers: step.providers });
        return page(reply, 200, html, [...step.formTargets, ...callbackTargets(step.session)]);
      }
      case 'expired':
        return page(reply, 410, expiredPage(sessionLang(step.session, request), step.callback));
      case 'finished':
        return page(reply, 409, finishedPage(sessionLang(step.session, request), step.callback));
      case 'other_browser':
        return page(reply, 403, otherBrowserPage(sessionLang(step.session, request)));
      case 'unavailable':
        return page(reply, 503, unavailablePage(sessionLang(step.session, request), step.session.id), callbackTargets(step.session));
      case 'not_found':
        return page(reply, 404, notFoundPage(sessionLang(undefined, request)));
    }
  };

  const environment = (request: FastifyRequest) => ({ ipAddress: request.ip, userAgent: String(request.headers['user-agent'] ?? '') });
  const pageConfig = { dialect: 'page' as const };
  const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } };

  /** Forms post only from our own pages: a cross-site POST is refused even before the cookie check. */
  const sameOrigin = async (request: FastifyRequest) => {
    const origin = request.headers.origin;
    if (origin && origin !== new URL(deps.publicUrl).origin) throw errors.forbidden('Cross-site form submission.');
  };

  app.get(STYLESHEET_PATH, { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  app.get<{ Params: { id: string } }>(
    '/login/:id',
    { config: pageConfig, schema: { hide: true, params: idParams } },
    async (request, reply) => respond(await deps.journeys.open(request.params.id, browserOf(request, reply, true)!), request, reply),
  );

  app.post<{ Params: { id: string }; Body: { provider?: string } }>(
    '/login/:id/start',
    { config: pageConfig, preHandler: sameOrigin, schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const browser = browserOf(request, reply, false);
      const provider = typeof request.body?.provider === 'string' ? request.body.provider : '';
      if (!browser) return respond({ kind: 'not_found' }, request, reply);
      return respond(await deps.journeys.start(request.params.id, browser, provider), request, reply);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/login/:id/abort',
    { config: pageConfig, preHandler: sameOrigin, schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const browser = browserOf(request, reply, false);
      if (!browser) return respond({ kind: 'not_found' }, request, reply);
      return respond(await deps.journeys.abort(request.params.id, browser, environment(request)), request, reply);
    },
  );

  app.get<{ Params: { provider: string } }>(
    '/auth/callback/:provider',
    { config: pageConfig, schema: { hide: true, params: { type: 'object', properties: { provider: { type: 'string', maxLength: 30 } } } } },
    async (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const url = new URL(`${deps.publicUrl}${callbackPath(request.params.provider)}${query}`);
      const step = await deps.journeys.callback(
        request.params.provider,
        url,
        browserOf(request, reply, false),
        environment(request),
        readCookie(request, JOURNEY_COOKIE),
      );
      return respond(step, request, reply);
    },
  );

  if (deps.devAccountId) {
    const accountId = deps.devAccountId;
    const resultUrl = `${deps.publicUrl}/dev/result`;
    const hasChooser = deps.journeys.providerLabels().length > 1;
    app.get('/', { config: pageConfig, schema: { hide: true } }, async (request, reply) =>
      page(reply, 200, devLandingPage(langFromHeader(request.headers['accept-language']), hasChooser), deps.devFormTargets),
    );
    app.post<{ Body: { mode?: string } }>(
      '/dev/try',
      { config: pageConfig, preHandler: sameOrigin, schema: { hide: true } },
      async (request, reply) => {
        const lang = langFromHeader(request.headers['accept-language']);
        const chooser = request.body?.mode === 'chooser';
        const { view } = await deps.sessions.create(accountId, {
          flow: 'redirect',
          language: lang,
          requestedLoa: 'substantial',
          allowedProviders: chooser ? deps.journeys.providerLabels().map((p) => p.id) : ['idporten'],
          requestedAttributes: [
            'nin',
            'name',
            'firstName',
            'lastName',
            'dateOfBirth',
            'idpId',
            'idportenIdp',
            'idportenLoa',
            'idportenSub',
          ],
          callbackUrls: { success: resultUrl, abort: resultUrl, error: resultUrl },
        });
        return reply.redirect(view.authenticationUrl, 303);
      },
    );
    app.get<{ Querystring: { sessionId?: string } }>(
      '/dev/result',
      { config: pageConfig, schema: { hide: true } },
      async (request, reply) => {
        const lang = langFromHeader(request.headers['accept-language']);
        const id = String(request.query.sessionId ?? '');
        const view = await deps.sessions.get(accountId, id).catch(() => undefined);
        if (!view) return page(reply, 404, notFoundPage(lang));
        return page(reply, 200, devResultPage(lang, JSON.stringify(view, null, 2)));
      },
    );
  }
}
