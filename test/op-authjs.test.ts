// Auth.js (@auth/core), an independent relying party, logs in through eidgate's OpenID Provider to the
// ID-porten simulator. Auth.js runs in-process: its handler is called with Request objects, as a framework
// would, and its cookies are carried between calls; the browser part is walked over HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Auth, type AuthConfig } from '@auth/core';
import type { RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent } from './agent.ts';
import { startBroker, type TestBroker } from './helpers.ts';
import { OIDC_SECRET, oidcClient, walkLogin } from './op-support.ts';
import { startSimulatorFor } from './simulator-support.ts';

const RP = 'https://rp.example';
const AUTHJS_CALLBACK = `${RP}/auth/callback/eidgate`;

/** The relying party's cookie jar (the person's browser, as far as the RP's cookies go). */
class Jar {
  readonly #cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  get header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  names(): string[] {
    return [...this.#cookies.keys()];
  }
}

describe('Auth.js logs in through eidgate', () => {
  let t: TestBroker;
  let sim: RunningSimulator;

  before(async () => {
    t = await startBroker();
    sim = await startSimulatorFor(t, { par: false });
  });
  after(async () => {
    await t.close();
    await sim.close();
  });

  async function authJsLogin(method: 'client_secret_basic' | 'client_secret_post') {
    const { clientId } = await oidcClient(t, { redirectUris: [AUTHJS_CALLBACK], authMethod: method });
    let profile: Record<string, unknown> | undefined;
    const config: AuthConfig = {
      secret: 'authjs-test-secret-0123456789abcdefghijklmnop',
      trustHost: true,
      basePath: '/auth',
      providers: [
        {
          id: 'eidgate',
          name: 'eidgate',
          type: 'oidc',
          issuer: `${t.config.publicUrl}/auth/open`,
          clientId,
          clientSecret: OIDC_SECRET,
          client: { token_endpoint_auth_method: method },
          checks: ['pkce', 'state', 'nonce'],
          authorization: { params: { scope: 'openid profile nin idp-id', acr_values: 'idp:idporten' } },
          profile(p) {
            profile = p;
            return { id: String(p.sub), name: String(p.name) };
          },
        },
      ],
    };
    const jar = new Jar();
    const rp = async (path: string, init: RequestInit = {}) => {
      const res = await Auth(new Request(new URL(path, RP), { ...init, headers: { ...init.headers, cookie: jar.header } }), config);
      jar.take(res);
      return res;
    };
    const { csrfToken } = (await (await rp('/auth/csrf')).json()) as { csrfToken: string };
    const signin = await rp('/auth/signin/eidgate', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${RP}/welcome` }).toString(),
    });
    assert.equal(signin.status, 302);
    const authorize = new URL(signin.headers.get('location')!);
    assert.equal(authorize.origin + authorize.pathname, `${t.config.publicUrl}/auth/open/connect/authorize`);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    const back = await walkLogin(new Agent(), sim, authorize, { stopAt: AUTHJS_CALLBACK });
    const done = await rp(back);
    assert.equal(done.status, 302, await done.clone().text());
    assert.equal(done.headers.get('location'), `${RP}/welcome`);
    assert.ok(
      jar.names().some((n) => n.endsWith('authjs.session-token')),
      `session cookie set: ${jar.names().join(', ')}`,
    );
    return profile;
  }

  for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
    it(`with ${method}, and receives the mapped claims`, async () => {
      const profile = await authJsLogin(method);
      const person = sim.people[0]!;
      assert.ok(profile, 'Auth.js read a profile');
      assert.equal(profile.nin, person.pid);
      assert.equal(profile.idp, 'idporten');
      assert.equal(typeof profile.given_name, 'string');
      assert.equal(profile.acr, 'high');
    });
  }
});
