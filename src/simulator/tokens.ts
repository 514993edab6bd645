// Tokens and metadata as ID-porten issues them, shaped around oidc-provider's own (which stay the source of
// truth for revocation, introspection and userinfo):
// - the access token is a JWT (header x5c/kid/alg; claims sub, iss, client_amr, consumer, client_id, pid,
//   acr, scope, iat, exp, jti, and no aud, as in Digdir's decoded example of a login-only token). Its jti is oidc-provider's opaque token, so userinfo,
//   introspection, revocation and logout keep working: the router swaps the JWT back for it on the way in;
// - the id_token's header carries x5c (oidc-provider writes only kid and alg), it has no at_hash (the new
//   ID-porten dropped it), and front-channel clients asking for it get `sid`;
// - `refresh_token_expires_in` beside a refresh token;
// - discovery names the browser-facing origin for /authorize and /logout, and front-channel support.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, decodeJwt } from 'jose';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SimProfile } from './profiles.ts';
import type { SimulatorState } from './state.ts';
import type { Conformance } from './conformance.ts';

const keyCache = new Map<string, { priv: KeyObject; pub: KeyObject }>();
function keyObjects(jwk: Record<string, unknown> & { kid: string }) {
  let k = keyCache.get(jwk.kid);
  if (!k) {
    const priv = createPrivateKey({ key: jwk as never, format: 'jwk' });
    k = { priv, pub: createPublicKey(priv) };
    keyCache.set(jwk.kid, k);
  }
  return k;
}

async function signWithX5c(state: SimulatorState, payload: Record<string, unknown>, typ?: string): Promise<string> {
  const { jwk } = state.signingKey;
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ ...(typ ? { typ } : {}), x5c: jwk.x5c, kid: jwk.kid, alg: 'RS256' })
    .sign(keyObjects(jwk).priv);
}

/** The opaque access token a simulator-issued JWT access token stands for; anything else unchanged. */
export async function unwrapAccessToken(state: SimulatorState, issuer: string, token: string): Promise<string> {
  if (token.split('.').length !== 3) return token;
  for (const { jwk } of state.keys) {
    try {
      const { payload } = await compactVerify(token, keyObjects(jwk).pub);
      const claims = JSON.parse(new TextDecoder().decode(payload)) as { iss?: string; jti?: unknown; client_amr?: unknown };
      if (claims.iss === issuer && typeof claims.jti === 'string' && claims.client_amr !== undefined) return claims.jti;
      return token;
    } catch {
      // not this key
    }
  }
  return token;
}

const PAR_TTL = 120;
/** ID-porten's request_uri prefix; the router maps it back to oidc-provider's at /authorize. */
export const IDPORTEN_PAR_URN = 'urn:idporten:';
export const OIDC_PAR_URN = 'urn:ietf:params:oauth:request_uri:';

/** Shared by all clients: the simulator has no organisation register, so the consumer is one synthetic org. */
export const SIMULATED_CONSUMER = { authority: 'iso6523-actorid-upis', ID: '0192:000000000' };

export function shapeResponses(
  provider: Provider,
  profile: SimProfile,
  state: SimulatorState,
  o: { strict: boolean; loginOrigin: string; subjectOf(clientId: string, accountId: string): string; conformance?: Conformance },
) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    if (profile.id !== 'idporten') return;
    // ID-porten redirects with 302 (its recorded headless response); oidc-provider with 303.
    if (ctx.status === 303) ctx.status = 302;
    const route = ctx.oidc?.route;
    if (!ctx.body || typeof ctx.body !== 'object') return;
    const body = ctx.body as Record<string, unknown>;
    if (route === 'discovery') {
      body.authorization_endpoint = `${o.loginOrigin}${profile.routes.authorization}`;
      body.end_session_endpoint = `${o.loginOrigin}${profile.routes.end_session}`;
      body.frontchannel_logout_supported = true;
      body.frontchannel_logout_session_supported = true;
      body.prompt_values_supported = ['consent', 'login', 'none'];
      body.request_parameter_supported = false;
      return;
    }
    if (route === 'pushed_authorization_request' && ctx.status === 201 && typeof body.request_uri === 'string') {
      // oidc-provider caps a pushed request at 60 s; ID-porten keeps it 120 s.
      const par = await provider.PushedAuthorizationRequest.find(body.request_uri.split(':').at(-1)!);
      if (par) {
        par.exp = Math.floor(Date.now() / 1000) + PAR_TTL;
        await par.save(PAR_TTL);
        body.expires_in = PAR_TTL;
        body.request_uri = `${IDPORTEN_PAR_URN}${par.jti}`;
      }
      return;
    }
    if (route !== 'token' || ctx.status !== 200) return;
    const client = ctx.oidc.client;
    if (!client) return;
    const breakIdToken = o.conformance?.takeArmed(client.clientId) ?? false;
    let accessToken = typeof body.access_token === 'string' ? body.access_token : undefined;
    if (breakIdToken && accessToken) o.conformance?.poison(accessToken, client.clientId);
    if (accessToken) {
      const at = await provider.AccessToken.find(accessToken);
      if (at) {
        const extra = (at.extra ?? {}) as { pid?: string; acr?: string; amr?: string[] };
        const claims: Record<string, unknown> = {
          iss: provider.issuer,
          client_amr: client.clientAuthMethod,
          ...(at.accountId ? { sub: o.subjectOf(client.clientId, at.accountId) } : {}),
          scope: at.scope,
          ...(extra.acr ? { acr: extra.acr } : {}),
          ...(extra.pid ? { pid: extra.pid } : {}),
          client_id: client.clientId,
          consumer: SIMULATED_CONSUMER,
          exp: at.exp,
          iat: at.iat,
          jti: accessToken,
        };
        accessToken = await signWithX5c(state, claims, 'at+jwt');
        body.access_token = accessToken;
      }
    }
    if (typeof body.id_token === 'string') {
      const payload = decodeJwt(body.id_token) as Record<string, unknown>;
      // The new ID-porten sends no at_hash (docs.digdir.no oidc_protocol_nye_idporten).
      delete payload.at_hash;
      const meta = client.metadata() as Record<string, unknown>;
      const source = (ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken) as { sessionUid?: string } | undefined;
      if (payload.sid === undefined && meta.frontchannel_logout_session_required && source?.sessionUid) {
        const session = await provider.Session.findByUid(source.sessionUid);
        const sid = session?.authorizations?.[client.clientId]?.sid;
        if (sid) payload.sid = sid;
      }
      let idToken = await signWithX5c(state, payload);
      if (breakIdToken) {
        // Conformance mode: a deliberately invalid signature (its last characters changed) for a client under test.
        idToken = `${idToken.slice(0, -4)}${idToken.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      }
      body.id_token = idToken;
    }
    if (typeof body.refresh_token === 'string') {
      const rt = await provider.RefreshToken.find(body.refresh_token);
      if (rt?.exp) body.refresh_token_expires_in = rt.exp - Math.floor(Date.now() / 1000);
    }
  };
}
