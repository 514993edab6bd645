// Interop with an independent relying party: Auth.js (@auth/core, on oauth4webapi), served by a plain Node
// HTTP server. It discovers the simulator and does a login on the page, a headless TestID login, a step-up,
// logout by POST at the simulator's end_session_endpoint, and cancel; and a client that sends no PKCE logs in
// through the per-client downgrade (code_challenge_method "none", as Digdir's self-service allows).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { Auth, type AuthConfig } from '@auth/core';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.ts';
import { Agent, formAction } from '../agent.ts';

const SECRET = 'authjs-interop-secret-0123456789abcdef';
const PID = '47906701517';
const OTHER = '21869045745';

interface SessionView {
  user?: unknown;
  pid?: string;
  acr?: string;
  amr?: string[];
  idToken?: string;
}

describe('interop: Auth.js (@auth/core)', () => {
  let sim: RunningSimulator;
  let server: Server;
  let base: string;

  before(async () => {
    server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    sim = await startSimulator({
      port: 0,
      clients: [
        {
          client_id: 'authjs',
          client_secret: SECRET,
          redirect_uris: [`${base}/auth/callback/idporten`],
          post_logout_redirect_uris: [`${base}/logged-out`],
          scope: 'openid profile',
        },
        {
          client_id: 'authjs-nopkce',
          client_secret: SECRET,
          redirect_uris: [`${base}/auth/callback/idporten-nopkce`],
          code_challenge_method: 'none',
        },
      ],
    });
    const provider = (id: string, clientId: string, checks: ('pkce' | 'state' | 'nonce')[]) => ({
      id,
      name: id,
      type: 'oidc' as const,
      issuer: sim.issuer,
      clientId,
      clientSecret: SECRET,
      checks,
      authorization: { params: { scope: 'openid profile', acr_values: 'idporten-loa-substantial', ui_locales: 'en' } },
    });
    const config: AuthConfig = {
      basePath: '/auth',
      secret: 'authjs-interop-session-secret-0123456789',
      trustHost: true,
      providers: [
        provider('idporten', 'authjs', ['pkce', 'state', 'nonce']),
        provider('idporten-nopkce', 'authjs-nopkce', ['state', 'nonce']),
      ],
      callbacks: {
        jwt({ token, profile, account }) {
          if (profile) Object.assign(token, { pid: profile.pid, acr: profile.acr, amr: profile.amr, idToken: account?.id_token });
          return token;
        },
        session({ session, token }) {
          return Object.assign(session, { pid: token.pid, acr: token.acr, amr: token.amr, idToken: token.idToken });
        },
      },
    };
    server.on('request', async (req, res) => {
      const url = new URL(req.url ?? '/', base);
      if (!url.pathname.startsWith('/auth/')) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(url.pathname);
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const response = await Auth(
        new Request(url, { method: req.method, headers, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined }),
        config,
      );
      const out: Record<string, string | string[]> = {};
      response.headers.forEach((v, k) => {
        if (k !== 'set-cookie') out[k] = v;
      });
      out['set-cookie'] = response.headers.getSetCookie();
      res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
    });
  });
  after(async () => {
    await sim.close();
    server.closeAllConnections();
    server.close();
  });

  /** Auth.js's sign-in: a CSRF token, then POST /auth/signin/<provider> (its query goes to the authorization request). */
  async function signIn(agent: Agent, provider: string, params: Record<string, string> = {}) {
    const { csrfToken } = (await (await agent.request(`${base}/auth/csrf`)).json()) as { csrfToken: string };
    const res = await agent.request(`${base}/auth/signin/${provider}?${new URLSearchParams(params)}`, {
      form: { csrfToken, callbackUrl: `${base}/done` },
    });
    assert.equal(res.status, 302);
    return new URL(res.headers.get('location')!);
  }

  const session = async (agent: Agent) => (await (await agent.request(`${base}/auth/session`)).json()) as SessionView | null;

  async function pageLogin(agent: Agent, provider: string, form: Record<string, string>, params: Record<string, string> = {}) {
    const authorize = await signIn(agent, provider, params);
    const page = await agent.follow(authorize);
    assert.match(page.body, /Log in to ID-porten/);
    return agent.follow(formAction(page.body, page.url), { form: { action: 'login', pid: '', ...form } });
  }

  it('logs in on the page', async () => {
    const agent = new Agent();
    const done = await pageLogin(agent, 'idporten', { eid: 'bankid', person: PID });
    assert.equal(done.url, `${base}/done`);
    const s = await session(agent);
    assert.equal(s?.pid, PID);
    assert.equal(s?.acr, 'idporten-loa-high');
    assert.deepEqual(s?.amr, ['BankID']);
  });

  it('logs in headlessly with login_hint=testid:…', async () => {
    const agent = new Agent();
    const authorize = await signIn(agent, 'idporten', { login_hint: `testid:${OTHER}_idporten-loa-high` });
    const atSim = await agent.request(authorize);
    assert.equal(atSim.status, 302, 'one redirect from the simulator');
    const done = await agent.follow(atSim.headers.get('location')!);
    assert.equal(done.url, `${base}/done`);
    assert.equal((await session(agent))?.pid, OTHER);
  });

  it('steps up from substantial to high', async () => {
    const agent = new Agent();
    await pageLogin(agent, 'idporten', { eid: 'testid', person: PID, level: 'idporten-loa-substantial' });
    assert.equal((await session(agent))?.acr, 'idporten-loa-substantial');
    const authorize = await signIn(agent, 'idporten', { acr_values: 'idporten-loa-high' });
    const page = await agent.follow(authorize);
    assert.match(page.body, /Log in to ID-porten/, 'the SSO session is below high: a new login');
    const done = await agent.follow(formAction(page.body, page.url), {
      form: { action: 'login', eid: 'testid', person: PID, pid: '', level: 'idporten-loa-high' },
    });
    assert.equal(done.url, `${base}/done`);
    assert.equal((await session(agent))?.acr, 'idporten-loa-high');
  });

  it('logs out by POST at the end_session_endpoint, ending the SSO session', async () => {
    const agent = new Agent();
    await pageLogin(agent, 'idporten', { eid: 'minid', person: PID });
    const { idToken } = (await session(agent))!;
    const discovery = (await (await fetch(`${sim.issuer}/.well-known/openid-configuration`)).json()) as { end_session_endpoint: string };
    const out = await agent.request(discovery.end_session_endpoint, {
      form: { id_token_hint: idToken!, post_logout_redirect_uri: `${base}/logged-out`, state: 'bye' },
    });
    assert.equal(out.status, 302);
    assert.equal(out.headers.get('location'), `${base}/logged-out?state=bye`);
    const page = await agent.follow(await signIn(agent, 'idporten'));
    assert.match(page.body, /Log in to ID-porten/, 'no silent login after logout');
  });

  it('cancel reaches Auth.js as access_denied and logs no one in', async () => {
    const agent = new Agent();
    const page = await agent.follow(await signIn(agent, 'idporten'));
    const done = await agent.follow(formAction(page.body, page.url), { form: { action: 'cancel' } });
    assert.match(done.url, /\/auth\/(error|signin)/);
    assert.equal((await session(agent))?.pid, undefined);
  });

  it('logs in a client that sends no PKCE through the per-client downgrade', async () => {
    const agent = new Agent();
    const authorize = await signIn(agent, 'idporten-nopkce', { login_hint: `testid:${PID}_idporten-loa-substantial` });
    assert.equal(authorize.searchParams.get('code_challenge'), null, 'Auth.js sends no PKCE for this provider');
    const done = await agent.follow(authorize);
    assert.equal(done.url, `${base}/done`);
    assert.equal((await session(agent))?.pid, PID);
  });
});
