// The OpenID Provider on the broker's HTTP app: oidc-provider answers every path under /auth/open that the
// broker does not answer itself (its client-credentials token endpoint and the JWKS, which also carries the
// API tokens' keys), and the login interaction is the hosted eID journey: the interaction starts a session
// (domain/oidc-login.ts), the journey's pages run as for any session, and its end finishes the interaction.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type Provider from 'oidc-provider';
import { type AuthThrottle, type ThrottleKey, throttleKeys } from '../../domain/auth-throttle.ts';
import { errors } from '../../errors/index.ts';
import { oauthErrorBody } from '../errors.ts';
import type { OidcClients } from '../../domain/oidc-clients.ts';
import type { OidcLogins, LoginRefusal } from '../../domain/oidc-login.ts';
import { escapeHtml, layout } from '../../pages/render.ts';
import { SECURITY_HEADERS } from '../app.ts';
import { sendPage } from '../pages/respond.ts';
import { INTERACTION_PATH, OP_MOUNT } from './provider.ts';

export interface OpRoutesDeps {
  provider: Provider;
  clients: OidcClients;
  logins: OidcLogins;
  publicUrl: string;
  throttle?: AuthThrottle;
}

type RawWithBody = IncomingMessage & { originalUrl?: string; body?: unknown };

/**
 * Hands a request to oidc-provider (a Koa app) as if it were mounted at /auth/open: the URL without the
 * mount (originalUrl keeps it, which is how oidc-provider builds its own URLs) and the body Fastify parsed
 * already (oidc-provider reads req.body when the stream has been consumed).
 */
export function handToProvider(provider: Provider, publicUrl: string, throttle?: AuthThrottle) {
  const callback = provider.callback();
  const asPublic = publicAddress(publicUrl);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // Client authentication (token, PAR, introspection, revocation) shares the API's lockout: a client or
    // address locked after repeated failures is refused before oidc-provider checks anything.
    const keys = throttle && request.method === 'POST' ? throttleKeys(clientIdOf(request), request.ip) : undefined;
    if (throttle && keys) {
      const locked = await throttle.retryAfter(keys);
      if (locked > 0) return tooManyFailures(reply, locked);
    }
    if (throttle && keys) countFailureBeforeAnswer(request, reply, throttle, keys);
    const raw = asPublic(request) as RawWithBody;
    raw.originalUrl = raw.url;
    raw.url = raw.url!.slice(OP_MOUNT.length) || '/';
    if (request.body !== undefined) raw.body = request.body;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.raw.setHeader(name, value);
    reply.hijack();
    try {
      await callback(raw, reply.raw);
    } finally {
      // The broker's own logs name the path as it was requested.
      raw.url = raw.originalUrl;
    }
  };
}

/**
 * A 401 from oidc-provider (client authentication failed) is counted before the answer leaves: a client
 * that retries at once must find the failure (and any lockout it caused) already recorded.
 */
function countFailureBeforeAnswer(request: FastifyRequest, reply: FastifyReply, throttle: AuthThrottle, keys: ThrottleKey[]): void {
  const res = reply.raw;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    if (res.statusCode !== 401) return end(...args);
    request.log.warn({ clientId: clientIdOf(request) }, 'OIDC client authentication failed');
    throttle
      .failed(keys)
      .catch((err: unknown) => request.log.error({ err }, 'could not record a failed client authentication'))
      .finally(() => end(...args));
    return res;
  }) as ServerResponse['end'];
}

/** The client a request names (HTTP Basic, client_id, or a client assertion's iss), only to key the lockout. */
function clientIdOf(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return safeDecode(decoded.slice(0, colon));
  }
  const body = (request.body ?? {}) as Record<string, unknown>;
  if (typeof body.client_id === 'string') return body.client_id;
  if (typeof body.client_assertion === 'string') {
    try {
      const iss = decodeJwt(body.client_assertion).iss;
      return typeof iss === 'string' ? iss : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

function tooManyFailures(reply: FastifyReply, seconds: number) {
  const err = errors.tooManyRequests(
    `Too many failed authentications for this client or from this address; try again in ${seconds} s.`,
    seconds,
  );
  return reply.status(429).header('retry-after', String(seconds)).header('cache-control', 'no-store').send(oauthErrorBody(err));
}

/**
 * The request as oidc-provider must see it: on PUBLIC_URL (the issuer), whatever host name reached us, so
 * discovery and every URL it builds name the issuer's host. The forwarded headers are ours, set here
 * (any a client sent are replaced), and the provider trusts them (provider.proxy).
 */
function publicAddress(publicUrl: string) {
  const u = new URL(publicUrl);
  return (request: FastifyRequest): IncomingMessage => {
    const { headers } = request.raw;
    headers['x-forwarded-host'] = u.host;
    headers['x-forwarded-proto'] = u.protocol.slice(0, -1);
    headers['x-forwarded-for'] = request.ip;
    return request.raw;
  };
}

const humanPage = (reply: FastifyReply, status: number, title: string, text: string) =>
  sendPage(reply, status, layout('en', title, `<p>${escapeHtml(text)}</p>`));

export async function opRoutes(app: FastifyInstance, deps: OpRoutesDeps): Promise<void> {
  const { provider } = deps;
  const toProvider = handToProvider(provider, deps.publicUrl, deps.throttle);
  const asPublic = publicAddress(deps.publicUrl);

  /** The interaction of this browser (oidc-provider's interaction cookie), or a page saying it is gone. */
  async function interactionOf(request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply) {
    try {
      const details = await provider.interactionDetails(asPublic(request), reply.raw);
      if (details.uid === request.params.uid) return details;
    } catch (err) {
      // SessionNotFound: no interaction cookie (another browser, or it expired).
      request.log.info({ err }, 'OIDC interaction not found for this browser');
    }
    humanPage(
      reply,
      400,
      'This login cannot continue',
      'This login was started in another browser, or it has expired. Go back to the service and start again.',
    );
    return undefined;
  }

  /**
   * This browser's OP session names another subject (an earlier login, at another client: subjects are
   * pairwise). oidc-provider would answer with its self-submitting logout form, an inline script our CSP
   * forbids; every login here is a new eID login, so the earlier session simply ends and this one replaces it.
   */
  const forgetEarlierLogin = async (uid: string) => {
    const interaction = await provider.Interaction.find(uid);
    if (!interaction?.session) return;
    const earlier = await provider.Session.find(interaction.session.cookie);
    await earlier?.destroy();
    interaction.session = undefined;
    await interaction.save(Math.max(1, (interaction.exp ?? 0) - Math.floor(Date.now() / 1000)));
  };

  const finish = async (request: FastifyRequest, reply: FastifyReply, result: Parameters<Provider['interactionFinished']>[2]) => {
    reply.hijack();
    await provider.interactionFinished(asPublic(request), reply.raw, result, { mergeWithLastSubmission: false });
  };
  const refuse = (request: FastifyRequest, reply: FastifyReply, r: LoginRefusal) =>
    finish(request, reply, { error: r.error, error_description: r.description });

  // oidc-provider sends the browser here to log in: start the eID journey.
  app.get<{ Params: { uid: string } }>(`${INTERACTION_PATH}/:uid`, { schema: { hide: true } }, async (request, reply) => {
    const details = await interactionOf(request, reply);
    if (!details) return reply;
    const client = await deps.clients.find(String(details.params.client_id));
    if (!client) return humanPage(reply, 400, 'This login cannot continue', 'The service that sent you here is no longer registered.');
    if (details.prompt.name !== 'login') {
      // Grants are made without asking (see loadExistingGrant): a consent prompt means a request oidc-provider
      // could not grant, which the relying party hears about.
      return refuse(request, reply, { kind: 'refused', error: 'access_denied', description: 'The request cannot be granted.' });
    }
    const returnUrl = `${deps.publicUrl}${INTERACTION_PATH}/${details.uid}/return`;
    const start = await deps.logins.begin(client, details.params as Record<string, string>, details.uid, returnUrl);
    if (start.kind === 'refused') return refuse(request, reply, start);
    request.log.info({ interaction: details.uid, sessionId: start.sessionId, clientId: client.clientId }, 'OIDC login started');
    return reply.redirect(start.url, 303);
  });

  // The journey ended (whatever the outcome): finish the interaction with it.
  app.get<{ Params: { uid: string }; Querystring: { sessionId?: string } }>(
    `${INTERACTION_PATH}/:uid/return`,
    { schema: { hide: true } },
    async (request, reply) => {
      const details = await interactionOf(request, reply);
      if (!details) return reply;
      const client = await deps.clients.find(String(details.params.client_id));
      const sessionId = request.query.sessionId;
      const end =
        client && typeof sessionId === 'string' ? await deps.logins.end(client, details.uid, sessionId) : { kind: 'not_found' as const };
      switch (end.kind) {
        case 'login':
          if (details.session?.accountId && details.session.accountId !== end.subject) await forgetEarlierLogin(details.uid);
          // The session goes with the result: the grant made on resume links to it (provider.ts loadExistingGrant).
          return finish(request, reply, { login: { accountId: end.subject, acr: end.acr, amr: end.amr }, eidgate_session: end.sessionId });
        case 'refused':
          return refuse(request, reply, end);
        case 'open':
          return reply.redirect(`${deps.publicUrl}/login/${sessionId}`, 303);
        default:
          return humanPage(reply, 404, 'This login cannot continue', 'This login is unknown. Go back to the service and start again.');
      }
    },
  );

  // Everything else under /auth/open is oidc-provider's (discovery, authorize, par, userinfo, ...).
  app.route({ method: ['GET', 'POST', 'OPTIONS'], url: `${OP_MOUNT}/*`, schema: { hide: true }, handler: toProvider });
}
