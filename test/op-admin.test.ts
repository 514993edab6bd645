// OIDC clients managed through the admin API (the CLI runs the same command table): create, list, update,
// rotate the secret, delete; bad settings refused with the field named; a client made here logs in.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent } from './agent.ts';
import { developmentBanner } from '../src/dev-banner.ts';
import { urlsFor } from '../src/http/paths.ts';
import { assertApiError, call, startBroker, type TestBroker } from './helpers.ts';
import { discover, RP_CALLBACK, walkLogin } from './op-support.ts';
import { startSimulatorFor } from './simulator-support.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdefghijklmnopqrstuv';

describe('OIDC clients through the admin API', () => {
  let t: TestBroker;
  let sim: RunningSimulator;
  before(async () => {
    t = await startBroker({ EIDGATE_ADMIN_TOKEN: ADMIN_TOKEN });
    sim = await startSimulatorFor(t, { par: false });
  });
  after(async () => {
    await t.close();
    await sim.close();
  });
  const run = (body: unknown) => call(t.base, 'POST', '/admin/v1/commands', { token: ADMIN_TOKEN, body });

  it('create, list, update, rotate-secret and delete; the secret is shown once and stored hashed', async () => {
    const created = await run({
      command: 'oidc-clients create',
      args: [t.accountId],
      options: {
        name: 'Intranet',
        'redirect-uri': [RP_CALLBACK],
        provider: ['idporten'],
        level: ['substantial', 'high'],
        subject: 'public',
      },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { clientId, clientSecret } = created.body.result;
    assert.match(clientId, /^oidc-/);
    assert.equal(typeof clientSecret, 'string');
    assert.ok(clientSecret.length >= 43);
    const [row] = await t.broker.store.sql.query<{ secret_hash: string }>('SELECT secret_hash FROM oidc_clients WHERE client_id = $1', [
      clientId,
    ]);
    assert.match(row!.secret_hash, /^sha256\$/);
    assert.ok(!row!.secret_hash.includes(clientSecret));

    const list = await run({ command: 'oidc-clients list', args: [t.accountId] });
    const listed = list.body.result.find((c: { clientId: string }) => c.clientId === clientId);
    assert.deepEqual(listed.allowedLevels, ['substantial', 'high']);
    assert.equal(listed.subjectType, 'public');
    assert.equal(listed.pkceRequired, true);
    assert.equal(JSON.stringify(list.body).includes('sha256$'), false, 'never the hash');

    const updated = await run({ command: 'oidc-clients update', args: [clientId], options: { pkce: 'off', 'id-token-lifetime': '300' } });
    assert.equal(updated.body.result.pkceRequired, false);
    assert.equal(updated.body.result.idTokenLifetime, 300);
    assert.deepEqual(updated.body.result.redirectUris, [RP_CALLBACK], 'options not given are kept');

    const rotated = await run({ command: 'oidc-clients rotate-secret', args: [clientId] });
    assert.notEqual(rotated.body.result.clientSecret, clientSecret);
    // The new secret logs in; the old one would not (the token request fails with invalid_client).
    const config = await discover(t, clientId, oidc.ClientSecretBasic(rotated.body.result.clientSecret));
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK,
      scope: 'openid profile',
      state,
      acr_values: 'idp:idporten',
    });
    const back = await walkLogin(new Agent(), sim, url);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back), { expectedState: state });
    assert.equal(typeof tokens.claims()?.name, 'string');

    const deleted = await run({ command: 'oidc-clients delete', args: [clientId] });
    assert.equal(deleted.status, 200);
    assertApiError(await run({ command: 'oidc-clients delete', args: [clientId] }), 404, 'not_found');
  });

  it('bad settings are refused, each field named', async () => {
    const res = await run({
      command: 'oidc-clients create',
      args: [t.accountId],
      options: {
        'redirect-uri': ['http://rp.example/cb', 'https://rp.example/cb#x'],
        level: ['extreme'],
        claim: ['ssn'],
        'client-auth': 'none',
      },
    });
    const err = assertApiError(res, 400, 'invalid_request_parameter');
    const names = err.invalidParams.map((p: { name: string }) => p.name).sort();
    assert.deepEqual(names, ['allowedLevels[0]', 'authMethod', 'claims[0]', 'redirectUris[0]', 'redirectUris[1]']);
  });
});

describe('the development OIDC client', () => {
  it('EIDGATE_DEV_OIDC_CLIENT_ID, _SECRET and _REDIRECT_URIS fix it', async () => {
    const env = {
      EIDGATE_DEV_OIDC_CLIENT_ID: 'dev-oidc',
      EIDGATE_DEV_OIDC_CLIENT_SECRET: 'dev-oidc-secret-0123456789abcdefghijklmnop',
      EIDGATE_DEV_OIDC_REDIRECT_URIS: 'http://localhost:3000/cb, https://app.example/cb',
    };
    const t = await startBroker(env, { bootstrap: true });
    try {
      const oidcCreds = t.broker.devCredentials?.oidc;
      assert.deepEqual(oidcCreds, {
        clientId: 'dev-oidc',
        clientSecret: env.EIDGATE_DEV_OIDC_CLIENT_SECRET,
        redirectUris: ['http://localhost:3000/cb', 'https://app.example/cb'],
      });
      const c = await t.broker.oidcClients.get('dev-oidc');
      assert.equal(c.accountId, t.broker.devCredentials?.accountId);
      const banner = developmentBanner(t.broker.devCredentials!, t.config.publicUrl, urlsFor(t.config.publicUrl));
      assert.match(banner, /OIDC client: +dev-oidc/);
      assert.match(banner, /\/auth\/open/);
    } finally {
      await t.close();
    }
  });

  it('without them, a random client is made and its secret shown once', async () => {
    const t = await startBroker({}, { bootstrap: true });
    try {
      const oidcCreds = t.broker.devCredentials?.oidc;
      assert.match(oidcCreds?.clientId ?? '', /^oidc-/);
      assert.ok((oidcCreds?.clientSecret ?? '').length >= 43);
      assert.deepEqual(oidcCreds?.redirectUris, ['http://localhost:3000/api/auth/callback/eidgate']);
    } finally {
      await t.close();
    }
  });
});
