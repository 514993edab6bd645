// The OAuth 2.0 token endpoint (client_credentials only) and its discovery document, at Signicat's paths.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.ts';
import type { Accounts } from '../../domain/accounts.ts';
import { API_SCOPE, AccessTokens } from '../../domain/tokens.ts';
import type { KeyRing } from '../../domain/keys.ts';

export const TOKEN_PATH = '/auth/open/connect/token';
export const DISCOVERY_PATH = '/auth/open/.well-known/openid-configuration';
export const JWKS_PATH = '/auth/open/.well-known/openid-configuration/jwks';

interface Deps {
  accounts: Accounts;
  tokens: AccessTokens;
  keys: KeyRing;
  publicUrl: string;
}

const oauthError = (status: number, error: string, description: string) => errors.oauth(status, error, description);

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw oauthError(401, 'invalid_client', 'Malformed HTTP Basic credentials.');
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    throw oauthError(401, 'invalid_client', 'Malformed HTTP Basic credentials.');
  }
}

const single = (v: unknown, name: string): string | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw oauthError(400, 'invalid_request', `${name} must appear once.`);
  return v;
};

export async function tokenRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  app.post(
    TOKEN_PATH,
    {
      config: { dialect: 'oauth' },
      schema: {
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
      },
      // Validation is done below, so that each failure gets its own RFC 6749 code.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      if (!request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
        throw oauthError(400, 'invalid_request', 'The token request must be application/x-www-form-urlencoded.');
      }
      const body = (request.body ?? {}) as Record<string, unknown>;
      const basic = basicCredentials(request.headers.authorization);
      const formId = single(body.client_id, 'client_id');
      const formSecret = single(body.client_secret, 'client_secret');
      if (basic && formSecret !== undefined) {
        throw oauthError(
          400,
          'invalid_request',
          'Use one client authentication method: HTTP Basic or client_secret in the body, not both.',
        );
      }
      const id = basic?.id ?? formId;
      const secret = basic?.secret ?? formSecret;
      if (!id || secret === undefined)
        throw oauthError(401, 'invalid_client', 'Client authentication is missing (HTTP Basic or client_id and client_secret).');
      if (basic && formId !== undefined && formId !== basic.id)
        throw oauthError(400, 'invalid_request', 'client_id in the body differs from HTTP Basic.');

      let client;
      try {
        client = await deps.accounts.authenticate(id, secret);
      } catch (e) {
        request.log.warn(
          { clientId: id, reason: (e as { reason?: string }).reason, method: basic ? 'client_secret_basic' : 'client_secret_post' },
          'client authentication failed',
        );
        throw e;
      }
      const grantType = single(body.grant_type, 'grant_type');
      if (!grantType) throw oauthError(400, 'invalid_request', 'grant_type is required.');
      if (grantType !== 'client_credentials')
        throw oauthError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported; use client_credentials.`);
      const scope = AccessTokens.grantedScope(single(body.scope, 'scope'));
      const token = await deps.tokens.issue(client, scope);
      request.log.info({ clientId: client.clientId, accountId: client.accountId }, 'access token issued');
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(token);
    },
  );

  app.get(DISCOVERY_PATH, { schema: { tags: ['OAuth'], summary: 'OAuth discovery document' } }, async () => ({
    issuer: deps.tokens.issuer,
    token_endpoint: `${deps.publicUrl}${TOKEN_PATH}`,
    jwks_uri: `${deps.publicUrl}${JWKS_PATH}`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: [API_SCOPE],
    response_types_supported: ['token'],
  }));

  app.get(JWKS_PATH, { schema: { tags: ['OAuth'], summary: 'Public keys that sign access tokens' } }, async (_req, reply) => {
    return reply.header('cache-control', 'public, max-age=300').send(await deps.keys.jwks());
  });
}
