import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, createRemoteJWKSet, generateKeyPair, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { DEV_SECRET, assertApiError, call, getToken, startBroker, type TestBroker } from './helpers.ts';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function tokenRequest(t: TestBroker, body: string, headers: Record<string, string> = {}) {
  return call(t.base, 'POST', '/auth/open/connect/token', {
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

describe('token endpoint', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker();
  });
  after(() => t.close());

  it('issues a Bearer JWT with account_id through HTTP Basic', async () => {
    const res = await tokenRequest(t, form({ grant_type: 'client_credentials', scope: 'signicat-api' }), {
      authorization: basic(t.clientId, t.clientSecret),
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 600);
    assert.equal(res.body.scope, 'signicat-api');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const claims = decodeJwt(res.body.access_token);
    assert.equal(claims.account_id, t.accountId);
    assert.equal(claims.client_id, t.clientId);
    assert.equal(claims.exp! - claims.iat!, 600);
    assert.ok(decodeProtectedHeader(res.body.access_token).kid);
  });

  it('issues tokens a resource server verifies from the published discovery document and JWKS (RFC 9068)', async () => {
    const res = await tokenRequest(t, form({ grant_type: 'client_credentials' }), { authorization: basic(t.clientId, t.clientSecret) });
    const discovery = (await (await fetch(`${t.base}/auth/open/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    const { payload, protectedHeader } = await jwtVerify(res.body.access_token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: discovery.issuer,
      audience: 'signicat-api',
      typ: 'at+jwt',
      algorithms: ['ES256'],
      requiredClaims: ['iat', 'exp', 'jti', 'sub', 'client_id'],
      currentDate: t.clock.now(),
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, t.clientId);
    assert.equal(payload.scope, 'signicat-api');
    assert.deepEqual(payload.permissions, ['sessions']);
    const again = decodeJwt(
      (await tokenRequest(t, form({ grant_type: 'client_credentials' }), { authorization: basic(t.clientId, t.clientSecret) })).body
        .access_token,
    );
    assert.notEqual(again.jti, payload.jti, 'every token has its own jti');
  });

  it('accepts client_id and client_secret in the body (client_secret_post)', async () => {
    const res = await tokenRequest(
      t,
      form({ grant_type: 'client_credentials', scope: 'signicat-api', client_id: t.clientId, client_secret: t.clientSecret }),
    );
    assert.equal(res.status, 200);
  });

  it('uses the per-client lifetime', async () => {
    const { client, secret } = await t.broker.accounts.createClient({ accountId: t.accountId, tokenLifetime: 60 });
    const res = await tokenRequest(t, form({ grant_type: 'client_credentials' }), { authorization: basic(client.clientId, secret) });
    assert.equal(res.status, 200);
    assert.equal(res.body.expires_in, 60);
    assert.equal(res.body.scope, 'signicat-api', 'scope defaults to signicat-api');
  });

  it('refuses a lifetime outside 1–3600 seconds', async () => {
    for (const tokenLifetime of [0, 3601]) {
      await assert.rejects(t.broker.accounts.createClient({ accountId: t.accountId, tokenLifetime }), /1 to 3600/);
    }
  });

  it('answers a wrong secret with invalid_client 401 and logs the attempt without the secret', async () => {
    const wrong = 'wrong-secret-that-must-not-be-logged-xyz';
    const res = await tokenRequest(t, form({ grant_type: 'client_credentials' }), { authorization: basic(t.clientId, wrong) });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    assert.ok(res.headers.get('www-authenticate'));
    const entry = t.logs
      .entries()
      .find((e) => e.msg === 'client authentication failed' && e.clientId === t.clientId && e.reason === 'wrong secret');
    assert.ok(entry, 'the failed attempt is logged');
    assert.ok(!t.logs.text.includes(wrong), 'the secret never reaches the log');
    assert.ok(!t.logs.text.includes(Buffer.from(`${t.clientId}:${wrong}`).toString('base64')), 'nor the Basic header');
  });

  it('answers an unknown client with invalid_client', async () => {
    const res = await tokenRequest(t, form({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: DEV_SECRET }));
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    assert.ok(t.logs.entries().some((e) => e.clientId === 'nobody' && e.reason === 'unknown client'));
  });

  it('answers a disabled client with invalid_client', async () => {
    const { client, secret } = await t.broker.accounts.createClient({ accountId: t.accountId });
    await t.broker.accounts.setClientDisabled(client.clientId, true);
    const res = await tokenRequest(t, form({ grant_type: 'client_credentials' }), { authorization: basic(client.clientId, secret) });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    assert.ok(t.logs.entries().some((e) => e.clientId === client.clientId && e.reason === 'client disabled'));
  });

  it('refuses a client disabled after it was used (the process drops its cached copy at once)', async () => {
    const { client, secret } = await t.broker.accounts.createClient({ accountId: t.accountId });
    const auth = { authorization: basic(client.clientId, secret) };
    assert.equal((await tokenRequest(t, form({ grant_type: 'client_credentials' }), auth)).status, 200);
    await t.broker.accounts.setClientDisabled(client.clientId, true);
    assert.equal((await tokenRequest(t, form({ grant_type: 'client_credentials' }), auth)).body.error, 'invalid_client');
  });

  it('answers a revoked secret with invalid_client, while another secret keeps working', async () => {
    const { client, secret } = await t.broker.accounts.createClient({ accountId: t.accountId });
    const second = await t.broker.accounts.addClientSecret(client.clientId);
    const firstId = (await t.broker.accounts.getClient(client.clientId)).secrets[0]!.id;
    await t.broker.accounts.revokeClientSecret(client.clientId, firstId);
    const old = await tokenRequest(t, form({ grant_type: 'client_credentials' }), { authorization: basic(client.clientId, secret) });
    assert.equal(old.body.error, 'invalid_client');
    const fresh = await tokenRequest(t, form({ grant_type: 'client_credentials' }), {
      authorization: basic(client.clientId, second.secret),
    });
    assert.equal(fresh.status, 200);
  });

  it('answers a wrong grant type with unsupported_grant_type', async () => {
    const res = await tokenRequest(t, form({ grant_type: 'password' }), { authorization: basic(t.clientId, t.clientSecret) });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'unsupported_grant_type');
  });

  it('answers a missing grant type, a repeated parameter and two auth methods with invalid_request', async () => {
    const auth = { authorization: basic(t.clientId, t.clientSecret) };
    assert.equal((await tokenRequest(t, form({ scope: 'signicat-api' }), auth)).body.error, 'invalid_request');
    assert.equal(
      (await tokenRequest(t, 'grant_type=client_credentials&grant_type=client_credentials', auth)).body.error,
      'invalid_request',
    );
    const both = await tokenRequest(t, form({ grant_type: 'client_credentials', client_secret: t.clientSecret }), auth);
    assert.equal(both.body.error, 'invalid_request');
  });

  it('answers a JSON body with invalid_request', async () => {
    const res = await call(t.base, 'POST', '/auth/open/connect/token', {
      body: { grant_type: 'client_credentials' },
      headers: { authorization: basic(t.clientId, t.clientSecret) },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_request');
  });

  it('answers an unknown scope with invalid_scope', async () => {
    const res = await tokenRequest(t, form({ grant_type: 'client_credentials', scope: 'signicat-api admin' }), {
      authorization: basic(t.clientId, t.clientSecret),
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_scope');
  });

  it('answers missing client authentication with invalid_client', async () => {
    const res = await tokenRequest(t, form({ grant_type: 'client_credentials' }));
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
  });

  it('publishes discovery with a jwks_uri whose keys verify the tokens', async () => {
    const disco = await call(t.base, 'GET', '/auth/open/.well-known/openid-configuration');
    assert.equal(disco.body.issuer, `${t.config.publicUrl}/auth/open`);
    assert.equal(disco.body.token_endpoint, `${t.config.publicUrl}/auth/open/connect/token`);
    const jwksPath = new URL(disco.body.jwks_uri).pathname;
    const jwks = await call(t.base, 'GET', jwksPath);
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    const kid = decodeProtectedHeader(token).kid;
    assert.ok(
      jwks.body.keys.some((k: { kid: string; d?: string }) => k.kid === kid && k.d === undefined),
      'public key listed, no private part',
    );
  });
});

describe('access tokens at the API', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker();
  });
  after(() => t.close());
  const probe = (token?: string) => call(t.base, 'GET', '/auth/rest/sessions/00000000-0000-4000-8000-000000000000', { token });

  it('accepts a token from the token endpoint', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    assertApiError(await probe(token), 404, 'not_found');
  });

  it('refuses a missing token with 401 invalid_token', async () => {
    const res = await probe();
    assertApiError(res, 401, 'invalid_token');
    assert.match(res.headers.get('www-authenticate') ?? '', /Bearer/);
  });

  it('refuses a token signed by another key', async () => {
    const real = decodeJwt(await getToken(t.base, t.clientId, t.clientSecret));
    const { privateKey } = await generateKeyPair('ES256');
    const kid = decodeProtectedHeader(await getToken(t.base, t.clientId, t.clientSecret)).kid!;
    const forged = await new SignJWT(real).setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' }).sign(privateKey);
    assertApiError(await probe(forged), 401, 'invalid_token');
    const unknownKid = await new SignJWT(real).setProtectedHeader({ alg: 'ES256', kid: 'other', typ: 'at+jwt' }).sign(privateKey);
    assertApiError(await probe(unknownKid), 401, 'invalid_token');
  });

  it('refuses a tampered token', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.account_id = 'a-someone-else';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    assertApiError(await probe(tampered), 401, 'invalid_token');
  });

  it('refuses an expired token', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    t.clock.advance(601 + 5);
    try {
      const res = await probe(token);
      assertApiError(res, 401, 'invalid_token');
      assert.match(res.body.detail, /expired/);
    } finally {
      t.clock.advance(-606);
    }
  });

  it('refuses a token with another scope', async () => {
    const real = decodeJwt(await getToken(t.base, t.clientId, t.clientSecret));
    // Signed with the broker's own key, so only the scope is wrong.
    const { kid, key } = await t.broker.keys.signingKey();
    const other = await new SignJWT({ ...real, scope: 'other-api' }).setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' }).sign(key);
    const res = await probe(other);
    assertApiError(res, 401, 'invalid_token');
    assert.match(res.body.detail, /scope/);
  });

  it('refuses a client without the sessions permission with 403', async () => {
    const { client, secret } = await t.broker.accounts.createClient({ accountId: t.accountId, permissions: [] });
    const token = await getToken(t.base, client.clientId, secret);
    assertApiError(await probe(token), 403, 'forbidden');
  });

  it('keeps accepting tokens across a key rotation, and signs new ones with the new key', async () => {
    const before = await getToken(t.base, t.clientId, t.clientSecret);
    const { kid } = await t.broker.keys.rotate();
    const afterRotation = await getToken(t.base, t.clientId, t.clientSecret);
    assert.equal(decodeProtectedHeader(afterRotation).kid, kid);
    assert.notEqual(decodeProtectedHeader(before).kid, kid);
    assertApiError(await probe(before), 404, 'not_found');
    assertApiError(await probe(afterRotation), 404, 'not_found');
  });
});

describe('secrets at rest', () => {
  it('stores only hashes of client secrets', async () => {
    const t = await startBroker();
    try {
      const rows = await t.broker.store.sql.query<{ hash: string }>('SELECT hash FROM client_secrets');
      assert.ok(rows.length > 0);
      for (const r of rows) {
        assert.ok(!r.hash.includes(t.clientSecret), 'the secret is not stored');
        assert.match(r.hash, /^sha256\$/);
      }
      const all = JSON.stringify(await t.broker.store.sql.query('SELECT * FROM api_clients c JOIN client_secrets s USING (client_id)'));
      assert.ok(!all.includes(t.clientSecret));
    } finally {
      await t.close();
    }
  });

  it('stores signing keys sealed', async () => {
    const t = await startBroker();
    try {
      const rows = await t.broker.store.sql.query<{ private_jwk_enc: string }>('SELECT private_jwk_enc FROM signing_keys');
      for (const r of rows) {
        assert.match(r.private_jwk_enc, /^v1\./);
        assert.ok(!r.private_jwk_enc.includes('"d"'));
      }
    } finally {
      await t.close();
    }
  });
});
