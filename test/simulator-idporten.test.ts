// The ID-porten profile against ID-porten's documented behaviour (shared/reference/idporten-simulator-fidelity.md
// part 4, items 1–6): logout, headless TestID, keys with x5c and rotation, fixed origins, JWT access and
// refresh tokens, and the token endpoint's rules. Each test names the real behaviour it checks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import * as oidc from 'openid-client';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, createRemoteJWKSet } from 'jose';
import { startSimulator, type RunningSimulator, type SimulatorClient } from '../src/simulator/simulator.ts';
import { Agent, formAction } from './agent.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';
const AFTER_LOGOUT = 'http://127.0.0.1:9/logged-out';
const SECRET = 'simulator-test-secret-0123456789abcdef';
const PID = '47906701517';
const RFC_VERIFIER = 'dBjftJeZ4CZP-mJ0EuSOP0dL-Y8blM4lcyWwAfs_9Zs';
const CHALLENGE = createHash('sha256').update(RFC_VERIFIER).digest('base64url');

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const basic = (id: string, secret = SECRET) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('ID-porten simulator: ID-porten behaviour', () => {
  let sim: RunningSimulator;
  let lenient: RunningSimulator;
  let rpKey: CryptoKey;
  let backchannel: Server;
  const logoutTokens: string[] = [];

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    rpKey = privateKey;
    backchannel = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    }).listen(0, '127.0.0.1');
    await once(backchannel, 'listening');
    const bcPort = (backchannel.address() as { port: number }).port;
    const port = await freePort();
    const common = { redirect_uris: [REDIRECT], post_logout_redirect_uris: [AFTER_LOGOUT] };
    const clients: SimulatorClient[] = [
      {
        client_id: 'rp',
        client_secret: SECRET,
        ...common,
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid profile idporten:token.introspection',
      },
      { client_id: 'rp-post', client_secret: SECRET, ...common, token_endpoint_auth_method: 'client_secret_post', scope: 'openid profile' },
      {
        client_id: 'rp-jwt',
        ...common,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] },
      },
      { client_id: 'rp-nopkce', client_secret: SECRET, ...common, code_challenge_method: 'none' },
      {
        client_id: 'rp-fc',
        client_secret: SECRET,
        ...common,
        frontchannel_logout_uri: 'http://127.0.0.1:9/fc-logout',
        frontchannel_logout_session_required: true,
      },
      { client_id: 'rp-bc', client_secret: SECRET, ...common, backchannel_logout_uri: `http://127.0.0.1:${bcPort}/bc` },
    ];
    sim = await startSimulator({ port, issuer: `http://localhost:${port}`, loginUrl: `http://127.0.0.1:${port}`, clients });
    lenient = await startSimulator({ port: 0, clients, lenient: true });
  });
  after(async () => {
    await Promise.all([sim.close(), lenient.close()]);
    backchannel.close();
  });

  /** An authorization request's URL on the browser-facing origin. */
  function authorizeUrl(s: RunningSimulator, clientId: string, extra: Record<string, string> = {}) {
    const q = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      state: 'st',
      nonce: 'no',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      ...extra,
    });
    for (const [k, v] of [...q]) if (v === '') q.delete(k);
    return `${s.loginUrl}/authorize?${q}`;
  }

  /** A code by headless TestID (one request, no cookie jar). */
  async function headlessCode(s: RunningSimulator, clientId: string, extra: Record<string, string> = {}, pid = PID) {
    const res = await fetch(authorizeUrl(s, clientId, { login_hint: `testid:${pid}_idporten-loa-high`, ...extra }), { redirect: 'manual' });
    assert.equal(res.status, 302, `headless answer for ${clientId}`);
    const loc = new URL(res.headers.get('location')!);
    return { loc, res, code: loc.searchParams.get('code') };
  }

  async function token(s: RunningSimulator, form: Record<string, string>, auth?: string) {
    const res = await fetch(`${s.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) },
      body: new URLSearchParams(form),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const codeGrant = (code: string, extra: Record<string, string> = {}) => ({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    code_verifier: RFC_VERIFIER,
    ...extra,
  });

  async function tokensFor(clientId = 'rp') {
    const { code } = await headlessCode(sim, clientId);
    const r = await token(sim, codeGrant(code!), basic(clientId));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { access_token: string; id_token: string; refresh_token?: string; refresh_token_expires_in?: number };
  }

  /** An interactive login in an agent (the browser), leaving an SSO session in its jar. */
  async function browserLogin(agent: Agent, clientId: string) {
    const page = await agent.follow(authorizeUrl(sim, clientId, { ui_locales: 'en' }), {}, REDIRECT);
    const done = await agent.follow(
      formAction(page.body, page.url),
      { form: { action: 'login', eid: 'testid', person: PID, pid: '' } },
      REDIRECT,
    );
    const code = new URL(done.url).searchParams.get('code')!;
    const r = await token(sim, codeGrant(code), basic(clientId));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { access_token: string; id_token: string };
  }

  describe('logout (docs.digdir.no oidc_protocol_logout)', () => {
    it('accepts POST, ends the SSO session without asking, and redirects to the registered uri with state', async () => {
      const agent = new Agent();
      const tokens = await browserLogin(agent, 'rp');
      const res = await agent.request(`${sim.loginUrl}/logout`, {
        form: { id_token_hint: tokens.id_token, post_logout_redirect_uri: AFTER_LOGOUT, state: 'bye' },
      });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), `${AFTER_LOGOUT}?state=bye`);
      // The session is gone: a silent authorization now needs a login.
      const silent = await agent.request(authorizeUrl(sim, 'rp', { prompt: 'none' }));
      assert.equal(new URL(silent.headers.get('location')!).searchParams.get('error'), 'login_required');
      // And the tokens of the session are revoked.
      const info = await fetch(`${sim.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(info.status, 401);
    });

    it('by GET too, with no confirmation page and nothing loaded from outside', async () => {
      const agent = new Agent();
      const tokens = await browserLogin(agent, 'rp');
      const q = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: AFTER_LOGOUT });
      const res = await agent.request(`${sim.loginUrl}/logout?${q}`);
      const body = await res.text();
      assert.equal(res.status, 302, body);
      assert.equal(res.headers.get('location'), AFTER_LOGOUT);
      assert.doesNotMatch(body, /fonts\.googleapis|sign-out|Yes, sign me out/i);
    });

    it('refuses, with an error page and no redirect, when the browser brings no ID-porten session', async () => {
      const tokens = await tokensFor('rp');
      const res = await fetch(`${sim.loginUrl}/logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: AFTER_LOGOUT, state: 'x', ui_locales: 'en' }),
      });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
      assert.match(await res.text(), /no ID-porten login/);
    });

    it('front-channel: an iframe uri?iss&sid per client, with the sid of its id_token, and says so in discovery', async () => {
      const agent = new Agent();
      const tokens = await browserLogin(agent, 'rp-fc');
      const sid = decodeJwt(tokens.id_token).sid;
      assert.ok(typeof sid === 'string' && sid.length > 0, 'a front-channel client gets sid');
      assert.equal(decodeJwt((await browserLogin(new Agent(), 'rp')).id_token).sid, undefined, 'other clients get no sid');
      const res = await agent.request(`${sim.loginUrl}/logout`, {
        form: { id_token_hint: tokens.id_token, post_logout_redirect_uri: AFTER_LOGOUT },
      });
      const body = await res.text();
      assert.equal(res.status, 200);
      const src = /<iframe[^>]*src="([^"]+)"/.exec(body)?.[1]?.replaceAll('&amp;', '&');
      const frame = new URL(src!);
      assert.equal(frame.pathname, '/fc-logout');
      assert.equal(frame.searchParams.get('iss'), sim.issuer);
      assert.equal(frame.searchParams.get('sid'), sid);
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-src http:\/\/127\.0\.0\.1:9/);
      assert.match(body, new RegExp(`url=${AFTER_LOGOUT.replace(/[.]/g, '\\.')}`));
      const d = (await (await fetch(`${sim.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(d.frontchannel_logout_supported, true);
      assert.equal(d.frontchannel_logout_session_supported, true);
    });

    it('back-channel: a logout+jwt token with sid and the logout event, to the registered uri', async () => {
      const agent = new Agent();
      const tokens = await browserLogin(agent, 'rp-bc');
      const before = logoutTokens.length;
      await agent.request(`${sim.loginUrl}/logout`, { form: { id_token_hint: tokens.id_token } });
      assert.equal(logoutTokens.length, before + 1);
      const lt = logoutTokens.at(-1)!;
      assert.equal(decodeProtectedHeader(lt).typ, 'logout+jwt');
      const claims = decodeJwt(lt);
      assert.equal(claims.sid, decodeJwt(tokens.id_token).sid);
      assert.equal(claims.sub, decodeJwt(tokens.id_token).sub);
      assert.ok((claims.events as Record<string, unknown>)['http://schemas.openid.net/event/backchannel-logout']);
    });

    it('refuses client metadata it would not honour, rather than ignoring it', async () => {
      await assert.rejects(
        startSimulator({
          port: 0,
          clients: [{ client_id: 'x', client_secret: SECRET, redirect_uris: [REDIRECT], frontchannel_logout_url: 'typo' } as never],
        }),
        /does not support frontchannel_logout_url/,
      );
    });
  });

  describe('headless TestID (docs.digdir.no oidc_func_apitesting)', () => {
    it('answers /authorize with one 302 to the redirect_uri, needing no cookie jar, and clears the session cookies', async () => {
      const { loc, res } = await headlessCode(sim, 'rp');
      assert.equal(`${loc.origin}${loc.pathname}`, REDIRECT);
      assert.ok(loc.searchParams.get('code'));
      assert.equal(loc.searchParams.get('state'), 'st');
      assert.equal(loc.searchParams.get('iss'), sim.issuer);
      const cookies = res.headers.getSetCookie();
      assert.ok(
        cookies.some((c) => /^_session=;/.test(c) && /max-age=0/i.test(c)),
        cookies.join(' | '),
      );
      assert.ok(!cookies.some((c) => /^_session=[^;]/.test(c)), 'no session cookie is set');
    });

    it('logs in the person in the hint even when the browser has a session for another', async () => {
      const agent = new Agent();
      await browserLogin(agent, 'rp');
      const other = '21869045745';
      const res = await agent.request(authorizeUrl(sim, 'rp', { login_hint: `testid:${other}_idporten-loa-substantial` }));
      assert.equal(res.status, 302);
      const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
      const r = await token(sim, codeGrant(code), basic('rp'));
      assert.equal(decodeJwt(r.body.id_token as string).pid, other);
      assert.equal(decodeJwt(r.body.id_token as string).acr, 'idporten-loa-substantial');
    });

    it('works through PAR too', async () => {
      const par = await fetch(`${sim.issuer}/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('rp') },
        body: new URLSearchParams(new URL(authorizeUrl(sim, 'rp', { login_hint: `testid:${PID}_idporten-loa-high` })).searchParams),
      });
      const { request_uri, expires_in } = (await par.json()) as { request_uri: string; expires_in: number };
      assert.equal(expires_in, 120, "ID-porten's PAR lifetime");
      const res = await fetch(`${sim.loginUrl}/authorize?${new URLSearchParams({ client_id: 'rp', request_uri })}`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.ok(new URL(res.headers.get('location')!).searchParams.get('code'));
    });
  });

  describe('keys and tokens (oidc_guide_idporten, oidc_protocol_access_token)', () => {
    it('publishes x5c in the JWKS, matching each key, and signs the id_token with x5c in its header', async () => {
      const jwks = (await (await fetch(`${sim.issuer}/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
      assert.ok(jwks.keys.length >= 2, 'the next key is published ahead of use');
      for (const k of jwks.keys) {
        const cert = new X509Certificate(Buffer.from((k.x5c as string[])[0]!, 'base64'));
        assert.ok(cert.publicKey.equals(createPublicKey({ key: k as never, format: 'jwk' })), 'x5c certifies the key');
        assert.equal(k.d, undefined, 'no private parts');
      }
      const { id_token } = await tokensFor();
      const header = decodeProtectedHeader(id_token);
      assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'x5c']);
      await jwtVerify(id_token, createRemoteJWKSet(new URL(`${sim.issuer}/jwks.json`)), { issuer: sim.issuer, audience: 'rp' });
    });

    it('issues a JWT access token with pid, acr, scope, client_id, client_amr and consumer; userinfo takes it', async () => {
      const { access_token } = await tokensFor();
      const header = decodeProtectedHeader(access_token);
      assert.ok(header.x5c && header.kid);
      const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(`${sim.issuer}/jwks.json`)), { issuer: sim.issuer });
      assert.equal(payload.pid, PID);
      assert.equal(payload.acr, 'idporten-loa-high');
      assert.equal(payload.client_id, 'rp');
      assert.equal(payload.client_amr, 'client_secret_basic');
      assert.equal(payload.aud, undefined, "a login-only token has no aud (Digdir's decoded example)");
      assert.equal(payload.sub, decodeJwt((await tokensFor()).id_token).sub);
      assert.equal(payload.scope, 'openid profile');
      assert.ok(payload.consumer);
      const info = await fetch(`${sim.issuer}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
      assert.equal(((await info.json()) as { pid: string }).pid, PID);
    });

    it('issues rotating refresh tokens (600 s) to clients with the grant, and none to others', async () => {
      const t = await tokensFor('rp');
      assert.ok(t.refresh_token);
      assert.ok(t.refresh_token_expires_in! > 590 && t.refresh_token_expires_in! <= 600);
      const r = await token(sim, { grant_type: 'refresh_token', refresh_token: t.refresh_token! }, basic('rp'));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.refresh_token && r.body.refresh_token !== t.refresh_token, 'rotated');
      assert.equal(decodeJwt(r.body.id_token as string).pid, PID);
      const replay = await token(sim, { grant_type: 'refresh_token', refresh_token: t.refresh_token! }, basic('rp'));
      assert.equal(replay.body.error, 'invalid_grant');
      assert.equal((await tokensFor('rp-nopkce').catch(() => ({ refresh_token: 'x' }))).refresh_token, undefined);
    });

    it('lets only clients with idporten:token.introspection introspect', async () => {
      const { access_token } = await tokensFor('rp');
      const introspect = (auth: string, form: Record<string, string> = {}) =>
        fetch(`${sim.issuer}/token/introspect`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) },
          body: new URLSearchParams({ token: access_token, ...form }),
        });
      const ok = (await (await introspect(basic('rp'))).json()) as Record<string, unknown>;
      assert.equal(ok.active, true);
      assert.equal(ok.pid, PID);
      const refused = await introspect(basic('rp-nopkce'));
      assert.notEqual(((await refused.json()) as { active?: boolean }).active, true);
    });

    it('rotates keys on request: the next key signs, the old one stays verifiable', async () => {
      const before = decodeProtectedHeader((await tokensFor()).id_token).kid;
      const jwksBefore = (await (await fetch(`${sim.issuer}/jwks.json`)).json()) as { keys: { kid: string }[] };
      const res = await fetch(`${sim.issuer}/simulator/rotate-keys`, { method: 'POST' });
      assert.equal(res.status, 200);
      const after = decodeProtectedHeader((await tokensFor()).id_token).kid;
      assert.notEqual(after, before);
      assert.equal(after, jwksBefore.keys[1]!.kid, 'the published next key took over');
      const kids = ((await (await fetch(`${sim.issuer}/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
      assert.ok(kids.includes(before!), 'the old key is still published');
    });
  });

  describe('origins (S19, S20)', () => {
    it('names /authorize and /logout on the login origin and the rest on the issuer, whatever the Host header', async () => {
      for (const host of [undefined, 'evil.example:1234']) {
        const res = await fetch(`${sim.issuer}/.well-known/openid-configuration`, { headers: host ? { host } : {} });
        const d = (await res.json()) as Record<string, string>;
        assert.equal(d.issuer, sim.issuer);
        assert.equal(d.authorization_endpoint, `${sim.loginUrl}/authorize`);
        assert.equal(d.end_session_endpoint, `${sim.loginUrl}/logout`);
        assert.equal(d.token_endpoint, `${sim.issuer}/token`);
        assert.equal(d.pushed_authorization_request_endpoint, `${sim.issuer}/par`);
        assert.equal(d.jwks_uri, `${sim.issuer}/jwks.json`);
      }
      assert.notEqual(new URL(sim.loginUrl).origin, new URL(sim.issuer).origin);
    });
  });

  describe("the token endpoint's rules (oidc_protocol_token, oidc_protocol_nye_idporten)", () => {
    it('requires redirect_uri', async () => {
      const { code } = await headlessCode(sim, 'rp');
      const r = await token(sim, codeGrant(code!, { redirect_uri: '' }), basic('rp'));
      assert.equal(r.body.error, 'invalid_request');
      assert.match(String(r.body.error_description), /redirect_uri/);
    });

    it('requires the registered authentication method', async () => {
      const { code } = await headlessCode(sim, 'rp');
      const r = await token(sim, codeGrant(code!, { client_id: 'rp', client_secret: SECRET }));
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_client');
      assert.match(String(r.body.error_description), /client_secret_basic/);
    });

    const assertion = (lifetime: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer('rp-jwt')
        .setSubject('rp-jwt')
        .setAudience(sim.issuer)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + lifetime)
        .setJti(crypto.randomUUID())
        .sign(rpKey);
    const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

    it('requires client_id beside client_assertion, and assertions living at most 120 s', async () => {
      let { code } = await headlessCode(sim, 'rp-jwt');
      let r = await token(sim, codeGrant(code!, { client_assertion_type: JWT_BEARER, client_assertion: await assertion(60) }));
      assert.equal(r.body.error, 'invalid_request');
      assert.match(String(r.body.error_description), /client_id/);
      r = await token(
        sim,
        codeGrant(code!, { client_id: 'rp-jwt', client_assertion_type: JWT_BEARER, client_assertion: await assertion(300) }),
      );
      assert.equal(r.body.error, 'invalid_client');
      assert.match(String(r.body.error_description), /120/);
      ({ code } = await headlessCode(sim, 'rp-jwt'));
      r = await token(
        sim,
        codeGrant(code!, { client_id: 'rp-jwt', client_assertion_type: JWT_BEARER, client_assertion: await assertion(100) }),
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
    });

    it('requires state and nonce', async () => {
      for (const missing of ['state', 'nonce']) {
        const res = await fetch(authorizeUrl(sim, 'rp', { [missing]: '' }), { redirect: 'manual' });
        const loc = new URL(res.headers.get('location')!);
        assert.equal(loc.searchParams.get('error'), 'invalid_request', missing);
        assert.match(loc.searchParams.get('error_description') ?? '', new RegExp(missing));
      }
    });

    it('lets a client downgraded to code_challenge_method none log in without PKCE; others still need it', async () => {
      const noPkce = { code_challenge: '', code_challenge_method: '', login_hint: `testid:${PID}_idporten-loa-substantial` };
      let res = await fetch(authorizeUrl(sim, 'rp-nopkce', noPkce), { redirect: 'manual' });
      const code = new URL(res.headers.get('location')!).searchParams.get('code');
      assert.ok(code, res.headers.get('location') ?? '');
      const r = await token(sim, { grant_type: 'authorization_code', code: code!, redirect_uri: REDIRECT }, basic('rp-nopkce'));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      res = await fetch(authorizeUrl(sim, 'rp', noPkce), { redirect: 'manual' });
      assert.match(new URL(res.headers.get('location')!).searchParams.get('error_description') ?? '', /PKCE/);
    });

    it('refuses parameters repeated beside a PAR request_uri', async () => {
      const par = await fetch(`${sim.issuer}/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('rp') },
        body: new URLSearchParams(new URL(authorizeUrl(sim, 'rp')).searchParams),
      });
      const { request_uri } = (await par.json()) as { request_uri: string };
      const res = await fetch(`${sim.loginUrl}/authorize?${new URLSearchParams({ client_id: 'rp', request_uri, scope: 'openid' })}`, {
        redirect: 'manual',
      });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /only client_id/);
    });

    it("in lenient mode, takes oidc-provider's defaults instead", async () => {
      const res = await fetch(authorizeUrl(lenient, 'rp', { login_hint: `testid:${PID}_idporten-loa-high`, state: '', nonce: '' }), {
        redirect: 'manual',
      });
      const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
      assert.ok(code);
      const r = await token(lenient, codeGrant(code, { redirect_uri: '', client_id: 'rp', client_secret: SECRET }));
      assert.equal(r.status, 200, JSON.stringify(r.body));
    });
  });

  it('an ordinary relying party (openid-client) still logs in through it', async () => {
    const config = await oidc.discovery(new URL(sim.issuer), 'rp', undefined, oidc.ClientSecretBasic(SECRET), {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 's1',
      nonce: 'n1',
      login_hint: `testid:${PID}_idporten-loa-high`,
    });
    assert.equal(url.origin, new URL(sim.loginUrl).origin);
    const res = await fetch(url, { redirect: 'manual' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(res.headers.get('location')!), {
      pkceCodeVerifier: verifier,
      expectedState: 's1',
      expectedNonce: 'n1',
    });
    assert.equal(tokens.claims()!.pid, PID);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.equal(refreshed.claims()!.pid, PID);
  });
});
