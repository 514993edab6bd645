// Bearer-token guard for the REST API: 401 for a token that is missing or not valid, 403 for a missing
// permission. The verified claims ride on the request.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../errors/index.ts';
import type { AccessTokenClaims, AccessTokens } from '../../domain/tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token's claims; set by the guard, null before it (decorated once, see below). */
    auth: AccessTokenClaims | null;
  }
}

/** Declares `request.auth` on the plugin, so Fastify keeps one request shape (Decorators.md). */
export function decorateAuth(app: FastifyInstance): void {
  app.decorateRequest('auth', null);
}

/** The claims of a request that passed the guard. */
export function authOf(request: FastifyRequest): AccessTokenClaims {
  if (!request.auth) throw errors.invalidToken('An Authorization: Bearer <access token> header is required.');
  return request.auth;
}

/**
 * The guard. `clientActive` is read through the directory cache: a token of a client that was disabled or
 * deleted stops working within that cache window (DIRECTORY_CACHE_MS), not only at its expiry.
 */
export function requirePermission(tokens: AccessTokens, permission: string, clientActive: (clientId: string) => Promise<boolean>) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) throw errors.invalidToken('An Authorization: Bearer <access token> header is required.');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) throw errors.invalidToken('The Authorization header must be "Bearer <access token>".');
    const claims = await tokens.verify(m[1]);
    if (!(await clientActive(claims.clientId))) throw errors.invalidToken(`The API client ${claims.clientId} is disabled.`);
    if (!claims.permissions.includes(permission)) {
      throw errors.forbidden(`The API client ${claims.clientId} lacks the "${permission}" permission.`);
    }
    request.auth = claims;
  };
}
