// eidgate as an OpenID Provider, driven by an independent relying party (openid-client) through the hosted
// journey to the ID-porten simulator: code flow with PKCE, with and without PAR, every client
// authentication method, the mapped claims, cancel, logout, the refusals, and the token endpoint shared
// with the API's client-credentials grant.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import type { RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent, formAction } from './agent.ts';
import { getToken, onPostgres, startBroker, type TestBroker } from './helpers.ts';
import { discover, OIDC_SECRET, oidcClient, RP_CALLBACK, RP_LOGGED_OUT, walkLogin } from './op-support.ts';
import { startSimulatorFor } from './simulator-support.ts';

const SCOPE = 'openid profile nin idp-id idporten';

describe('OpenID Provider', () => {
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

  /** One login by openid-client: authorization URL (PAR or not), the browser part, the code exchange. */
  async function login(config: oidc.Configuration, opts: { par?: boolean; extra?: Record<string, string> } = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const params = {
      redirect_uri: RP_CALLBACK,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      acr_values: 'idp:idporten',
      ...opts.extra,
    };
    const url = opts.par ? await oidc.buildAuthorizationUrlWithPAR(config, params) : oidc.buildAuthorizationUrl(config, params);
    const back = await walkLogin(new Agent(), sim, url);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    return { tokens, back };
  }

  /** The hosted journey's chooser a client's login lands on (idporten and nbid asked for), in a fresh browser. */
  async function chooserPage(clientId: string, uiLocales: string) {
    const config = await discover(t, clientId, oidc.ClientSecretBasic(OIDC_SECRET));
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      acr_values: 'idp:idporten idp:nbid',
      ui_locales: uiLocales,
    });
    return new Agent().follow(url);
  }

  it('one browser logs in to two clients in turn (a different subject at each): both logins finish, with no page in between', async () => {
    // Pairwise subjects differ per client, so the OP's session of the first login names another account than
    // the second: oidc-provider would answer with its self-submitting logout form (an inline script our CSP
    // forbids). Every login is a new eID login, so the second one replaces the first's session instead.
    const agent = new Agent();
    const subjects: string[] = [];
    for (const client of [await oidcClient(t), await oidcClient(t)]) {
      const config = await discover(t, client.clientId, oidc.ClientSecretBasic(OIDC_SECRET));
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: RP_CALLBACK,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        acr_values: 'idp:idporten',
      });
      const back = await walkLogin(agent, sim, url);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(back), { pkceCodeVerifier: verifier, expectedState: state });
      subjects.push(String(tokens.claims()?.sub));
    }
    assert.notEqual(subjects[0], subjects[1], 'pairwise: one subject per client');
  });

  it('discovery is the OP’s, at Signicat’s paths, and still advertises the API’s client_credentials', async () => {
    const res = await fetch(`${t.base}/auth/open/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const d = (await res.json()) as Record<string, unknown>;
    const issuer = `${t.config.publicUrl}/auth/open`;
    assert.equal(d.issuer, issuer);
    assert.equal(d.authorization_endpoint, `${issuer}/connect/authorize`);
    assert.equal(d.token_endpoint, `${issuer}/connect/token`);
    assert.equal(d.userinfo_endpoint, `${issuer}/connect/userinfo`);
    assert.equal(d.pushed_authorization_request_endpoint, `${issuer}/connect/par`);
    assert.equal(d.end_session_endpoint, `${issuer}/connect/endsession`);
    assert.equal(d.revocation_endpoint, `${issuer}/connect/revocation`);
    assert.equal(d.introspection_endpoint, `${issuer}/connect/introspect`);
    assert.equal(d.jwks_uri, `${issuer}/.well-known/openid-configuration/jwks`);
    assert.ok((d.grant_types_supported as string[]).includes('client_credentials'));
    assert.ok((d.grant_types_supported as string[]).includes('authorization_code'));
    assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
    assert.equal(d.authorization_response_iss_parameter_supported, true);
    assert.deepEqual((d.id_token_signing_alg_values_supported as string[]).sort(), ['ES256', 'RS256']);
    for (const m of ['client_secret_basic', 'client_secret_post', 'private_key_jwt']) {
      assert.ok((d.token_endpoint_auth_methods_supported as string[]).includes(m), m);
    }
    // One JWKS: the API tokens' key and the id_tokens' keys.
    const jwks = (await (await fetch(d.jwks_uri as string)).json()) as { keys: { alg: string; d?: string }[] };
    assert.deepEqual(jwks.keys.map((k) => k.alg).sort(), ['ES256', 'ES256', 'RS256']);
    assert.ok(
      jwks.keys.every((k) => k.d === undefined),
      'no private key members',
    );
  });

  it('the API’s client_credentials grant still works at the shared token endpoint', async () => {
    assert.ok(await getToken(t.base, t.clientId, t.clientSecret));
  });

  it('openid-client logs in with client_secret_basic, without PAR, and receives the mapped claims', async () => {
    const { clientId } = await oidcClient(t);
    const config = await discover(t, clientId, oidc.ClientSecretBasic(OIDC_SECRET));
    const { tokens, back } = await login(config);
    assert.equal(new URL(back).searchParams.get('iss'), `${t.config.publicUrl}/auth/open`, 'RFC 9207 iss');
    const claims = tokens.claims()!;
    const person = sim.people[0]!;
    assert.equal(claims.acr, 'high', 'the level reached (BankID)');
    assert.equal(claims.idp, 'idporten');
    assert.equal(claims.nin, person.pid);
    assert.equal(claims.nin_type, 'BIRTH');
    assert.equal(claims.nin_issuing_country, 'NO');
    assert.equal(typeof claims.name, 'string');
    assert.equal(typeof claims.idporten_sub, 'string');
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.nin, person.pid);
    assert.equal(info.family_name, claims.family_name);
  });

  it('openid-client logs in with PAR and client_secret_post', async () => {
    const { clientId } = await oidcClient(t, { authMethod: 'client_secret_post' });
    const config = await discover(t, clientId, oidc.ClientSecretPost(OIDC_SECRET));
    const { tokens } = await login(config, { par: true });
    assert.equal(tokens.claims()?.idp, 'idporten');
  });

  it('openid-client logs in with private_key_jwt, with PAR, and receives an ES256 id_token', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rp-key-1', alg: 'ES256', use: 'sig' };
    const { clientId, secret } = await oidcClient(t, { authMethod: 'private_key_jwt', jwks: { keys: [jwk] }, idTokenAlg: 'ES256' });
    assert.equal(secret, undefined, 'a private_key_jwt client has no secret');
    const config = await discover(t, clientId, oidc.PrivateKeyJwt({ key: privateKey, kid: 'rp-key-1' }), {
      id_token_signed_response_alg: 'ES256',
    });
    const { tokens } = await login(config, { par: true });
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()) as { alg: string };
    assert.equal(header.alg, 'ES256');
    assert.equal(tokens.claims()?.idp, 'idporten');
  });

  it('a client secret that is wrong is refused at the token endpoint (invalid_client)', async () => {
    const { clientId } = await oidcClient(t);
    const config = await discover(t, clientId, oidc.ClientSecretBasic(`${OIDC_SECRET}-wrong`));
    // 401 with a WWW-Authenticate challenge naming invalid_client (RFC 6749 §5.2).
    await assert.rejects(login(config), (e: Error & { cause?: { parameters?: { error?: string } }[] }) => {
      assert.equal(e.cause?.[0]?.parameters?.error, 'invalid_client', String(e));
      return true;
    });
  });

  it('repeated wrong secrets at the OP lock the client, like the API clients: then even the right secret is refused (429)', async () => {
    const { clientId } = await oidcClient(t);
    const attempt = (secret: string) =>
      fetch(`${t.base}/auth/open/connect/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: RP_CALLBACK }),
      });
    for (let i = 0; i < 10; i++) assert.equal((await attempt('wrong-secret')).status, 401, `attempt ${i}`);
    const locked = await attempt(OIDC_SECRET);
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    // Another client is not locked (this process's address is under its own, higher limit).
    const other = await oidcClient(t);
    const config = await discover(t, other.clientId, oidc.ClientSecretBasic(OIDC_SECRET));
    assert.ok((await login(config)).tokens.access_token);
  });

  it('sub is pairwise per client by default, public on request, and stable across logins', async () => {
    const a = await oidcClient(t);
    const b = await oidcClient(t);
    const pub = await oidcClient(t, { subjectType: 'public' });
    const subOf = async (c: { clientId: string }) =>
      (await login(await discover(t, c.clientId, oidc.ClientSecretBasic(OIDC_SECRET)))).tokens.claims()!.sub;
    const [a1, a2, b1, p1] = [await subOf(a), await subOf(a), await subOf(b), await subOf(pub)];
    assert.equal(a1, a2);
    assert.notEqual(a1, b1);
    assert.notEqual(a1, p1);
    assert.notEqual(b1, p1);
  });

  it('only claims on the client’s allow-list reach it, whatever the scopes', async () => {
    const { clientId } = await oidcClient(t, { claims: ['name', 'idp'] });
    const config = await discover(t, clientId, oidc.ClientSecretBasic(OIDC_SECRET));
    const { tokens } = await login(config);
    const claims = tokens.claims()!;
    assert.equal(typeof claims.name, 'string');
    assert.equal(claims.idp, 'idporten');
    for (const c of ['nin', 'nin_type', 'given_name', 'birthdate', 'idporten_sub']) assert.equal(claims[c], undefined, c);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.nin, undefined);
  });

  it('a legacy client with PKCE switched off logs in without a code_challenge', async () => {
    const { clientId } = await oidcClient(t, { pkceRequired: false });
    const config = await discover(t, clientId, oidc.ClientSecretBasic(OIDC_SECRET));
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: RP_CALLBACK, scope: SCOPE, state, acr_values: 'idp:idporten' });
    const back = await walkLogin(new Agent(), sim, url);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back), { expectedState: state });
    assert.equal(tokens.claims()?.idp, 'idporten');
  });

  it('cancel at the provider returns access_denied to the relying party', async () => {
    const { clientId } = await oidcClient(t);
    const config = await discover(t, clientId, oidc.ClientSecretBasic(OIDC_SECRET));
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'st',
      acr_values: 'idp:idporten',
    });
    const back = new URL(await walkLogin(new Agent(), sim, url, { action: 'cancel' }));
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), 'st');
    await assert.rejects(
      oidc.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: 'st' }),
      (e: Error & { error?: string }) => e.error === 'access_denied',
    );
  });

  it('RP-initiated logout ends the session: its tokens stop working and the RP gets its post-logout redirect', async () => {
    const { clientId } = await oidcClient(t);
    const config = await discover(t, clientId, oidc.ClientSecretBasic(OIDC_SECRET));
    const agent = new Agent();
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      acr_values: 'idp:idporten',
    });
    const back = await walkLogin(agent, sim, url);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back), { pkceCodeVerifier: verifier });
    const sub = tokens.claims()!.sub;
    assert.ok(await oidc.fetchUserInfo(config, tokens.access_token, sub));
    const end = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP_LOGGED_OUT, state: 'bye' });
    const page = await agent.follow(end, {}, RP_LOGGED_OUT);
    assert.equal(page.response?.status, 200, page.body.slice(0, 300));
    assert.match(page.response?.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)?.[1];
    assert.ok(xsrf, page.body);
    const form = /<form[^>]*action="([^"]+)"/.exec(page.body)![1]!;
    const done = await agent.follow(new URL(form, page.url), { form: { xsrf, logout: 'yes' } }, RP_LOGGED_OUT);
    assert.equal(done.url, `${RP_LOGGED_OUT}?state=bye`);
    await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, sub));
  });

  it('several idp: values show the chooser of the hosted journey, in the language of ui_locales', async () => {
    const { clientId } = await oidcClient(t);
    const page = await chooserPage(clientId, 'nn-NO en');
    assert.equal(page.response?.status, 200);
    assert.match(new URL(page.url).pathname, /^\/login\//, 'the hosted journey');
    assert.match(page.body, /<html lang="nn">/);
    assert.match(page.body, /value="idporten"/);
    assert.match(page.body, /value="nbid"/);
    assert.doesNotMatch(page.body, /value="ansattporten"/, 'only the providers asked for');
  });

  it("the client's own name, logo and links go over the account's on the journey's pages", async () => {
    const { clientId } = await oidcClient(t);
    await t.broker.oidcClients.setBranding(clientId, {
      displayName: ['en=Kommune Parkering'],
      logoUrl: 'https://logo.kommune.example/parkering.svg',
      privacyUrl: 'https://kommune.example/personvern',
    });
    const page = await chooserPage(clientId, 'en');
    assert.equal(page.response?.status, 200);
    assert.match(page.body, /Kommune Parkering/, "the client's name");
    assert.match(page.body, /src="https:\/\/logo\.kommune\.example\/parkering\.svg"/, "the client's logo");
    assert.match(page.body, /href="https:\/\/kommune\.example\/personvern"/, "the client's privacy page");
    assert.match(page.response?.headers.get('content-security-policy') ?? '', /img-src[^;]*https:\/\/logo\.kommune\.example/);

    const otherPage = await chooserPage((await oidcClient(t)).clientId, 'en');
    assert.doesNotMatch(otherPage.body, /Kommune Parkering/, "another client of the account keeps the account's name");
  });

  it('login_hint with a national identity number pre-fills it in the session; level and providers come from acr_values', async () => {
    const { clientId } = await oidcClient(t);
    const config = await discover(t, clientId, oidc.ClientSecretBasic(OIDC_SECRET));
    const pid = sim.people[0]!.pid;
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      acr_values: 'idp:idporten high',
      login_hint: pid,
    });
    const atLogin = await new Agent().follow(url, {}, `${t.config.publicUrl}/login/`);
    const sessionId = new URL(atLogin.url).pathname.split('/')[2]!;
    const session = await t.broker.sessions.find(sessionId);
    assert.ok(session, atLogin.url);
    assert.deepEqual(session.request.prefilledInput, { nin: pid });
    assert.equal(session.request.requestedLoa, 'high');
    assert.deepEqual(session.request.allowedProviders, ['idporten']);
    assert.deepEqual(session.request.tags, ['oidc', `oidc-client:${clientId}`]);
  });

  describe('refusals', () => {
    let clientId: string;
    let config: oidc.Configuration;
    before(async () => {
      ({ clientId } = await oidcClient(t, { allowedProviders: ['idporten'], allowedLevels: ['substantial', 'high'] }));
      config = await discover(t, clientId, oidc.ClientSecretBasic(OIDC_SECRET));
    });
    const challenge = async () => oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier());
    const authorize = (params: Record<string, string>) =>
      new URL(
        `${t.config.publicUrl}/auth/open/connect/authorize?${new URLSearchParams({ response_type: 'code', scope: 'openid', ...params })}`,
      );
    /** Where the browser ends: the RP's callback with its error, or the page eidgate shows. */
    const outcome = (url: URL) => new Agent().follow(url, {}, RP_CALLBACK);

    it('an unknown client gets a page, no redirect', async () => {
      const r = await outcome(
        authorize({
          client_id: 'no-such-client',
          redirect_uri: RP_CALLBACK,
          code_challenge: await challenge(),
          code_challenge_method: 'S256',
        }),
      );
      assert.equal(r.response?.status, 400);
      assert.match(r.response?.headers.get('content-type') ?? '', /text\/html/);
      assert.match(r.body, /invalid_client/);
    });

    it('an unregistered redirect URI gets a page, never a redirect there', async () => {
      const r = await new Agent().follow(
        authorize({
          client_id: clientId,
          redirect_uri: 'https://evil.example/cb',
          code_challenge: await challenge(),
          code_challenge_method: 'S256',
        }),
        {},
        'https://evil.example',
      );
      assert.equal(r.response?.status, 400);
      assert.match(r.body, /redirect_uri/);
    });

    for (const [label, pkce] of [
      ['no PKCE', {}],
      ['plain PKCE', { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }],
    ] as const) {
      it(`${label} is refused (invalid_request to the RP)`, async () => {
        const r = await outcome(authorize({ client_id: clientId, redirect_uri: RP_CALLBACK, state: 's', ...pkce }));
        const back = new URL(r.url);
        assert.equal(back.origin + back.pathname, RP_CALLBACK, r.body.slice(0, 300));
        assert.equal(back.searchParams.get('error'), 'invalid_request');
        assert.match(back.searchParams.get('error_description') ?? '', /PKCE|code_challenge/);
      });
    }

    for (const [label, params, reason] of [
      ['an unknown idp: value', { acr_values: 'idp:nosuch' }, /nosuch/],
      ['a level the client may not use', { acr_values: 'idp:idporten low' }, /level low is not allowed/],
      ['a loa the client may not use', { loa: 'low' }, /level low is not allowed/],
    ] as const) {
      it(`${label} is refused (invalid_request to the RP)`, async () => {
        const r = await outcome(
          authorize({
            client_id: clientId,
            redirect_uri: RP_CALLBACK,
            state: 's',
            code_challenge: await challenge(),
            code_challenge_method: 'S256',
            ...params,
          }),
        );
        const back = new URL(r.url);
        assert.equal(back.origin + back.pathname, RP_CALLBACK, r.body.slice(0, 300));
        assert.equal(back.searchParams.get('error'), 'invalid_request');
        assert.match(back.searchParams.get('error_description') ?? '', reason);
      });
    }

    it('a replayed code is refused (invalid_grant)', async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: RP_CALLBACK,
        scope: SCOPE,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const back = new URL(await walkLogin(new Agent(), sim, url));
      const first = await oidc.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier });
      await assert.rejects(
        oidc.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier }),
        (e: Error & { error?: string }) => e.error === 'invalid_grant',
      );
      // The replay revokes what the code issued (RFC 6749 §4.1.2).
      await assert.rejects(oidc.fetchUserInfo(config, first.access_token, first.claims()!.sub));
    });
  });

  it('a login started on one broker process finishes on another (shared OP state, keys and cookies)', {
    skip: !onPostgres && 'PostgreSQL only (PGlite is one process)',
  }, async () => {
    // The second process serves the same PUBLIC_URL (as behind one load balancer) on a port of its own.
    const second = await startBroker({ PUBLIC_URL: t.config.publicUrl }, {}, t);
    try {
      const { clientId } = await oidcClient(t);
      const config = await discover(t, clientId, oidc.ClientSecretBasic(OIDC_SECRET));
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const url = await oidc.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: RP_CALLBACK,
        scope: SCOPE,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        nonce,
        acr_values: 'idp:idporten',
      });
      const agent = new Agent();
      // The first process: authorize (PAR made there too), the interaction, the journey's start.
      const atProvider = await agent.follow(url);
      // Everything after the provider goes to the second process: callback, interaction end, resume.
      const secondOrigin = `http://localhost:${new URL(second.base).port}`;
      const first = new URL(t.config.publicUrl).origin;
      let next = new URL(formAction(atProvider.body, atProvider.url));
      let res = await agent.request(next, { form: { action: 'login', eid: 'bankid', person: sim.people[0]!.pid } });
      const seen: string[] = [];
      for (let hops = 0; hops < 10 && res.headers.get('location'); hops++) {
        next = new URL(res.headers.get('location')!, next);
        if (next.toString().startsWith(RP_CALLBACK)) break;
        if (next.origin === first) next = new URL(`${next.pathname}${next.search}`, secondOrigin);
        seen.push(next.origin === secondOrigin ? next.pathname.replace(/\/[^/]{20,}/g, '/…') : next.origin);
        res = await agent.request(next);
      }
      assert.ok(next.toString().startsWith(RP_CALLBACK), `ended at ${next} after ${seen.join(' → ')}`);
      assert.ok(seen.includes('/auth/callback/idporten') && seen.some((p) => p.startsWith('/auth/open/interaction/')), seen.join(' → '));
      // And the code is redeemed at the first process again.
      const tokens = await oidc.authorizationCodeGrant(config, next, { pkceCodeVerifier: verifier, expectedNonce: nonce });
      assert.equal(tokens.claims()?.nin, sim.people[0]!.pid);
    } finally {
      await second.close();
    }
  });
});
