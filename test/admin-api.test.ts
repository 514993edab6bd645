// The admin API: every CLI command on the broker, with its own credentials (never an API client's access
// token), refusals in Signicat's error object, a lockout for guessed tokens, and off without a token.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertApiError, call, getToken, startBroker, type TestBroker } from './helpers.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdefghijklmnopqrstuv';
const PATH = '/admin/v1/commands';

describe('admin API', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker({ EIDGATE_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  after(() => t.close());
  const run = (body: unknown, token = ADMIN_TOKEN) => call(t.base, 'POST', PATH, { token, body });

  it('runs CLI commands and answers with their result and line', async () => {
    const created = await run({ command: 'accounts create', options: { name: 'Automated', 'callback-domain': ['auto.example'] } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.match(created.body.result.id, /^a-/);
    assert.match(created.body.text, /created account a-/);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const client = await run({ command: 'clients create', options: { account: created.body.result.id } });
    assert.ok(client.body.result.clientSecret.length >= 32);
    // The broker that ran it knows the client at once.
    assert.ok((await getToken(t.base, client.body.result.clientId, client.body.result.clientSecret)).length > 0);
    const domains = await run({ command: 'accounts add-request-domain', args: [created.body.result.id, 'Login.Auto.example'] });
    assert.deepEqual(domains.body.result.requestDomains, ['login.auto.example']);
  });

  it('manages webhook subscriptions: the secret once, the log, a redelivery, rotation, disable, delete', async () => {
    const created = await run({
      command: 'webhooks create',
      options: { account: t.accountId, url: 'https://hooks.example/eid', event: ['authentication-api:session.success'], tag: ['prod'] },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { subscription, secret } = created.body.result;
    assert.match(secret, /^whsec_/);
    assert.match(created.body.text, /shown only now/);
    assert.deepEqual(subscription.eventNames, ['authentication-api:session.success']);
    const listed = await run({ command: 'webhooks list', options: { account: t.accountId } });
    assert.deepEqual(
      listed.body.result.map((s: { id: string }) => s.id),
      [subscription.id],
    );
    assert.ok(!JSON.stringify(listed.body).includes(secret.slice(6)), 'the list never shows the secret');
    const log = await run({ command: 'webhooks deliveries', args: [subscription.id] });
    const [ping] = log.body.result.deliveries;
    assert.equal(ping.eventName, 'authentication-api:ping');
    assert.equal(ping.state, 'pending');
    assert.equal((await run({ command: 'webhooks redeliver', args: [subscription.id, ping.eventId] })).status, 200);
    assertApiError(await run({ command: 'webhooks redeliver', args: [subscription.id, 'no-such-event'] }), 404, 'not_found');
    const rotated = await run({ command: 'webhooks rotate-secret', args: [subscription.id], options: { 'overlap-seconds': '60' } });
    assert.notEqual(rotated.body.result.secret, secret);
    assert.ok(rotated.body.result.subscription.previousSecretValidUntil);
    assert.equal((await run({ command: 'webhooks disable', args: [subscription.id] })).body.result.enabled, false);
    assertApiError(
      await run({ command: 'webhooks create', options: { account: t.accountId, url: 'ftp://hooks.example/x' } }),
      400,
      'invalid_request_parameter',
    );
    assert.equal((await run({ command: 'webhooks delete', args: [subscription.id] })).status, 200);
    assertApiError(await run({ command: 'webhooks deliveries', args: [subscription.id] }), 404, 'not_found');
  });

  it('is in the OpenAPI document with its own security scheme, and /docs renders with it', async () => {
    const doc = await call(t.base, 'GET', '/openapi.json');
    assert.equal(doc.status, 200, JSON.stringify(doc.body).slice(0, 300));
    assert.deepEqual(doc.body.paths[PATH].post.security, [{ adminToken: [] }]);
    assert.equal(doc.body.components.securitySchemes.adminToken.scheme, 'bearer');
    assert.equal((await fetch(`${t.base}/docs`)).status, 200);
  });

  it('refuses bad commands and arguments with the error object', async () => {
    assertApiError(await run({ command: 'accounts explode' }), 400, 'invalid_request_parameter');
    const args = assertApiError(await run({ command: 'accounts add-domain', args: ['only-one'] }), 400, 'invalid_request_parameter');
    assert.equal(args.invalidParams[0].name, 'args');
    assertApiError(await run({ command: 'accounts add-domain', args: ['a-missing-account', 'x.example'] }), 404, 'not_found');
    assertApiError(await run({ command: 'accounts create' }), 400, 'bad_request');
  });

  it("takes only its own token: not an API client's access token, not a guess; guesses are locked out", async () => {
    const access = await getToken(t.base, t.clientId, t.clientSecret);
    assertApiError(await run({ command: 'accounts list' }, access), 401, 'invalid_token');
    assertApiError(await call(t.base, 'POST', PATH, { body: { command: 'accounts list' } }), 401, 'invalid_token');
    // Those two count as failures too: seven more guesses are still 401s, the tenth failure locks.
    for (let i = 0; i < 7; i++) assert.equal((await run({ command: 'accounts list' }, `guess-${i}`)).status, 401);
    const locked = await run({ command: 'accounts list' }, 'guess-10');
    assertApiError(locked, 429, 'too_many_requests');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assertApiError(await run({ command: 'accounts list' }), 429, 'too_many_requests');
    t.clock.advance(301);
    assert.equal((await run({ command: 'accounts list' })).status, 200);
  });
});

describe('admin API without a token', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker();
  });
  after(() => t.close());

  it('is off (404), whatever the credentials', async () => {
    assertApiError(await call(t.base, 'POST', PATH, { token: ADMIN_TOKEN, body: { command: 'accounts list' } }), 404, 'not_found');
  });
});
