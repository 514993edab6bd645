// Webhook subscriptions of the token's account: eidgate's own API (Signicat manages these in its Dashboard
// and Events Management API, whose shapes are not public). Thin: authenticate with the same access token
// as the sessions API, validate by schema, call the domain. Errors are Signicat's error object.
import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../../domain/accounts.ts';
import { EVENT_NAMES } from '../../domain/events/envelope.ts';
import type { SubscriptionInput, Webhooks } from '../../domain/webhooks/subscriptions.ts';
import type { AccessTokens } from '../../domain/tokens.ts';
import { useApiErrors } from '../errors.ts';
import { PATHS } from '../paths.ts';
import { authOf, decorateAuth, requirePermission } from './auth.ts';
import { apiErrorSchema } from './schemas.ts';

const security = [{ bearerAuth: [] }];
const tags = ['Webhooks'];
const errorResponses = Object.fromEntries([400, 401, 403, 404, 409, 415].map((s) => [s, { $ref: 'Error#' }]));

const subscriptionSchema = {
  $id: 'WebhookSubscription',
  type: 'object',
  required: ['id', 'accountId', 'url', 'eventNames', 'tags', 'enabled', 'disabledReason', 'previousSecretValidUntil', 'createdAt'],
  properties: {
    id: { type: 'string' },
    accountId: { type: 'string' },
    url: { type: 'string', description: 'Where events are POSTed.' },
    eventNames: { type: 'array', items: { type: 'string' }, description: 'The events sent; empty means every one.' },
    tags: {
      type: 'array',
      items: { type: 'string' },
      description: 'Only events carrying at least one of these tags; empty means every one.',
    },
    enabled: { type: 'boolean' },
    disabledReason: { type: ['string', 'null'], description: 'Why it is disabled (by the account, or the receiver answered 410 Gone).' },
    previousSecretValidUntil: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'After a rotation: until when the previous secret signs as well (a second signature in webhook-signature).',
    },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const withSecret = {
  type: 'object',
  required: ['subscription', 'secret'],
  properties: {
    subscription: { $ref: 'WebhookSubscription#' },
    secret: { type: 'string', description: 'The Standard Webhooks signing secret (`whsec_…`). Shown only in this answer.' },
  },
} as const;

const inputProperties = {
  url: { type: 'string', maxLength: 2000, description: 'https (http only in development). In production, not an internal address.' },
  eventNames: {
    type: 'array',
    maxItems: EVENT_NAMES.length,
    uniqueItems: true,
    items: { type: 'string', enum: EVENT_NAMES },
    description: 'The events to send; empty or absent: every one.',
  },
  tags: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 100 }, description: 'Tag filter.' },
  enabled: { type: 'boolean' },
} as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;

const deliveryLogSchema = {
  type: 'object',
  required: ['deliveries', 'attempts'],
  properties: {
    deliveries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          eventId: { type: 'string' },
          eventName: { type: 'string' },
          state: { type: 'string', enum: ['pending', 'delivered', 'expired', 'gone'] },
          attempts: { type: 'integer' },
          nextAttemptAt: { type: ['string', 'null'] },
          expiresAt: { type: 'string' },
          deliveredAt: { type: ['string', 'null'] },
        },
      },
    },
    attempts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          eventId: { type: 'string' },
          attempt: { type: 'integer' },
          at: { type: 'string' },
          statusCode: { type: ['integer', 'null'] },
          outcome: { type: 'string', enum: ['delivered', 'gone', 'http_error', 'network_error'] },
          latencyMs: { type: 'integer' },
          error: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

export async function webhookRoutes(
  app: FastifyInstance,
  deps: { webhooks: Webhooks; tokens: AccessTokens; accounts: Accounts },
): Promise<void> {
  useApiErrors(app);
  decorateAuth(app);
  app.addSchema(apiErrorSchema);
  app.addSchema(subscriptionSchema);
  // A new subscription's secret is in the answer: no cache may keep it.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', 'no-store');
    done();
  });
  app.addHook(
    'onRequest',
    requirePermission(deps.tokens, 'sessions', (clientId) => deps.accounts.isClientActive(clientId)),
  );
  const { webhooks } = deps;

  app.post<{ Body: SubscriptionInput & { url: string } }>(
    PATHS.webhooks,
    {
      schema: {
        tags,
        summary: 'Create a webhook subscription',
        security,
        body: { type: 'object', required: ['url'], additionalProperties: false, properties: inputProperties },
        response: { 201: withSecret, ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await webhooks.create(authOf(request).accountId, request.body);
      request.log.info({ subscriptionId: created.subscription.id }, 'webhook subscription created');
      return reply.code(201).send(created);
    },
  );

  app.get(
    PATHS.webhooks,
    {
      schema: {
        tags,
        summary: 'List webhook subscriptions',
        security,
        response: { 200: { type: 'array', items: { $ref: 'WebhookSubscription#' } }, ...errorResponses },
      },
    },
    async (request) => webhooks.list(authOf(request).accountId),
  );

  app.get<{ Params: { id: string } }>(
    PATHS.webhook,
    {
      schema: {
        tags,
        summary: 'Get a webhook subscription',
        security,
        params: idParams,
        response: { 200: { $ref: 'WebhookSubscription#' }, ...errorResponses },
      },
    },
    async (request) => webhooks.get(request.params.id, authOf(request).accountId),
  );

  app.patch<{ Params: { id: string }; Body: SubscriptionInput }>(
    PATHS.webhook,
    {
      schema: {
        tags,
        summary: 'Change a webhook subscription',
        security,
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: inputProperties },
        response: { 200: { $ref: 'WebhookSubscription#' }, ...errorResponses },
      },
    },
    async (request) => webhooks.update(request.params.id, request.body, authOf(request).accountId),
  );

  app.delete<{ Params: { id: string } }>(
    PATHS.webhook,
    {
      schema: {
        tags,
        summary: 'Delete a webhook subscription',
        security,
        params: idParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await webhooks.remove(request.params.id, authOf(request).accountId);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string }; Body: { overlapSeconds?: number } | null }>(
    PATHS.webhookRotateSecret,
    {
      schema: {
        tags,
        summary: 'Rotate the signing secret',
        security,
        params: idParams,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            overlapSeconds: {
              type: 'integer',
              minimum: 0,
              maximum: 604800,
              description: 'How long the previous secret keeps signing beside the new one (default 86400).',
            },
          },
        },
        response: { 200: withSecret, ...errorResponses },
      },
    },
    async (request) => webhooks.rotateSecret(request.params.id, request.body?.overlapSeconds, authOf(request).accountId),
  );

  app.get<{ Params: { id: string } }>(
    PATHS.webhookDeliveries,
    { schema: { tags, summary: 'The delivery log', security, params: idParams, response: { 200: deliveryLogSchema, ...errorResponses } } },
    async (request) => webhooks.log(request.params.id, authOf(request).accountId),
  );

  app.post<{ Params: { id: string; eventId: string } }>(
    PATHS.webhookRedeliver,
    {
      schema: {
        tags,
        summary: 'Redeliver an event',
        security,
        params: {
          type: 'object',
          required: ['id', 'eventId'],
          properties: { id: { type: 'string', maxLength: 100 }, eventId: { type: 'string', maxLength: 100 } },
        },
        response: { 202: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await webhooks.redeliver(request.params.id, request.params.eventId, authOf(request).accountId);
      return reply.code(202).send();
    },
  );
}
