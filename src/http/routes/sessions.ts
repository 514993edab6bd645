// The Authentication REST API at Signicat's paths. Thin: authenticate, validate by schema, call the domain.
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../auth.ts';
import { errors } from '../../errors.ts';
import type { SessionRequest, Sessions } from '../../domain/sessions/sessions.ts';
import type { AccessTokens } from '../../domain/tokens.ts';
import { UNSUPPORTED_REQUEST_FIELDS, apiErrorSchema, sessionRequestSchema, sessionResponseSchema } from '../schemas/session.ts';

const accountQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    'signicat-accountId': { type: 'string', maxLength: 100, description: 'Optional; defaults to the account of the access token.' },
    'signicat-organizationId': { type: 'string', maxLength: 100, description: 'Accepted for SDK compatibility; not used.' },
  },
} as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;
const errorResponses = Object.fromEntries([400, 401, 403, 404, 409, 413, 415, 422].map((s) => [s, { $ref: 'Error#' }]));

type AccountQuery = { 'signicat-accountId'?: string };

export async function sessionRoutes(app: FastifyInstance, deps: { sessions: Sessions; tokens: AccessTokens }): Promise<void> {
  app.addSchema(apiErrorSchema);
  app.addSchema(sessionResponseSchema);
  app.addSchema(sessionRequestSchema);
  const guard = requirePermission(deps.tokens, 'sessions');
  const security = [{ bearerAuth: [] }];

  app.post<{ Body: SessionRequest; Querystring: AccountQuery; Headers: { 'idempotency-key'?: string } }>(
    '/auth/rest/sessions',
    {
      config: { dialect: 'api', fieldReasons: UNSUPPORTED_REQUEST_FIELDS },
      onRequest: guard,
      schema: {
        tags: ['Sessions'],
        summary: 'Create a new session',
        security,
        querystring: accountQuery,
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': {
              type: 'string',
              minLength: 1,
              maxLength: 255,
              description: 'Same key and body: the same session comes back.',
            },
          },
        },
        body: { $ref: 'SessionRequest#' },
        response: { 200: { $ref: 'Session#' }, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = deps.sessions.resolveAccount(request.auth!.accountId, request.query['signicat-accountId']);
      const { view, replayed } = await deps.sessions.create(accountId, request.body, request.headers['idempotency-key']);
      request.log.info({ sessionId: view.id, replayed }, 'session created');
      return view;
    },
  );

  app.get<{ Params: { id: string }; Querystring: AccountQuery }>(
    '/auth/rest/sessions/:id',
    {
      config: { dialect: 'api' },
      onRequest: guard,
      schema: {
        tags: ['Sessions'],
        summary: 'Get session status',
        security,
        params: idParams,
        querystring: accountQuery,
        response: { 200: { $ref: 'Session#' }, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = deps.sessions.resolveAccount(request.auth!.accountId, request.query['signicat-accountId']);
      return deps.sessions.get(accountId, request.params.id);
    },
  );

  app.post<{ Params: { id: string }; Querystring: AccountQuery }>(
    '/auth/rest/sessions/:id/cancel',
    {
      config: { dialect: 'api' },
      onRequest: guard,
      schema: {
        tags: ['Sessions'],
        summary: 'Cancel an authentication session',
        description: 'An unfinished session becomes CANCELLED; a finished one is refused with 409.',
        security,
        params: idParams,
        querystring: accountQuery,
        response: { 200: { $ref: 'Session#' }, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = deps.sessions.resolveAccount(request.auth!.accountId, request.query['signicat-accountId']);
      const view = await deps.sessions.cancel(accountId, request.params.id);
      request.log.info({ sessionId: view.id }, 'session cancelled');
      return view;
    },
  );

  // Other methods on the API paths are the caller's mistake, answered in the API's error format.
  for (const url of ['/auth/rest/sessions', '/auth/rest/sessions/:id', '/auth/rest/sessions/:id/cancel']) {
    app.route({
      method: ['PUT', 'PATCH', 'DELETE'],
      url,
      config: { dialect: 'api' },
      schema: { hide: true },
      handler: async (request) => {
        throw errors.methodNotAllowed(`${request.method} is not allowed on ${url}.`);
      },
    });
  }
}
