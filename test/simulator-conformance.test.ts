// Conformance mode: the simulator grades a relying party's traffic and explains each mistake in nb and en,
// as JSON and as a page. A deliberately sloppy client makes every mistake the report knows, and uses the
// tokens of a deliberately broken id_token; a careful one (openid-client) makes none.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';
const SECRET = 'conformance-test-secret-0123456789abcdef';
const VERIFIER = 'conformance-verifier-0123456789-0123456789-0123456789';
const HINT = 'testid:47906701517_idporten-loa-high';

describe('conformance mode', () => {
  let sim: RunningSimulator;
  let key: CryptoKey;

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    key = privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    // Lenient, so the sloppy client's requests go through and every later mistake is seen too.
    sim = await startSimulator({
      port: 0,
      lenient: true,
      clients: [
        { client_id: 'sloppy', client_secret: SECRET, redirect_uris: [REDIRECT], scope: 'openid profile' },
        { client_id: 'sloppy-jwt', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } },
        { client_id: 'careful', client_secret: SECRET, redirect_uris: [REDIRECT], scope: 'openid profile' },
      ],
    });
  });
  after(() => sim.close());

  const authorize = (params: Record<string, string>) =>
    fetch(`${sim.issuer}/authorize?${new URLSearchParams({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', ...params })}`, {
      redirect: 'manual',
    });
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${sim.issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });
  const report = async (clientId: string) =>
    (await (await fetch(`${sim.issuer}/simulator/conformance/${clientId}`)).json()) as {
      findings: { code: string; nb: string; en: string }[];
      traffic_seen: boolean;
    };

  it('explains every mistake of a sloppy client, in nb and en', async () => {
    await authorize({ client_id: 'sloppy', code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' });
    await authorize({ client_id: 'sloppy', login_hint: HINT });
    // A code at last (S256, still no state or nonce), exchanged with the wrong method and no redirect_uri.
    await post(`/simulator/conformance/sloppy/break-next-id-token`, {});
    const res = await authorize({
      client_id: 'sloppy',
      login_hint: HINT,
      code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const t = (await (
      await post('/token', { grant_type: 'authorization_code', code, code_verifier: VERIFIER, client_id: 'sloppy', client_secret: SECRET })
    ).json()) as { access_token: string; id_token: string };
    // It does not validate the (deliberately broken) id_token and goes on to use the access token.
    await fetch(`${sim.issuer}/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } });

    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('sloppy-jwt')
      .setAudience('https://wrong.example')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    await post('/token', {
      grant_type: 'authorization_code',
      code: 'x',
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });

    const sloppy = (await report('sloppy')).findings.map((f) => f.code).sort();
    assert.deepEqual(sloppy, [
      'auth_method',
      'id_token_not_validated',
      'no_nonce',
      'no_pkce',
      'no_state',
      'pkce_plain',
      'token_redirect_uri',
    ]);
    const jwt = await report('sloppy-jwt');
    assert.deepEqual(jwt.findings.map((f) => f.code).sort(), [
      'assertion_aud',
      'assertion_client_id',
      'assertion_jti',
      'assertion_kid',
      'assertion_lifetime',
      'assertion_sub',
    ]);
    for (const f of jwt.findings) assert.ok(f.nb && f.en && f.nb !== f.en);
    const page = await (await fetch(`${sim.issuer}/simulator/conformance/sloppy?format=html&lang=nb`)).text();
    assert.match(page, /Samsvarsrapport for sloppy/);
    assert.match(page, /id_token_not_validated/);
  });

  it('finds nothing wrong with a careful client; the broken id_token it asked for fails signature verification', async () => {
    const config = await oidc.discovery(new URL(sim.issuer), 'careful', undefined, oidc.ClientSecretBasic(SECRET), {
      execute: [oidc.allowInsecureRequests],
    });
    const login = async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        login_hint: HINT,
      });
      const res = await fetch(url, { redirect: 'manual' });
      return oidc.authorizationCodeGrant(config, new URL(res.headers.get('location')!), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      });
    };
    await login();
    await post('/simulator/conformance/careful/break-next-id-token', {});
    // openid-client checks the id_token's claims but (code flow over TLS) not its signature; checked here with jose.
    const tokens = await login();
    const { createRemoteJWKSet, jwtVerify } = await import('jose');
    await assert.rejects(jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${sim.issuer}/jwks.json`))));
    const r = await report('careful');
    assert.equal(r.traffic_seen, true);
    assert.deepEqual(r.findings, []);
  });
});
