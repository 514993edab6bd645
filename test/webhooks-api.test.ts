// The webhook subscriptions API (eidgate's own, under /auth/rest/webhooks, same access token as the sessions API)
// and the development bootstrap from EIDGATE_DEV_WEBHOOK_URL / EIDGATE_DEV_WEBHOOK_SECRET.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PING_EVENT_NAME, SESSION_EVENT_NAMES } from '../src/domain/events/envelope.ts';
import { WebhookReceiver } from './fixtures/webhook-receiver.ts';
import {
  assertApiError,
  call,
  configureTestProviders,
  getToken,
  reservePort,
  startBroker,
  type TestBroker,
  validSessionRequest,
} from './helpers.ts';

const PATH = '/auth/rest/webhooks';

describe('webhook subscriptions API', () => {
  let t: TestBroker;
  let token: string;
  let otherToken: string;
  const r = new WebhookReceiver();
  let url: string;
  before(async () => {
    t = await startBroker();
    token = await getToken(t.base, t.clientId, t.clientSecret);
    const other = await t.broker.accounts.createAccount({ name: 'Other', callbackDomains: ['example.com'] });
    const { client, secret } = await t.broker.accounts.createClient({ accountId: other.id });
    otherToken = await getToken(t.base, client.clientId, secret);
    url = await r.listen(reservePort());
  });
  after(async () => {
    await t.close();
    await r.close();
  });

  it('create answers 201 with the secret once; reads never show it; the ping arrives signed with it', async () => {
    const res = await call(t.base, 'POST', PATH, { token, body: { url, eventNames: [SESSION_EVENT_NAMES.SUCCESS] } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const { subscription, secret } = res.body;
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.match(subscription.id, /^wh-/);
    assert.equal(subscription.accountId, t.accountId);
    assert.equal(subscription.enabled, true);
    const got = await call(t.base, 'GET', `${PATH}/${subscription.id}`, { token });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, subscription);
    const list = await call(t.base, 'GET', PATH, { token });
    assert.ok(!JSON.stringify(list.body).includes(secret.slice(6)));
    r.secrets = [secret];
    await t.broker.delivery.runOnce();
    assert.equal(r.received.length, 1);
    assert.equal(r.received[0]?.envelope.eventName, PING_EVENT_NAME);
    assert.equal(r.received[0]?.verifiedWith, 0);
    const log = await call(t.base, 'GET', `${PATH}/${subscription.id}/deliveries`, { token });
    assert.equal(log.status, 200);
    assert.equal(log.body.deliveries[0].state, 'delivered');
    assert.equal(log.body.attempts[0].statusCode, 204);
    assert.equal(typeof log.body.attempts[0].latencyMs, 'number');
    assert.ok(!JSON.stringify(log.body).includes('"eventData"'), 'the log keeps no bodies');

    const again = await call(t.base, 'POST', `${PATH}/${subscription.id}/deliveries/${r.received[0]?.webhookId}/redeliver`, { token });
    assert.equal(again.status, 202);
    await t.broker.delivery.runOnce();
    assert.equal(r.received[1]?.webhookId, r.received[0]?.webhookId);

    const rotated = await call(t.base, 'POST', `${PATH}/${subscription.id}/rotate-secret`, { token, body: { overlapSeconds: 0 } });
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, secret);
    const patched = await call(t.base, 'PATCH', `${PATH}/${subscription.id}`, { token, body: { enabled: false, tags: ['a'] } });
    assert.equal(patched.body.enabled, false);
    assert.deepEqual(patched.body.tags, ['a']);
    assert.equal((await call(t.base, 'DELETE', `${PATH}/${subscription.id}`, { token })).status, 204);
    assertApiError(await call(t.base, 'GET', `${PATH}/${subscription.id}`, { token }), 404, 'not_found');
  });

  it("another account's subscription does not exist for this token", async () => {
    const res = await call(t.base, 'POST', PATH, { token, body: { url } });
    const id = res.body.subscription.id;
    assertApiError(await call(t.base, 'GET', `${PATH}/${id}`, { token: otherToken }), 404, 'not_found');
    assertApiError(await call(t.base, 'DELETE', `${PATH}/${id}`, { token: otherToken }), 404, 'not_found');
    assertApiError(await call(t.base, 'POST', `${PATH}/${id}/rotate-secret`, { token: otherToken }), 404, 'not_found');
    assert.deepEqual((await call(t.base, 'GET', PATH, { token: otherToken })).body, []);
    await call(t.base, 'DELETE', `${PATH}/${id}`, { token });
  });

  it('refuses bad input with the error object, naming the field', async () => {
    assertApiError(await call(t.base, 'POST', PATH, { body: { url } }), 401, 'invalid_token');
    const bad = assertApiError(
      await call(t.base, 'POST', PATH, { token, body: { url: 'ftp://x.example/', eventNames: ['nope'] } }),
      400,
      'invalid_request_parameter',
    );
    assert.ok(bad.invalidParams.length >= 1);
    const scheme = assertApiError(
      await call(t.base, 'POST', PATH, { token, body: { url: 'ftp://x.example/' } }),
      400,
      'invalid_request_parameter',
    );
    assert.equal(scheme.invalidParams[0].name, 'url');
    assertApiError(await call(t.base, 'POST', PATH, { token, body: { url, secret: 'whsec_x' } }), 400, 'invalid_request_parameter');
  });

  it('is in the OpenAPI document with the bearer scheme and described statuses', async () => {
    const doc = (await call(t.base, 'GET', '/openapi.json')).body;
    const create = doc.paths[PATH].post;
    assert.match(create.description, /Standard Webhooks/);
    assert.deepEqual(Object.keys(create.responses).sort(), ['201', '400', '401', '403', '409', '415']);
    for (const op of ['get', 'patch', 'delete']) assert.ok(doc.paths[`${PATH}/{id}`][op].security, op);
    assert.ok(doc.paths[`${PATH}/{id}/deliveries/{eventId}/redeliver`].post);
  });
});

describe('development webhook (EIDGATE_DEV_WEBHOOK_URL, EIDGATE_DEV_WEBHOOK_SECRET)', () => {
  it('subscribes the development account to every event, signed with that secret, once across restarts', async () => {
    const r = new WebhookReceiver();
    const url = await r.listen(reservePort());
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    r.secrets = [secret];
    const env = { EIDGATE_DEV_WEBHOOK_URL: url, EIDGATE_DEV_WEBHOOK_SECRET: secret };
    const t = await startBroker(env, { bootstrap: true });
    try {
      const dev = t.broker.devCredentials;
      assert.ok(dev);
      const subs = await t.broker.webhooks.list(dev.accountId);
      assert.equal(subs.length, 1);
      assert.deepEqual([subs[0]?.url, subs[0]?.eventNames, subs[0]?.tags], [url, [], []]);
      // The same store started again: still one subscription (the bootstrap runs on every start).
      const again = await startBroker(env, { bootstrap: true }, t);
      await again.close();
      assert.equal((await t.broker.webhooks.list(dev.accountId)).length, 1);
      await t.broker.accounts.createClient({
        accountId: dev.accountId,
        secret: 'dev-webhook-client-secret-0123456789',
        clientId: 'dev-wh',
      });
      const token = await getToken(t.base, 'dev-wh', 'dev-webhook-client-secret-0123456789');
      await configureTestProviders(t.broker, dev.accountId);
      const s = await call(t.base, 'POST', '/auth/rest/sessions', { token, body: validSessionRequest() });
      assert.equal(s.status, 200, JSON.stringify(s.body));
      await t.broker.delivery.runOnce();
      assert.ok(r.received.length >= 2, 'the ping and session.created');
      assert.ok(r.received.every((x) => x.verifiedWith === 0));
    } finally {
      await t.close();
      await r.close();
    }
  });
});
