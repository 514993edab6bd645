// eidgate as an OpenID Provider, driven by an independent relying party (openid-client) through the hosted
// journey to the ID-porten simulator: code flow with PKCE, with and without PAR, every client
// authentication method, the mapped claims, cancel, logout, the refusals, and the token endpoint shared
// with the API's client-credentials grant.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent } from './agent.ts';
import { getToken, startBroker, type TestBroker } from './helpers.ts';
import { discover, OIDC_SECRET, oidcClient, RP_CALLBACK, walkLogin } from './op-support.ts';
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
});
