// Every route path the broker serves, named once. The domain gets URL builders from here and never knows
// path shapes; routes register these same constants.
import { callbackPath } from '../domain/providers/registry.ts';

export const PATHS = {
  sessions: '/auth/rest/sessions',
  session: '/auth/rest/sessions/:id',
  cancelSession: '/auth/rest/sessions/:id/cancel',
  token: '/auth/open/connect/token',
  discovery: '/auth/open/.well-known/openid-configuration',
  jwks: '/auth/open/.well-known/openid-configuration/jwks',
  issuer: '/auth/open',
  login: '/login/:id',
  loginStart: '/login/:id/start',
  loginAbort: '/login/:id/abort',
  providerCallback: '/auth/callback/:provider',
  callbackPrefix: '/auth/callback',
  devTry: '/dev/try',
  devResult: '/dev/result',
} as const;

export interface Urls {
  /** Where the person starts: Signicat's authenticationUrl. */
  authentication(sessionId: string): string;
  /** Where a redirect provider sends the browser back. */
  providerCallback(providerId: string): string;
  issuer: string;
  token: string;
  jwks: string;
}

export function urlsFor(publicUrl: string): Urls {
  return {
    authentication: (sessionId) => `${publicUrl}/login/${sessionId}`,
    providerCallback: (providerId) => `${publicUrl}${callbackPath(providerId)}`,
    issuer: `${publicUrl}${PATHS.issuer}`,
    token: `${publicUrl}${PATHS.token}`,
    jwks: `${publicUrl}${PATHS.jwks}`,
  };
}
