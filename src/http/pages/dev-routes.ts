// The development landing page (development only): one click to a real login with the development account,
// and the session JSON at the end.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Accounts } from '../../domain/accounts.ts';
import type { Journeys } from '../../domain/journey/journeys.ts';
import { browserBindingOf } from '../../domain/journey/steps.ts';
import type { Sessions } from '../../domain/sessions/sessions.ts';
import { chosenLang, langFromHeader } from '../../pages/i18n.ts';
import { devLandingPage, devResultPage, notFoundPage, themePreviewPage } from '../../pages/journey.ts';
import { sessionPresenter } from '../api/session-presenter.ts';
import { PATHS, type Urls } from '../paths.ts';
import { accountFrame } from './frame.ts';
import { sendPage } from './respond.ts';

export async function devRoutes(
  app: FastifyInstance,
  deps: {
    journeys: Journeys;
    sessions: Sessions;
    accounts: Accounts;
    publicUrl: string;
    urls: Urls;
    devAccountId: string;
    devFormTargets?: string[] | undefined;
    sameOrigin: (request: FastifyRequest) => Promise<void>;
    /** The browser id from its cookie (the one a journey binds to). */
    browserOf: (request: FastifyRequest) => string | undefined;
  },
): Promise<void> {
  const accountId = deps.devAccountId;
  const resultUrl = `${deps.publicUrl}${PATHS.devResult}`;
  const choices = deps.journeys.providerChoices();
  const present = sessionPresenter(deps.sessions, deps.urls);
  const langOf = (request: FastifyRequest) =>
    chosenLang((request.query as { lang?: unknown } | undefined)?.lang) ?? langFromHeader(request.headers['accept-language']);

  app.get('/', { schema: { hide: true } }, async (request, reply) =>
    sendPage(reply, 200, devLandingPage(langOf(request), choices.length > 1), { formTargets: deps.devFormTargets ?? [] }),
  );

  app.post<{ Body: { mode?: string } }>(PATHS.devTry, { preHandler: deps.sameOrigin, schema: { hide: true } }, async (request, reply) => {
    const chooser = request.body?.mode === 'chooser';
    const { session } = await deps.sessions.create(accountId, {
      flow: 'redirect',
      language: langOf(request),
      requestedLoa: 'substantial',
      // The chooser offers every provider the development account has configured.
      ...(chooser ? {} : { allowedProviders: ['idporten'] }),
      requestedAttributes: ['nin', 'name', 'firstName', 'lastName', 'dateOfBirth', 'idpId', 'idportenIdp', 'idportenLoa', 'idportenSub'],
      callbackUrls: { success: resultUrl, abort: resultUrl, error: resultUrl },
    });
    return reply.redirect(deps.urls.authentication(session.id), 303);
  });

  // The session a development login ended with: after the landing page's login (/dev/result), and at the
  // development callback address a service's session may name (/dev/callback, the README walkthrough's), so
  // the walkthrough ends on a page that explains itself rather than a browser error.
  for (const path of [PATHS.devResult, PATHS.devCallback]) {
    app.get<{ Querystring: { sessionId?: string } }>(path, { schema: { hide: true } }, async (request, reply) => {
      const session = await deps.sessions.find(String(request.query.sessionId ?? ''));
      // The page shows a national identity number: only to the browser that ran this login (its journey's
      // binding), never to whoever has the link.
      const browser = deps.browserOf(request);
      const ownBrowser = browser !== undefined && session?.browserBinding === browserBindingOf(browser);
      if (!session || session.accountId !== accountId || !ownBrowser) return sendPage(reply, 404, notFoundPage(langOf(request)));
      // The switcher shows this same result again, so its links keep the session.
      const frame = {
        lang: langOf(request),
        langHref: (l: string) => `${path}?sessionId=${encodeURIComponent(session.id)}&lang=${l}`,
      };
      return sendPage(reply, 200, devResultPage(frame, present(session, { read: true }), { callback: path === PATHS.devCallback }));
    });
  }

  // A theme of the development account as the chooser shows it (eidgate themes set <dev account> NAME …).
  app.get<{ Params: { theme: string } }>(
    PATHS.devThemePreview,
    { schema: { hide: true, params: { type: 'object', properties: { theme: { type: 'string', maxLength: 40 } } } } },
    async (request, reply) => {
      const lang = langOf(request);
      const account = await deps.accounts.findAccountCached(accountId);
      const themeId = request.params.theme;
      if (!account?.branding.themes?.[themeId]) return sendPage(reply, 404, notFoundPage(lang));
      const { imgSources, ...frame } = await accountFrame(deps.accounts, accountId, themeId, lang, (l) => `?lang=${l}`);
      return sendPage(reply, 200, themePreviewPage(frame, choices), { imgSources });
    },
  );
}
