// The simulator as an ordinary relying party sees it: openid-client against its HTTP endpoints.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent, formAction } from './agent.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';
const SECRET = 'simulator-test-secret-0123456789abcdef';

describe('ID-porten simulator', () => {
  let sim: RunningSimulator;
  let rsaPrivate: CryptoKey;
  const kid = 'rp-key-1';

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    rsaPrivate = privateKey;
    const pub = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    sim = await startSimulator({
      port: 0,
      clients: [
        {
          client_id: 'rp-basic',
          client_secret: SECRET,
          redirect_uris: [REDIRECT],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'openid profile',
        },
        {
          client_id: 'rp-post',
          client_secret: SECRET,
          redirect_uris: [REDIRECT],
          token_endpoint_auth_method: 'client_secret_post',
          scope: 'openid profile',
        },
        {
          client_id: 'rp-jwt',
          redirect_uris: [REDIRECT],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [pub] },
          scope: 'openid profile',
        },
      ],
    });
  });
  after(() => sim.close());

  const configFor = async (clientId: string): Promise<oidc.Configuration> => {
    const auth =
      clientId === 'rp-basic'
        ? oidc.ClientSecretBasic(SECRET)
        : clientId === 'rp-post'
          ? oidc.ClientSecretPost(SECRET)
          : oidc.PrivateKeyJwt({ key: rsaPrivate, kid });
    return oidc.discovery(new URL(sim.issuer), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
  };

  /** Authorize → login page → submit → back at the redirect URI with a code. */
  async function login(
    config: oidc.Configuration,
    opts: { eid?: string; pid?: string; acr?: string; scope?: string; usePar?: boolean; level?: string } = {},
  ) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const params = {
      redirect_uri: REDIRECT,
      scope: opts.scope ?? 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      acr_values: opts.acr ?? 'idporten-loa-substantial',
      ui_locales: 'en',
    };
    const url = opts.usePar ? await oidc.buildAuthorizationUrlWithPAR(config, params) : oidc.buildAuthorizationUrl(config, params);
    const agent = new Agent();
    const page = await agent.follow(url, {}, REDIRECT);
    assert.match(page.body, /Log in to ID-porten/);
    const done = await agent.follow(
      formAction(page.body, page.url),
      { form: { action: 'login', eid: opts.eid ?? 'testid', person: opts.pid ?? sim.people[0]!.pid, pid: '', level: opts.level ?? '' } },
      REDIRECT,
    );
    return { callback: new URL(done.url), verifier, state, nonce };
  }

  for (const clientId of ['rp-basic', 'rp-post', 'rp-jwt']) {
    it(`completes the code flow with PKCE for ${clientId} and yields ID-porten's claims`, async () => {
      const config = await configFor(clientId);
      const { callback, verifier, state, nonce } = await login(config, { eid: 'bankid' });
      assert.equal(callback.searchParams.get('iss'), sim.issuer, 'iss in the authorization response');
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      assert.equal(claims.pid, sim.people[0]!.pid);
      assert.equal(claims.acr, 'idporten-loa-high', 'BankID reaches high even when substantial was asked');
      assert.deepEqual(claims.amr, ['BankID']);
      assert.equal(claims.aud, clientId);
      assert.equal(claims.exp - claims.iat, 120);
      assert.equal(claims.given_name, sim.people[0]!.givenName);
      assert.equal(claims.family_name, sim.people[0]!.familyName);
      assert.equal(claims.locale, 'en');
      assert.ok(claims.jti && claims.auth_time);
      assert.notEqual(claims.sub, claims.pid, 'sub is a pseudonym, not the pid');
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      assert.equal(info.pid, sim.people[0]!.pid);
      assert.equal(info.locale, 'en');
      for (const absent of ['jti', 'acr', 'amr', 'nonce']) assert.equal(info[absent], undefined, `userinfo has no ${absent}`);
    });
  }

  it('gives each client its own pairwise sub for the same person', async () => {
    const subs = [];
    for (const id of ['rp-basic', 'rp-post']) {
      const config = await configFor(id);
      const { callback, verifier, state, nonce } = await login(config);
      subs.push(
        (
          await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce })
        ).claims()!.sub,
      );
    }
    assert.notEqual(subs[0], subs[1]);
  });

  it('gives no names for MinID, nor without the profile scope', async () => {
    const config = await configFor('rp-basic');
    let r = await login(config, { eid: 'minid' });
    let claims = (
      await oidc.authorizationCodeGrant(config, r.callback, {
        pkceCodeVerifier: r.verifier,
        expectedState: r.state,
        expectedNonce: r.nonce,
      })
    ).claims()!;
    assert.deepEqual(claims.amr, ['Minid-OTC']);
    assert.equal(claims.acr, 'idporten-loa-substantial');
    assert.equal(claims.given_name, undefined);
    r = await login(config, { eid: 'bankid', scope: 'openid' });
    claims = (
      await oidc.authorizationCodeGrant(config, r.callback, {
        pkceCodeVerifier: r.verifier,
        expectedState: r.state,
        expectedNonce: r.nonce,
      })
    ).claims()!;
    assert.equal(claims.given_name, undefined);
  });

  it('supports pushed authorization requests', async () => {
    const config = await configFor('rp-jwt');
    const { callback, verifier, state, nonce } = await login(config, { usePar: true });
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    assert.deepEqual(tokens.claims()!.amr, ['TestID']);
  });

  it('lets TestID choose the level', async () => {
    const config = await configFor('rp-basic');
    const r = await login(config, { eid: 'testid', level: 'idporten-loa-high' });
    const claims = (
      await oidc.authorizationCodeGrant(config, r.callback, {
        pkceCodeVerifier: r.verifier,
        expectedState: r.state,
        expectedNonce: r.nonce,
      })
    ).claims()!;
    assert.equal(claims.acr, 'idporten-loa-high');
  });

  it('offers only eIDs that reach a requested high level', async () => {
    const config = await configFor('rp-basic');
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 's',
      nonce: 'n',
      acr_values: 'idporten-loa-high',
      ui_locales: 'en',
    });
    const agent = new Agent();
    const page = await agent.follow(url, {}, REDIRECT);
    assert.ok(!page.body.includes('value="minid"'), 'MinID is not offered for high');
    assert.ok(page.body.includes('value="bankid"'));
    // A forged form choosing MinID anyway is refused, not logged in at substantial.
    const res = await agent.follow(
      formAction(page.body, page.url),
      { form: { action: 'login', eid: 'minid', person: sim.people[0]!.pid } },
      REDIRECT,
    );
    assert.equal(res.response?.status, 400);
    assert.match(res.body, /level the service requires/);
  });

  it('refuses a typed invalid national identity number with a message, not a crash', async () => {
    const config = await configFor('rp-basic');
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 's',
      nonce: 'n',
      ui_locales: 'nb',
    });
    const agent = new Agent();
    const page = await agent.follow(url, {}, REDIRECT);
    for (const pid of ['12345678901', 'abc', '1484852917']) {
      const res = await agent.follow(formAction(page.body, page.url), { form: { action: 'login', eid: 'testid', pid } }, REDIRECT);
      assert.equal(res.response?.status, 400);
      assert.match(res.body, /Fødselsnummeret er ikke gyldig/);
    }
  });

  it('returns error=access_denied with state and iss when the person cancels', async () => {
    const config = await configFor('rp-basic');
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 'st-1',
      nonce: 'n',
    });
    const agent = new Agent();
    const page = await agent.follow(url, {}, REDIRECT);
    const done = await agent.follow(formAction(page.body, page.url), { form: { action: 'cancel' } }, REDIRECT);
    const cb = new URL(done.url);
    assert.equal(cb.searchParams.get('error'), 'access_denied');
    assert.equal(cb.searchParams.get('state'), 'st-1');
    assert.equal(cb.searchParams.get('iss'), sim.issuer);
  });

  it('logs in headlessly with login_hint=testid:<pid>_<acr>, showing no page', async () => {
    const config = await configFor('rp-basic');
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 's2',
      nonce: 'n2',
      login_hint: 'testid:47906701517_idporten-loa-high',
    });
    const agent = new Agent();
    const done = await agent.follow(url, {}, REDIRECT);
    assert.equal(done.body, '', 'no page on the way');
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), {
      pkceCodeVerifier: verifier,
      expectedState: 's2',
      expectedNonce: 'n2',
    });
    const claims = tokens.claims()!;
    assert.equal(claims.pid, '47906701517');
    assert.equal(claims.acr, 'idporten-loa-high');
    assert.deepEqual(claims.amr, ['TestID']);
  });

  describe("refuses bad requests with ID-porten's error codes", () => {
    const base = () => `${sim.issuer}/authorize`;
    const authorize = async (params: Record<string, string>) => {
      const res = await new Agent().request(`${base()}?${new URLSearchParams(params)}`);
      return { status: res.status, location: res.headers.get('location'), body: await res.text() };
    };
    const good = async () => ({
      client_id: 'rp-basic',
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 's',
      nonce: 'n',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });

    it('without PKCE: invalid_request back at the client', async () => {
      const { code_challenge: _c, code_challenge_method: _m, ...rest } = await good();
      const r = await authorize(rest);
      const loc = new URL(r.location!);
      assert.equal(loc.searchParams.get('error'), 'invalid_request');
      assert.match(loc.searchParams.get('error_description') ?? '', /PKCE/i);
      assert.equal(loc.searchParams.get('iss'), sim.issuer);
    });

    it('with plain PKCE: invalid_request', async () => {
      const r = await authorize({ ...(await good()), code_challenge_method: 'plain' });
      assert.equal(new URL(r.location!).searchParams.get('error'), 'invalid_request');
    });

    it('with an unregistered redirect URI: an error page, no redirect', async () => {
      const r = await authorize({ ...(await good()), redirect_uri: 'https://evil.example/cb' });
      assert.equal(r.location, null);
      assert.equal(r.status, 400);
      assert.match(r.body, /redirect_uri/);
    });

    it('with an unknown acr value: invalid_request', async () => {
      const r = await authorize({ ...(await good()), acr_values: 'Level5' });
      const loc = new URL(r.location!);
      assert.equal(loc.searchParams.get('error'), 'invalid_request');
      assert.match(loc.searchParams.get('error_description') ?? '', /acr/);
    });

    it('with a response type other than code: unsupported_response_type', async () => {
      const r = await authorize({ ...(await good()), response_type: 'id_token' });
      assert.equal(new URLSearchParams(new URL(r.location!).hash.slice(1)).get('error'), 'unsupported_response_type');
    });

    it('with a wrong client secret: invalid_client at the token endpoint', async () => {
      const res = await fetch(`${sim.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('rp-basic:wrong').toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, code_verifier: 'y'.repeat(43) }),
      });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
    });

    it('a replayed code: invalid_grant', async () => {
      const config = await configFor('rp-basic');
      const r = await login(config);
      await oidc.authorizationCodeGrant(config, r.callback, {
        pkceCodeVerifier: r.verifier,
        expectedState: r.state,
        expectedNonce: r.nonce,
      });
      await assert.rejects(
        oidc.authorizationCodeGrant(config, r.callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce }),
        (e: { error?: string }) => e.error === 'invalid_grant',
      );
    });

    it('a client assertion signed by an unregistered key: invalid_client', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer('rp-jwt')
        .setSubject('rp-jwt')
        .setAudience(sim.issuer)
        .setIssuedAt()
        .setExpirationTime('60s')
        .setJti(crypto.randomUUID())
        .sign(privateKey);
      const res = await fetch(`${sim.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'x',
          redirect_uri: REDIRECT,
          code_verifier: 'y'.repeat(43),
          client_id: 'rp-jwt',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      });
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
    });
  });

  it('publishes ID-porten-shaped discovery metadata', async () => {
    const d = (await (await fetch(`${sim.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(d.issuer, sim.issuer);
    assert.ok(!String(d.issuer).endsWith('/'));
    for (const [k, path] of [
      ['authorization_endpoint', '/authorize'],
      ['token_endpoint', '/token'],
      ['userinfo_endpoint', '/userinfo'],
      ['jwks_uri', '/jwks.json'],
      ['pushed_authorization_request_endpoint', '/par'],
      ['end_session_endpoint', '/logout'],
      ['revocation_endpoint', '/token/revoke'],
      ['introspection_endpoint', '/token/introspect'],
    ]) {
      assert.equal(d[k as string], `${sim.issuer}${path}`, k);
    }
    assert.deepEqual(d.response_types_supported, ['code']);
    assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(d.id_token_signing_alg_values_supported, ['RS256']);
    assert.equal(d.authorization_response_iss_parameter_supported, true);
    assert.deepEqual(d.ui_locales_supported, ['en', 'nb', 'nn', 'se']);
    assert.ok((d.acr_values_supported as string[]).includes('idporten-loa-substantial'));
    assert.ok((d.acr_values_supported as string[]).includes('idporten-loa-high'));
    for (const m of ['client_secret_basic', 'client_secret_post', 'private_key_jwt'])
      assert.ok((d.token_endpoint_auth_methods_supported as string[]).includes(m));
  });
});
