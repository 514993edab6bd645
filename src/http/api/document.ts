// What the generated OpenAPI document says beyond the route schemas: the integrator's guide (how to get a
// token, the callback contract, the session error codes), a description for every operation and status,
// and the OAuth2 client-credentials scheme the session operations accept. Applied to the document
// @fastify/swagger builds (its transformObject), so the route schemas (schemas.ts) stay about validation.
import { JOURNEY_ERROR_CODES } from '../../domain/journey/journeys.ts';
import { PROVIDER_ERROR_CODES } from '../../domain/providers/adapter.ts';
import { API_SCOPE } from '../../domain/tokens.ts';
import { EVENT_NAMES } from '../../domain/events/envelope.ts';
import { EXAMPLE_USES, EXAMPLES } from './examples.ts';
import { PATHS } from '../paths.ts';

/** Why a session ended in ERROR, one line per code (docs/errors.md has the same table; a test holds them together). */
export const SESSION_ERROR_CODES = [...PROVIDER_ERROR_CODES, ...JOURNEY_ERROR_CODES] as const;

export const SESSION_ERROR_TEXT: Record<(typeof SESSION_ERROR_CODES)[number], string> = {
  provider_error: 'The identity provider answered with an OAuth error (other than `access_denied`, which is `ABORT`).',
  provider_unavailable: 'The provider could not be reached, timed out (`PROVIDER_TIMEOUT_MS`) or failed on its side (5xx).',
  invalid_provider_response:
    "The provider's answer failed validation (issuer, signature, nonce, state, audience, expiry, `iat` in the future, a `pid` that is not a valid national identity number, no id_token). Nothing from it reaches `subject`.",
  loa_too_low: 'The person authenticated at a lower level of assurance than `requestedLoa`.',
  session_error:
    "Signicat's generic code: the login could not be completed for a reason on the service's side (the account's provider configuration was removed while the person was at the provider).",
};

const sessionErrorList = SESSION_ERROR_CODES.map((c) => `- \`${c}\`: ${SESSION_ERROR_TEXT[c]}`).join('\n');

const SESSION_ERROR_DESCRIPTION = `Present when \`status\` is \`ERROR\`: \`{ type, title, detail, code }\`, and \`statusDetail\` repeats \`detail\`. \`type\` is Signicat's broker-error URI for Signicat's codes (\`session_error\`), \`urn:eidgate:session-error:<code>\` for eidgate's own. The codes:\n${sessionErrorList}`;

const CALLBACK_CONTRACT = `When the login ends, the person's browser is sent to one of \`callbackUrls\`: \`success\` (status \`SUCCESS\`), \`abort\` (the person cancelled: \`ABORT\`) or \`error\` (\`ERROR\`, and an expired session's page links there too). eidgate adds \`sessionId\` and, when the session has one, \`externalReference\` as query parameters after the ones the URL already has; a fragment stays at the end: \`https://app.example.com/done?x=1#top\` becomes \`https://app.example.com/done?x=1&sessionId=…&externalReference=…#top\`. The session object shows \`callbackUrls\` with \`sessionId\` already added. The callback proves nothing by itself: read the result with \`GET /auth/rest/sessions/{id}\` from your backend.`;

function infoDescription(tokenUrl: string): string {
  return `A self-hostable eID broker. The API is wire-compatible with Signicat's Authentication REST API: the same paths, fields, statuses and error object, so a Signicat client works by changing the base URL.

**Getting a token.** The session operations take an OAuth 2.0 access token from the client-credentials grant: \`POST ${tokenUrl}\` with \`grant_type=client_credentials&scope=${API_SCOPE}\`, the client id and secret as HTTP Basic (or \`client_id\` and \`client_secret\` in the form). Send it as \`Authorization: Bearer <access_token>\`. Errors of the token endpoint follow RFC 6749 §5.2; every other error is Signicat's error object (\`type\`, \`title\`, \`detail\`, \`code\`, \`status\`, \`traceId\`, \`invalidParams\`), with the codes listed in docs/errors.md.

**The journey.** Create a session, send the person's browser to its \`authenticationUrl\`, wait for the browser at your callback, then read the session.

**Callbacks.** ${CALLBACK_CONTRACT}

**Session error codes.** A session that ends in \`ERROR\` carries \`error.code\`:
${sessionErrorList}`;
}

type Responses = Record<string, string>;
interface OperationText {
  description: string;
  responses: Responses;
}

const AUTH_ERRORS: Responses = {
  '401':
    '`invalid_token`: no access token, or one that is malformed, expired or not ours. With `WWW-Authenticate: Bearer error="invalid_token"`.',
  '403': "`forbidden`: the client lacks the sessions permission, or `signicat-accountId` names another account than the token's.",
};
const BAD_QUERY = '`invalid_request_parameter`: a query parameter failed validation; `invalidParams` names it.';
const NO_WEBHOOK = '`not_found`: no such webhook subscription for this account.';
const BAD_WEBHOOK = '`invalid_request_parameter`: a field failed validation; `invalidParams` names it.';
/** The encrypted form of a session answer (a session created with encryptionPublicKey). */
const JOSE_SESSION = {
  schema: {
    type: 'string',
    description:
      'For a session created with `encryptionPublicKey`: the session object as a compact JWE to that key (`alg` RSA-OAEP or ECDH-ES as the key says, `enc` A256GCM, `kid` from the key). Decrypt it and parse the JSON inside. Error answers are never encrypted.',
    example: 'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00iLCJraWQiOiJlbmMtMSJ9.…',
  },
};
const ENCRYPTED_OPERATIONS = new Set([
  `post ${PATHS.sessions}`,
  `get ${PATHS.session.replace(':id', '{id}')}`,
  `post ${PATHS.cancelSession.replace(':id', '{id}')}`,
]);
const NO_SESSION = "`not_found`: no such session for this account (another account's sessions do not exist either).";

/** Keyed by "METHOD path" as the document writes paths. Statuses not listed here are not answered by the operation. */
const OPERATIONS: Record<string, OperationText> = {
  [`post ${PATHS.sessions}`]: {
    description:
      "Starts a login. The answer is the session in status `CREATED` with its `authenticationUrl`: send the person's browser there. An `Idempotency-Key` makes a retry safe: the same key and body give the same session back.",
    responses: {
      '200': 'The new session, status `CREATED`.',
      '400':
        '`invalid_request_parameter`: the body or a header failed validation, or names a provider the account has not configured; `invalidParams` names each field by its dotted name with a reason.',
      ...AUTH_ERRORS,
      '413': '`payload_too_large`: the body is over 64 KiB.',
      '415': '`unsupported_media_type`: the body is not `application/json`.',
      '422': '`idempotency_key_reused`: the `Idempotency-Key` was used before with another body, or its session was purged.',
    },
  },
  [`get ${PATHS.session.replace(':id', '{id}')}`]: {
    description:
      'The session as of now. Read it when the browser reaches your callback: `status` `SUCCESS` comes with `subject`, `loa` and `environment`; `ERROR` with `error` and `statusDetail`. An open session past `expiresAt` reads as `EXPIRED`. Finished sessions are deleted after the retention period (3 days by default).',
    responses: { '200': 'The session.', '400': BAD_QUERY, ...AUTH_ERRORS, '404': NO_SESSION },
  },
  [`post ${PATHS.cancelSession.replace(':id', '{id}')}`]: {
    description:
      'Ends an unfinished session as `CANCELLED`: its `authenticationUrl` stops working and the person sees that the login was cancelled. No body is needed.',
    responses: {
      '200': 'The session, now `CANCELLED`.',
      '400': BAD_QUERY,
      ...AUTH_ERRORS,
      '404': NO_SESSION,
      '409': '`conflict`: the session is already final (`SUCCESS`, `ABORT`, `ERROR`, `CANCELLED` or `EXPIRED`).',
      '413': '`payload_too_large`: the body is over 64 KiB.',
      '415': '`unsupported_media_type`: a body that is not JSON.',
    },
  },
  [`post ${PATHS.webhooks}`]: {
    description: `Subscribes the account to its events (eidgate's API; Signicat manages subscriptions in its Dashboard). Each event is POSTed to \`url\` as JSON in Signicat's envelope (\`id, timestamp, sender, eventName, eventData, accountId, organizationId, expiresAt, tags\`), signed following Standard Webhooks (\`webhook-id\` = the event id, \`webhook-timestamp\`, \`webhook-signature\` HMAC-SHA256 with the \`whsec_…\` secret): verify it with any Standard Webhooks library. Any 2xx is success; other answers and timeouts are retried with exponential backoff until the event's \`expiresAt\`; 410 disables the subscription. A \`${EVENT_NAMES.at(-1)}\` event is sent at once. Events: ${EVENT_NAMES.map((n) => `\`${n}\``).join(', ')}; \`eventData\` is \`{ sessionId, status, provider, externalReference, usageReference, errorCode }\`, never identity data: read the session.`,
    responses: {
      '201': 'The subscription and its signing secret, shown only now.',
      '400':
        '`invalid_request_parameter`: a bad field, a URL that is not https (outside development) or points at an internal address (production).',
      ...AUTH_ERRORS,
      '409': '`conflict`: the account already has the maximum number of subscriptions (20).',
      '415': '`unsupported_media_type`: the body is not JSON.',
    },
  },
  [`get ${PATHS.webhooks}`]: {
    description: "The account's webhook subscriptions (never their secrets).",
    responses: { '200': 'The subscriptions.', ...AUTH_ERRORS },
  },
  [`get ${PATHS.webhook.replace(':id', '{id}')}`]: {
    description: 'One webhook subscription of the account (never its secret).',
    responses: { '200': 'The subscription.', ...AUTH_ERRORS, '404': NO_WEBHOOK },
  },
  [`patch ${PATHS.webhook.replace(':id', '{id}')}`]: {
    description: 'Changes the URL, the filters or `enabled` (re-enable a subscription a 410 disabled). Fields left out stay as they are.',
    responses: { '200': 'The subscription.', '400': BAD_WEBHOOK, ...AUTH_ERRORS, '404': NO_WEBHOOK, '415': 'The body is not JSON.' },
  },
  [`delete ${PATHS.webhook.replace(':id', '{id}')}`]: {
    description: 'Deletes the subscription with its pending deliveries and delivery log.',
    responses: { '204': 'Deleted.', ...AUTH_ERRORS, '404': NO_WEBHOOK },
  },
  [`post ${PATHS.webhookRotateSecret.replace(':id', '{id}')}`]: {
    description:
      'A new signing secret, shown only in this answer. The previous one keeps signing beside it for `overlapSeconds` (default one day): during the overlap `webhook-signature` carries two signatures, so the receiver can switch secrets without missing a delivery.',
    responses: { '200': 'The subscription and its new secret.', '400': BAD_WEBHOOK, ...AUTH_ERRORS, '404': NO_WEBHOOK },
  },
  [`get ${PATHS.webhookDeliveries.replace(':id', '{id}')}`]: {
    description:
      'The delivery log: the latest deliveries (state `pending`, `delivered`, `expired` or `gone`) and attempts (HTTP status, outcome, latency). Bodies are never kept.',
    responses: { '200': 'The log, newest first.', ...AUTH_ERRORS, '404': NO_WEBHOOK },
  },
  [`post ${PATHS.webhookRedeliver.replace(':id', '{id}').replace(':eventId', '{eventId}')}`]: {
    description:
      'Sends the event to this subscription again (same `webhook-id`), retried for another event lifetime. Events are kept until the retention period after their `expiresAt`.',
    responses: { '202': 'Queued.', ...AUTH_ERRORS, '404': `${NO_WEBHOOK} Or no such event of the account.` },
  },
  [`post ${PATHS.token}`]: {
    description: `OAuth 2.0 client-credentials grant (RFC 6749 §4.4), form-encoded. Authenticate with HTTP Basic (client_secret_basic) or \`client_id\` and \`client_secret\` in the form (client_secret_post), not both. The only scope is \`${API_SCOPE}\` (also granted when \`scope\` is absent). The token is an ES256 JWT, valid for the client's token lifetime (600 s by default).`,
    responses: {
      '200': 'The access token. `Cache-Control: no-store`.',
      '4XX':
        'RFC 6749 §5.2: `invalid_request` (400), `invalid_client` (401, with `WWW-Authenticate: Basic`), `unsupported_grant_type` (400) or `invalid_scope` (400).',
    },
  },
  [`get ${PATHS.discovery}`]: {
    description: 'OpenID Connect discovery metadata for the token issuer: the token endpoint, the JWKS and what they support.',
    responses: { '200': 'The discovery document.' },
  },
  [`get ${PATHS.jwks}`]: {
    description: 'The public keys (JWKS) that verify access tokens, including keys rotated out whose tokens may still be valid.',
    responses: { '200': 'The JSON Web Key Set. Cacheable for 5 minutes.' },
  },
  'get /healthz': { description: 'Liveness: answers while the process serves requests.', responses: { '200': 'The process is up.' } },
  'get /readyz': {
    description: 'Readiness: answers 200 when the store answers, so a load balancer can take the process out of rotation.',
    responses: { '200': 'The store answers.', '503': '`service_unavailable`: the store does not answer.' },
  },
};

// Loose shapes of the parts of the document this module reads and writes.
type Json = Record<string, unknown>;
interface Operation {
  description?: string;
  security?: Json[];
  parameters?: { name: string; in: string; description?: string }[];
  responses?: Record<string, Json>;
}
export interface OpenApiObject {
  info: Json;
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Json>; securitySchemes?: Json; examples?: Json };
}

export const SESSION_SECURITY = [{ oauth2: [API_SCOPE] }, { bearerAuth: [] }];

/**
 * The token endpoint as an OAuth2 client-credentials scheme, so a reference UI can fetch a token itself, and
 * plain bearer for a token you already have. Given to @fastify/swagger up front: it checks route security
 * against these names while it builds the document.
 */
export function securitySchemes(tokenUrl: string) {
  return {
    oauth2: {
      type: 'oauth2' as const,
      description: 'Client credentials at the token endpoint; the access token goes in `Authorization: Bearer`.',
      flows: { clientCredentials: { tokenUrl, scopes: { [API_SCOPE]: 'The Authentication REST API (the only scope).' } } },
    },
    bearerAuth: {
      type: 'http' as const,
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An access token you already have from the token endpoint.',
    },
    adminToken: {
      type: 'http' as const,
      scheme: 'bearer',
      description: "The admin API: `EIDGATE_ADMIN_TOKEN` (never an API client's access token).",
    },
  };
}

/** The document with the integrator's text, every operation and status described, and the OAuth2 scheme. */
export function describeDocument<T extends OpenApiObject>(doc: T, tokenUrl: string): T {
  doc.info.description = infoDescription(tokenUrl);
  doc.components ??= {};
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      const text = OPERATIONS[`${method} ${path}`];
      if (!text) continue;
      op.description = text.description;
      if (op.security) op.security = SESSION_SECURITY;
      for (const p of op.parameters ?? []) {
        if (p.in === 'path' && p.name === 'id')
          p.description = path.startsWith(PATHS.webhooks)
            ? 'The webhook subscription id (`wh-…`).'
            : 'The session id (`id` of the created session; `sessionId` on the callback).';
        if (p.in === 'path' && p.name === 'eventId') p.description = 'The event id (`id` in the envelope, `webhook-id` on the request).';
      }
      // The sessions routes share one list of error statuses (schemas.ts); the document lists those this
      // operation can answer, each with what it means here.
      const responses: Record<string, Json> = {};
      for (const [status, description] of Object.entries(text.responses)) {
        const known = op.responses?.[status] ?? op.responses?.[status.toLowerCase()];
        responses[status] = {
          ...(known ?? { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }),
          description,
        };
      }
      op.responses = responses;
      const ok = responses['200'] as { content?: Record<string, Json> } | undefined;
      if (ENCRYPTED_OPERATIONS.has(`${method} ${path}`) && ok?.content) ok.content['application/jose'] = JOSE_SESSION;
    }
  }
  attachExamples(doc);
  const session = doc.components.schemas?.Session as { properties?: Record<string, Json> } | undefined;
  if (session?.properties?.error) session.properties.error.description = SESSION_ERROR_DESCRIPTION;
  if (session?.properties?.callbackUrls) session.properties.callbackUrls.description = CALLBACK_CONTRACT;
  return doc;
}

/** components.examples, and a reference to each where an operation shows it (request body or response). */
function attachExamples(doc: OpenApiObject): void {
  doc.components ??= {};
  doc.components.examples = Object.fromEntries(Object.entries(EXAMPLES).map(([name, e]) => [name, { summary: e.summary, value: e.value }]));
  for (const use of EXAMPLE_USES) {
    const [method = '', path = ''] = use.operation.split(' ');
    const op = doc.paths?.[path]?.[method] as (Operation & { requestBody?: Json }) | undefined;
    const holder = use.at === 'request' ? op?.requestBody : op?.responses?.[use.at];
    const media = (holder?.content as Record<string, Json> | undefined)?.['application/json'];
    if (!media) throw new Error(`OpenAPI examples: ${use.operation} has no JSON ${use.at}`);
    media.examples = Object.fromEntries(use.examples.map((name) => [name, { $ref: `#/components/examples/${name}` }]));
  }
}
