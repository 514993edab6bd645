// The OAuth 2.0 token endpoint (client_credentials only) and its discovery document, at Signicat's paths.
// The endpoint is a pipeline of named steps, each enforcing one rule of RFC 6749; errors in this plugin
// are RFC 6749 §5.2 error responses.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JWK } from 'jose';
import type { Accounts } from '../../domain/accounts.ts';
import { type AuthThrottle, throttleKeys } from '../../domain/auth-throttle.ts';
import type { KeyRing } from '../../domain/keys.ts';
import { API_SCOPE, AccessTokens } from '../../domain/tokens.ts';
import { isStorableText, UNSTORABLE_REASON } from '../../shared/text.ts';
import { errors } from '../../errors/index.ts';
import type { ApiClient } from '../../store/index.ts';
import { useOAuthErrors } from '../errors.ts';
import { PATHS, type Urls } from '../paths.ts';

interface Deps {
  accounts: Accounts;
  tokens: AccessTokens;
  keys: KeyRing;
  urls: Urls;
  /** Lockout after repeated failures; the metadata routes do not use it. */
  throttle?: AuthThrottle;
  /** Every grant but client_credentials: the OpenID Provider's (http/op), on the same endpoint. */
  otherGrants?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** The OpenID Provider's public keys, served beside the API tokens' in one JWKS. */
  opJwks?: JWK[];
}

type TokenRequestBody = Record<string, unknown>;

/** The grants the OpenID Provider (http/op) answers at this endpoint. */
const OP_GRANTS = new Set<unknown>(['authorization_code', 'refresh_token']);

/** RFC 6749 §4.4.2: the token request is form-encoded. */
function requireFormBody(request: FastifyRequest): TokenRequestBody {
  if (!request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
    throw errors.invalidOAuthRequest('The token request must be application/x-www-form-urlencoded.');
  }
  return (request.body ?? {}) as TokenRequestBody;
}

/** RFC 6749 §3.2: request parameters must not be included more than once. */
function single(body: TokenRequestBody, name: string): string | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw errors.invalidOAuthRequest(`${name} must appear once.`);
  return v;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw errors.invalidClient('Malformed HTTP Basic credentials.');
  const form = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  let credentials: { id: string; secret: string };
  try {
    credentials = { id: form(decoded.slice(0, colon)), secret: form(decoded.slice(colon + 1)) };
  } catch {
    throw errors.invalidClient('Malformed HTTP Basic credentials.');
  }
  if (!isStorableText(credentials.id) || !isStorableText(credentials.secret)) {
    throw errors.invalidOAuthRequest(`HTTP Basic credentials ${UNSTORABLE_REASON}.`);
  }
  return credentials;
}

/** RFC 6749 §2.3.1: HTTP Basic or client_id/client_secret in the body, and "MUST NOT use more than one". */
function readClientCredentials(request: FastifyRequest, body: TokenRequestBody) {
  const basic = basicCredentials(request.headers.authorization);
  const formId = single(body, 'client_id');
  const formSecret = single(body, 'client_secret');
  if (basic && formSecret !== undefined) {
    throw errors.invalidOAuthRequest('Use one client authentication method: HTTP Basic or client_secret in the body, not both.');
  }
  const id = basic?.id ?? formId;
  const secret = basic?.secret ?? formSecret;
  if (!id || secret === undefined) {
    throw errors.invalidClient('Client authentication is missing (HTTP Basic or client_id and client_secret).');
  }
  if (basic && formId !== undefined && formId !== basic.id)
    throw errors.invalidOAuthRequest('client_id in the body differs from HTTP Basic.');
  return { id, secret, method: basic ? 'client_secret_basic' : 'client_secret_post' };
}

/**
 * RFC 6749 §5.2: every failure is the same invalid_client (401); the reason goes only to the log. A client
 * or address locked after repeated failures is refused (429) before its secret is checked, so a right
 * guess during the lockout does not get through either.
 */
async function authenticateClient(deps: Deps, request: FastifyRequest, c: { id: string; secret: string; method: string }) {
  const keys = throttleKeys(c.id, request.ip);
  const locked = deps.throttle ? await deps.throttle.retryAfter(keys) : 0;
  if (locked > 0) {
    request.log.warn({ clientId: c.id, retryAfter: locked }, 'client authentication refused: locked after repeated failures');
    throw tooManyFailures(locked);
  }
  const result = await deps.accounts.authenticate(c.id, c.secret);
  if (result.ok) return result.client;
  request.log.warn({ clientId: c.id, reason: result.reason, method: c.method }, 'client authentication failed');
  const lockedNow = deps.throttle ? await deps.throttle.failed(keys) : 0;
  if (lockedNow > 0) throw tooManyFailures(lockedNow);
  throw errors.invalidClient('Client authentication failed.', { detail: result.reason });
}

const tooManyFailures = (seconds: number) =>
  errors.tooManyRequests(`Too many failed authentications for this client or from this address; try again in ${seconds} s.`, seconds);

/** RFC 6749 §4.4.2: grant_type is required, and this server issues only client_credentials. */
function checkGrantType(body: TokenRequestBody): void {
  const grantType = single(body, 'grant_type');
  if (!grantType) throw errors.invalidOAuthRequest('grant_type is required.');
  if (grantType !== 'client_credentials') {
    throw errors.unsupportedGrantType(`grant_type ${grantType} is not supported; use client_credentials.`);
  }
}

async function issueToken(deps: Deps, request: FastifyRequest, client: ApiClient, body: TokenRequestBody) {
  const scope = AccessTokens.grantedScope(single(body, 'scope'));
  const token = await deps.tokens.issue(client, scope);
  request.log.info({ clientId: client.clientId, accountId: client.accountId }, 'access token issued');
  return token;
}

const tokenSchema = {
  tags: ['OAuth'],
  summary: 'Get an access token (client_credentials)',
  consumes: ['application/x-www-form-urlencoded'],
  body: {
    type: 'object',
    properties: {
      grant_type: { type: 'string', enum: ['client_credentials'] },
      scope: { type: 'string' },
      client_id: { type: 'string' },
      client_secret: { type: 'string' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['access_token', 'token_type', 'expires_in', 'scope'],
      properties: {
        access_token: { type: 'string' },
        token_type: { type: 'string', enum: ['Bearer'] },
        expires_in: { type: 'integer' },
        scope: { type: 'string' },
      },
    },
    '4xx': {
      type: 'object',
      required: ['error'],
      properties: { error: { type: 'string' }, error_description: { type: 'string' } },
    },
  },
} as const;

export async function tokenRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  useOAuthErrors(app);
  app.post(
    PATHS.token,
    // Validation is the steps' own, so that each failure gets its own RFC 6749 code.
    { schema: tokenSchema, validatorCompiler: () => () => true },
    async (request, reply) => {
      const body = requireFormBody(request);
      // One lookup decides: the OP's grants go to it; everything else (the API's grant, and what neither
      // serves) stays on this fast path and its RFC 6749 answers.
      if (deps.otherGrants && OP_GRANTS.has(body.grant_type)) {
        return deps.otherGrants(request, reply);
      }
      const client = await authenticateClient(deps, request, readClientCredentials(request, body));
      checkGrantType(body);
      const token = await issueToken(deps, request, client, body);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(token);
    },
  );
}

/** Discovery and JWKS: read by resource servers and SDKs; their errors are the API's (Signicat's object). */
export async function oauthMetadataRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  app.get(
    PATHS.jwks,
    { schema: { tags: ['OAuth'], summary: 'Public keys that sign access tokens and id_tokens' } },
    async (_req, reply) => {
      const { keys } = await deps.keys.jwks();
      return reply.header('cache-control', 'public, max-age=300').send({ keys: [...keys, ...(deps.opJwks ?? [])] });
    },
  );
  // With the OpenID Provider, discovery is its own (it still advertises client_credentials).
  if (deps.opJwks) return;
  app.get(PATHS.discovery, { schema: { tags: ['OAuth'], summary: 'OAuth discovery document' } }, async () => ({
    issuer: deps.tokens.issuer,
    token_endpoint: deps.urls.token,
    jwks_uri: deps.urls.jwks,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: [API_SCOPE],
    response_types_supported: ['token'],
  }));
}
