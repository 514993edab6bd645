// Every route path the broker serves, named once. The domain gets URL builders from here and never knows
// path shapes; routes register these same constants.
import { callbackPath } from '../domain/providers/registry.ts';

export const PATHS = {
  sessions: '/auth/rest/sessions',
  session: '/auth/rest/sessions/:id',
  cancelSession: '/auth/rest/sessions/:id/cancel',
  webhooks: '/auth/rest/webhooks',
  webhook: '/auth/rest/webhooks/:id',
  webhookRotateSecret: '/auth/rest/webhooks/:id/rotate-secret',
  webhookDeliveries: '/auth/rest/webhooks/:id/deliveries',
  webhookRedeliver: '/auth/rest/webhooks/:id/deliveries/:eventId/redeliver',
  token: '/auth/open/connect/token',
  discovery: '/auth/open/.well-known/openid-configuration',
  jwks: '/auth/open/.well-known/openid-configuration/jwks',
  issuer: '/auth/open',
  login: '/login/:id',
  loginStart: '/login/:id/start',
  loginAbort: '/login/:id/abort',
  loginWindow: '/login/:id/window',
  loginState: '/login/:id/state',
  loginBankId: '/login/:id/bankid',
  providerCallback: '/auth/callback/:provider',
  callbackPrefix: '/auth/callback',
  devTry: '/dev/try',
  devResult: '/dev/result',
  devCallback: '/dev/callback',
  devThemePreview: '/dev/themes/:theme',
} as const;

export interface Urls {
  /** Where the person starts: Signicat's authenticationUrl, on the session's requestDomain when it has one. */
  authentication(sessionId: string, requestDomain?: string): string;
  /** Where a backend reads the session (Signicat's statusUrl): the GET of the sessions API. */
  status(sessionId: string): string;
  /** Where a redirect provider sends the browser back, on the same host the journey runs on. */
  providerCallback(providerId: string, requestDomain?: string): string;
  issuer: string;
  token: string;
  jwks: string;
}

/** PUBLIC_URL with its host replaced by a request domain (scheme, port and path kept). */
function onHost(publicUrl: string, requestDomain: string | undefined): string {
  if (!requestDomain) return publicUrl;
  const u = new URL(publicUrl);
  u.hostname = requestDomain;
  return u.href.replace(/\/$/, '');
}

export function urlsFor(publicUrl: string): Urls {
  return {
    authentication: (sessionId, requestDomain) => `${onHost(publicUrl, requestDomain)}/login/${sessionId}`,
    status: (sessionId) => `${publicUrl}${PATHS.sessions}/${sessionId}`,
    providerCallback: (providerId, requestDomain) => `${onHost(publicUrl, requestDomain)}${callbackPath(providerId)}`,
    issuer: `${publicUrl}${PATHS.issuer}`,
    token: `${publicUrl}${PATHS.token}`,
    jwks: `${publicUrl}${PATHS.jwks}`,
  };
}
