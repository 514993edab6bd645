// The Authentication REST API at Signicat's paths. Thin: authenticate, validate by schema, call the domain,
// present the session. Errors in this plugin are Signicat's error object.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../../domain/accounts.ts';
import type { DecoupledOrders } from '../../domain/journey/orders.ts';
import type { Sessions } from '../../domain/sessions/sessions.ts';
import type { AccessTokens } from '../../domain/tokens.ts';
import { errors } from '../../errors/index.ts';
import type { SessionRequest } from '../../model/session.ts';
import { useApiErrors } from '../errors.ts';
import { PATHS, type Urls } from '../paths.ts';
import { authOf, decorateAuth, requirePermission } from './auth.ts';
import {
  apiErrorSchema,
  cancelSessionSchema,
  createSessionSchema,
  getSessionSchema,
  sessionRequestSchema,
  sessionResponseSchema,
} from './schemas.ts';
import type { SessionRecord } from '../../store/index.ts';
import { readSessionRequest } from './read-request.ts';
import { sessionPresenter } from './session-presenter.ts';

type AccountQuery = { 'signicat-accountId'?: string };

export async function sessionRoutes(
  app: FastifyInstance,
  deps: { sessions: Sessions; tokens: AccessTokens; accounts: Accounts; urls: Urls; orders: DecoupledOrders },
): Promise<void> {
  useApiErrors(app);
  decorateAuth(app);
  app.addSchema(apiErrorSchema);
  app.addSchema(sessionResponseSchema);
  app.addSchema(sessionRequestSchema);
  // Every answer here can carry identity data (or says why not): no cache may keep it.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', 'no-store');
    done();
  });
  app.addHook(
    'onRequest',
    requirePermission(deps.tokens, 'sessions', (clientId) => deps.accounts.isClientActive(clientId)),
  );

  const accountOf = (request: FastifyRequest<{ Querystring: AccountQuery }>) =>
    deps.sessions.resolveAccount(authOf(request).accountId, request.query['signicat-accountId']);
  const present = sessionPresenter(deps.sessions, deps.urls, (s) => deps.orders.idpDataOf(s));
  /**
   * The session as the client reads it: JSON, or for a session created with encryptionPublicKey a compact
   * JWE to that key (application/jose); a finished one answers the JWE sealed when it finished.
   */
  const answer = async (reply: FastifyReply, s: SessionRecord, opts: { read?: boolean } = {}) => {
    if (!deps.sessions.clientKeyOf(s)) return present(s, opts);
    reply.type('application/jose');
    return s.clientResult ?? deps.sessions.encryptForClient(s, JSON.stringify(present(s, opts)));
  };

  app.post<{ Body: SessionRequest; Querystring: AccountQuery; Headers: { 'idempotency-key'?: string } }>(
    PATHS.sessions,
    {
      schema: createSessionSchema,
      // The tolerant reader runs before the schema: nulls, enum case and unknown fields as Signicat reads them.
      preValidation: (request, _reply, done) => {
        const { body, ignored } = readSessionRequest(request.body);
        request.body = body as SessionRequest;
        if (ignored.length > 0) request.log.debug({ ignored }, 'ignored unknown request fields');
        done();
      },
    },
    async (request, reply) => {
      const created = await deps.sessions.create(accountOf(request), request.body, request.headers['idempotency-key']);
      const { replayed } = created;
      // Headless: the provider's order starts now, so the answer carries what the service's UI needs (idpData).
      const session =
        created.session.request.flow === 'headless' && !replayed ? await deps.orders.beginHeadless(created.session) : created.session;
      request.log.info({ sessionId: session.id, replayed }, 'session created');
      return answer(reply, session);
    },
  );

  app.get<{ Params: { id: string }; Querystring: AccountQuery & { sessionNonce?: string } }>(
    PATHS.session,
    {
      schema: getSessionSchema,
    },
    async (request, reply) => {
      const session = await deps.sessions.requireForAccount(accountOf(request), request.params.id);
      const { sessionNonce } = request.query;
      if (sessionNonce !== undefined && !deps.sessions.isNonceOf(session, sessionNonce)) {
        throw errors.invalidRequestParameter([{ name: 'sessionNonce', reason: 'is not the nonce of this session' }]);
      }
      return answer(reply, session, { read: true });
    },
  );

  app.post<{ Params: { id: string }; Querystring: AccountQuery }>(
    PATHS.cancelSession,
    {
      schema: cancelSessionSchema,
    },
    async (request, reply) => {
      const session = await deps.sessions.cancel(accountOf(request), request.params.id);
      // A decoupled provider's order ends with the session (BankID /cancel), not minutes later at its own expiry.
      await deps.orders.cancel(session);
      request.log.info({ sessionId: session.id }, 'session cancelled');
      return answer(reply, session);
    },
  );
}

/** Other methods on the API paths are the caller's mistake, answered in the API's error format (no token needed). */
export async function methodNotAllowedRoutes(app: FastifyInstance): Promise<void> {
  useApiErrors(app);
  for (const url of [PATHS.sessions, PATHS.session, PATHS.cancelSession]) {
    app.route({
      method: ['PUT', 'PATCH', 'DELETE'],
      url,
      schema: { hide: true },
      handler: async (request) => {
        throw errors.methodNotAllowed(`${request.method} is not allowed on ${url}.`);
      },
    });
  }
}
