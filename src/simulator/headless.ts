// ID-porten TEST's headless login (docs.digdir.no oidc_func_apitesting): /authorize with
// login_hint=testid:<pid>_<acr> answers with one 302 straight to the redirect_uri, needs no cookie jar,
// creates no SSO session in the browser and clears the one it has (Set-Cookie … Max-Age=0), and always
// logs in the person in the hint. The simulator runs oidc-provider's whole authorization (authorize →
// login → resume) against itself on loopback with a cookie jar of its own, so every check oidc-provider
// makes (client, redirect_uri, PKCE, scope, state and nonce) still applies, and answers the browser once.
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type Provider from 'oidc-provider';

const TESTID = /^testid:/;
/** Marks the loopback requests, so the router runs them as ordinary authorizations (a random value per process). */
export const HEADLESS_HEADER = 'x-simulator-headless';
export const HEADLESS_TOKEN = randomBytes(16).toString('hex');
const PAR_URN = 'urn:ietf:params:oauth:request_uri:';

/** The login_hint of an authorization request: from its query, or from the pushed request it names. */
export async function loginHintOf(provider: Provider, query: URLSearchParams): Promise<string | undefined> {
  const requestUri = query.get('request_uri');
  if (requestUri?.startsWith(PAR_URN)) {
    const par = await provider.PushedAuthorizationRequest.find(requestUri.slice(PAR_URN.length)).catch(() => undefined);
    if (!par?.request) return undefined;
    try {
      const hint = decodeJwt(par.request).login_hint;
      return typeof hint === 'string' ? hint : undefined;
    } catch {
      return undefined;
    }
  }
  return query.get('login_hint') ?? undefined;
}

export const isHeadlessHint = (hint: string | undefined): boolean => TESTID.test(hint ?? '');

/**
 * Follows the authorization on loopback (`self`: the server's own address) until it leaves the simulator.
 * Returns where the browser goes next, or undefined when the flow stopped at a page.
 */
export async function runHeadless(self: string, loginOrigin: string, pathAndQuery: string): Promise<string | undefined> {
  const jar = new Map<string, string>();
  let next = pathAndQuery;
  for (let hop = 0; hop < 6; hop++) {
    const res = await fetch(`${self}${next}`, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), [HEADLESS_HEADER]: HEADLESS_TOKEN },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    await res.arrayBuffer();
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return undefined;
    const target = new URL(location, loginOrigin);
    if (target.origin !== new URL(loginOrigin).origin) return target.href;
    next = `${target.pathname}${target.search}`;
  }
  return undefined;
}
