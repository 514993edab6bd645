// Webhook delivery end to end: a real HTTP receiver verifies every request with the `standardwebhooks` library,
// as an integrator's would. The worker is driven with runOnce() and the broker's manual clock; the tests wait on
// the receiver's own events, never on time.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PING_EVENT_NAME, SESSION_EVENT_NAMES } from '../src/domain/events/envelope.ts';
import type { Outcome } from '../src/domain/sessions/sessions.ts';
import { WebhookDelivery } from '../src/domain/webhooks/delivery.ts';
import { Webhooks } from '../src/domain/webhooks/subscriptions.ts';
import { WebhookReceiver } from './fixtures/webhook-receiver.ts';
import { call, DATABASE_URL, getToken, onPostgres, reservePort, startBroker, type TestBroker, validSessionRequest } from './helpers.ts';

async function receiver(): Promise<{ r: WebhookReceiver; url: string }> {
  const r = new WebhookReceiver();
  const url = await r.listen(reservePort());
  return { r, url };
}

async function createSession(t: TestBroker, token: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await call(t.base, 'POST', '/auth/rest/sessions', { token, body: validSessionRequest(overrides) });
  assert.equal(res.status, 200);
  return res.body.id;
}

const deliveryOf = async (t: TestBroker, subscriptionId: string, eventId: string) =>
  (await t.broker.webhooks.log(subscriptionId)).deliveries.find((d) => d.eventId === eventId);

describe('webhook delivery', () => {
  let t: TestBroker;
  let token: string;
  const receivers: WebhookReceiver[] = [];
  before(async () => {
    t = await startBroker({ EVENT_TTL_SECONDS: '600' });
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(async () => {
    await t.close();
    for (const r of receivers) await r.close();
  });
  const subscribe = async (input: { eventNames?: string[]; tags?: string[] } = {}) => {
    const { r, url } = await receiver();
    receivers.push(r);
    const { subscription, secret } = await t.broker.webhooks.create(t.accountId, { url, ...input });
    r.secrets = [secret];
    return { r, id: subscription.id, secret };
  };

  it('one signed event per terminal status, each verified by standardwebhooks, webhook-id = event id', async () => {
    const { r, id } = await subscribe({ tags: ['terminal'] });
    const tags = ['terminal'];
    const finish = async (outcome: Outcome) => {
      const sid = await createSession(t, token, { tags });
      const s = await t.broker.sessions.find(sid);
      assert.ok(s && (await t.broker.sessions.finish(s, outcome)));
    };
    await finish({
      status: 'SUCCESS',
      provider: 'idporten',
      loa: 'high',
      subjectKey: 'k',
      attributes: { nin: { value: '29029900245', issuingCountry: 'NO', type: 'BIRTH' } },
      environment: { ipAddress: '203.0.113.1', userAgent: 'ua' },
    });
    await finish({ status: 'ABORT', provider: 'idporten' });
    await finish({ status: 'ERROR', error: { type: 'x', title: 'x', detail: 'x', code: 'provider_unavailable' } });
    const cancelled = await createSession(t, token, { tags });
    assert.equal((await call(t.base, 'POST', `/auth/rest/sessions/${cancelled}/cancel`, { token })).status, 200);
    await createSession(t, token, { tags, sessionLifetime: 300 });
    await createSession(t, token, { tags: ['another'] }); // filtered out by the subscription's tags
    t.clock.advance(300);
    const round = await t.broker.eventJobs.runOnce();
    assert.equal(round.sessionsExpired, 1);
    // ping + 5 created + 5 terminal; the session tagged "another" (and its expiry) went nowhere.
    assert.equal(r.received.length, 11);
    assert.equal(round.delivered, 11);
    for (const got of r.received) {
      assert.equal(got.verifiedWith, 0, `${got.envelope.eventName} verified`);
      assert.equal(got.webhookId, got.envelope.id);
      // Signed at the real time (the receiver compares it with its own clock), not the test's manual clock.
      assert.ok(Math.abs(Number(got.timestamp) - Date.now() / 1000) < 5);
    }
    assert.equal(r.named(PING_EVENT_NAME).length, 1);
    for (const name of ['SUCCESS', 'ABORT', 'ERROR', 'CANCELLED', 'EXPIRED'] as const) {
      const [event, ...more] = r.named(SESSION_EVENT_NAMES[name]);
      assert.equal(more.length, 0, name);
      assert.equal(event?.envelope.eventData.status, name);
      assert.deepEqual(event?.envelope.tags, tags);
    }
    // The body is the envelope in Signicat's field order.
    assert.deepEqual(Object.keys(JSON.parse(r.received[0]?.raw ?? '{}')), [
      'id',
      'timestamp',
      'sender',
      'eventName',
      'eventData',
      'accountId',
      'organizationId',
      'expiresAt',
      'tags',
    ]);
    assert.ok(!JSON.stringify(r.received).includes('29029900245'), 'no identity data in any delivery');
    const log = await t.broker.webhooks.log(id);
    assert.equal(log.deliveries.length, 11);
    assert.ok(log.deliveries.every((d) => d.state === 'delivered' && d.attempts === 1));
    assert.equal((await t.broker.eventJobs.runOnce()).attempted, 0, 'nothing is delivered twice');
    await t.broker.webhooks.remove(id);
  });

  it('a receiver that is down gets the event once it is back (retries with backoff)', async () => {
    using reserved = reservePort(); // bound, not listening: connections are refused
    const url = `http://127.0.0.1:${reserved.address().port}/hook`;
    const { subscription, secret } = await t.broker.webhooks.create(t.accountId, { url, eventNames: [SESSION_EVENT_NAMES.CANCELLED] });
    const sid = await createSession(t, token);
    assert.equal((await call(t.base, 'POST', `/auth/rest/sessions/${sid}/cancel`, { token })).status, 200);
    const eventId = (await t.broker.store.events.list(t.accountId)).findLast((e) => e.eventData.sessionId === sid)?.id ?? '';

    let round = await t.broker.delivery.runOnce();
    assert.equal(round.failed, 2, 'the ping and the event: connection refused');
    const first = await deliveryOf(t, subscription.id, eventId);
    assert.equal(first?.state, 'pending');
    const wait1 = new Date(first?.nextAttemptAt ?? 0).getTime() - t.clock.now().getTime();
    assert.ok(wait1 >= 2500 && wait1 <= 5000, `first retry after 2.5–5 s (${wait1} ms)`);
    assert.equal((await t.broker.delivery.runOnce()).attempted, 0, 'not due before its time');
    t.clock.advance(5);
    round = await t.broker.delivery.runOnce();
    assert.equal(round.failed, 2);
    const second = await deliveryOf(t, subscription.id, eventId);
    const wait2 = new Date(second?.nextAttemptAt ?? 0).getTime() - t.clock.now().getTime();
    assert.ok(wait2 >= 5000 && wait2 <= 10000, `second retry after 5–10 s (${wait2} ms)`);

    const r = new WebhookReceiver();
    receivers.push(r);
    r.secrets = [secret];
    await r.listen(reserved); // the receiver comes back on the same port
    t.clock.advance(10);
    round = await t.broker.delivery.runOnce();
    assert.equal(round.delivered, 2);
    assert.equal(r.named(SESSION_EVENT_NAMES.CANCELLED)[0]?.webhookId, eventId);
    assert.ok(r.received.every((x) => x.verifiedWith === 0));
    const log = await t.broker.webhooks.log(subscription.id);
    const attempts = log.attempts.filter((a) => a.eventId === eventId).reverse();
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.outcome]),
      [
        [1, 'network_error'],
        [2, 'network_error'],
        [3, 'delivered'],
      ],
    );
    assert.equal(attempts[2]?.statusCode, 204);
    assert.match(attempts[0]?.error ?? '', /ECONNREFUSED/);
    await t.broker.webhooks.remove(subscription.id);
  });

  it('an expired event stops retrying', async () => {
    const { r, id } = await subscribe({ eventNames: [SESSION_EVENT_NAMES.CREATED] });
    r.answer = () => 500;
    await createSession(t, token);
    await t.broker.delivery.runOnce();
    assert.equal(r.received.length, 2);
    // Failing every time, the event is retried until its expiresAt (EVENT_TTL_SECONDS=600), then never again.
    let rounds = 0;
    for (; rounds < 50; rounds++) {
      t.clock.advance(120);
      await t.broker.delivery.runOnce();
      if ((await t.broker.webhooks.log(id)).deliveries.every((d) => d.state !== 'pending')) break;
    }
    const states = (await t.broker.webhooks.log(id)).deliveries.map((d) => d.state);
    assert.deepEqual(states, ['expired', 'expired']);
    const count = r.received.length;
    assert.ok(count >= 4, `retried before expiring (${count} requests)`);
    t.clock.advance(3600);
    assert.equal((await t.broker.delivery.runOnce()).attempted, 0);
    assert.equal(r.received.length, count, 'no request after expiry');
    await t.broker.webhooks.remove(id);
  });

  it('410 Gone disables the subscription; any 2xx is success; a redelivery sends the same webhook-id again', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret); // the manual clock has moved on
    const { r, id } = await subscribe({ eventNames: [SESSION_EVENT_NAMES.CREATED] });
    r.answer = (got) => (got.envelope.eventName === PING_EVENT_NAME ? 202 : 410);
    const sid = await createSession(t, token);
    await t.broker.delivery.runOnce();
    const sub = await t.broker.webhooks.get(id);
    assert.equal(sub.enabled, false);
    assert.match(sub.disabledReason ?? '', /410/);
    const states = Object.fromEntries((await t.broker.webhooks.log(id)).deliveries.map((d) => [d.eventName, d.state]));
    assert.deepEqual(states, { [PING_EVENT_NAME]: 'delivered', [SESSION_EVENT_NAMES.CREATED]: 'gone' });
    await createSession(t, token);
    assert.equal((await t.broker.delivery.runOnce()).attempted, 0, 'a disabled subscription gets nothing');

    r.answer = () => 200;
    await t.broker.webhooks.update(id, { enabled: true });
    const eventId = (await t.broker.store.events.list(t.accountId)).find((e) => e.eventData.sessionId === sid)?.id ?? '';
    await t.broker.webhooks.redeliver(id, eventId);
    await t.broker.delivery.runOnce();
    const again = r.received.filter((x) => x.webhookId === eventId);
    assert.equal(again.length, 2, 'the 410 attempt and the redelivery');
    assert.equal(again[1]?.verifiedWith, 0);
    await t.broker.webhooks.remove(id);
  });

  it('a rotated secret: both sign during the overlap, then only the new one', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret); // the manual clock has moved on
    const { r, id, secret: old } = await subscribe({ eventNames: [SESSION_EVENT_NAMES.CREATED] });
    await t.broker.delivery.runOnce(); // the ping
    const { secret: fresh, subscription } = await t.broker.webhooks.rotateSecret(id, 60);
    assert.notEqual(fresh, old);
    assert.ok(subscription.previousSecretValidUntil);
    r.secrets = [fresh];
    await createSession(t, token);
    await t.broker.delivery.runOnce();
    const during = r.received.at(-1);
    assert.equal(during?.signatures.length, 2);
    assert.equal(during?.verifiedWith, 0, 'verifies with the new secret');
    r.secrets = [old];
    assert.equal(new WebhookReceiver().secrets.length, 0);
    // The same request verifies with the old secret too (a receiver that has not switched yet).
    const { Webhook } = await import('standardwebhooks');
    assert.doesNotThrow(() =>
      new Webhook(old).verify(during?.raw ?? '', {
        'webhook-id': during?.webhookId ?? '',
        'webhook-timestamp': during?.timestamp ?? '',
        'webhook-signature': during?.signatures.join(' ') ?? '',
      }),
    );
    t.clock.advance(61);
    r.secrets = [fresh];
    await createSession(t, token);
    await t.broker.delivery.runOnce();
    const afterOverlap = r.received.at(-1);
    assert.equal(afterOverlap?.signatures.length, 1);
    assert.equal(afterOverlap?.verifiedWith, 0);
    assert.equal((await t.broker.webhooks.get(id)).previousSecretValidUntil, null);
    await t.broker.webhooks.remove(id);
  });
});

describe('webhook URLs in production (no SSRF)', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker();
  });
  after(() => t.close());
  const production = (allowPrivateAddresses: boolean) =>
    new Webhooks({
      store: t.broker.store,
      sealer: t.broker.sealer,
      clock: t.clock,
      policy: { development: false, allowPrivateAddresses },
      eventTtlSeconds: 600,
    });
  const refused = async (w: Webhooks, url: string, reason: RegExp) => {
    await assert.rejects(w.create(t.accountId, { url }), (e: { code?: string; invalidParams?: { name: string; reason: string }[] }) => {
      assert.equal(e.code, 'invalid_request_parameter');
      assert.equal(e.invalidParams?.[0]?.name, 'url');
      assert.match(e.invalidParams?.[0]?.reason ?? '', reason);
      return true;
    });
  };

  it('refuses http, and https to loopback, private and link-local addresses, by literal or by name', async () => {
    const w = production(false);
    await refused(w, 'http://hooks.example.com/x', /https/);
    for (const url of [
      'https://127.0.0.1/hook',
      'https://10.1.2.3/hook',
      'https://192.168.0.10/hook',
      'https://172.20.0.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[fd00::1]/hook',
      'https://localhost/hook',
    ])
      await refused(w, url, /internal address/);
    assert.equal((await t.broker.webhooks.list(t.accountId)).length, 0);
  });

  it('accepts them when the operator allows private addresses', async () => {
    const { subscription } = await production(true).create(t.accountId, { url: 'https://10.1.2.3/hook' });
    assert.equal(subscription.url, 'https://10.1.2.3/hook');
    await t.broker.webhooks.remove(subscription.id);
  });

  it('refuses at connection time a name that resolves to an internal address (DNS rebinding)', async () => {
    const { r, url } = await receiver();
    try {
      // Saved while allowed (or before the name changed), delivered by a production worker: the address is
      // checked where the connection is made, and nothing reaches the receiver.
      const port = new URL(url).port;
      const { subscription } = await production(true).create(t.accountId, { url: `https://localhost:${port}/hook` });
      const worker = new WebhookDelivery(
        {
          store: t.broker.store,
          sealer: t.broker.sealer,
          clock: t.clock,
          log: t.broker.log,
          policy: { development: false, allowPrivateAddresses: false },
        },
        { timeoutMs: 2000 },
      );
      const round = await worker.runOnce();
      await worker.close();
      assert.equal(round.failed, 1);
      assert.equal(r.received.length, 0);
      const [attempt] = (await t.broker.webhooks.log(subscription.id)).attempts;
      assert.match(attempt?.error ?? '', /EIDGATE_INTERNAL_ADDRESS/);
      await t.broker.webhooks.remove(subscription.id);
    } finally {
      await r.close();
    }
  });
});

describe('several broker processes on one store', { skip: !onPostgres && 'needs PostgreSQL (PGlite serves one process)' }, () => {
  it('two brokers delivering at once: each event exactly once', async () => {
    const a = await startBroker();
    const b = await startBroker({}, {}, a);
    const { r, url } = await receiver();
    try {
      const { secret } = await a.broker.webhooks.create(a.accountId, { url });
      r.secrets = [secret];
      const token = await getToken(a.base, a.clientId, a.clientSecret);
      const n = 150;
      await Promise.all(Array.from({ length: n }, () => createSession(a, token)));
      let attemptedA = 0;
      let attemptedB = 0;
      while (r.received.length < n + 1) {
        const [x, y] = await Promise.all([a.broker.delivery.runOnce(), b.broker.delivery.runOnce()]);
        attemptedA += x.attempted;
        attemptedB += y.attempted;
      }
      assert.equal(r.received.length, n + 1);
      assert.equal(new Set(r.received.map((x) => x.webhookId)).size, n + 1, 'no event twice');
      assert.equal(attemptedA + attemptedB, n + 1, 'no attempt twice');
      assert.ok(r.received.every((x) => x.verifiedWith === 0));
      console.log(`# two brokers: ${attemptedA} + ${attemptedB} deliveries`);
    } finally {
      await r.close();
      await b.close();
      await a.close();
    }
  });

  it('a broker killed mid-delivery: another picks the delivery up after the lease, same webhook-id', async () => {
    const t = await startBroker();
    const { r, url } = await receiver();
    const dir = mkdtempSync(join(tmpdir(), 'eidgate-wh-'));
    r.answer = () => 'hold';
    try {
      const { secret } = await t.broker.webhooks.create(t.accountId, { url, eventNames: [SESSION_EVENT_NAMES.CREATED] });
      r.secrets = [secret];
      const token = await getToken(t.base, t.clientId, t.clientSecret);
      await createSession(t, token);
      // A second broker as its own OS process on the same schema; its worker claims both deliveries and sends them.
      const db = new URL(DATABASE_URL ?? '');
      db.searchParams.set('options', `-c search_path=${t.schema}`);
      using reserved = reservePort();
      const child = spawn(process.execPath, ['src/main.ts'], {
        env: {
          PATH: process.env.PATH,
          PORT: String(reserved.address().port),
          SIMULATOR: 'off',
          DATABASE_URL: db.toString(),
          DATA_DIR: dir,
          WEBHOOK_POLL_INTERVAL_MS: '50',
          WEBHOOK_TIMEOUT_MS: '60000',
        },
        stdio: 'ignore',
      });
      const exited = once(child, 'exit');
      try {
        await r.waitFor(2);
      } finally {
        child.kill('SIGKILL'); // mid-delivery: both requests are held, unanswered
      }
      await exited;
      const firstIds = r.received.map((x) => x.webhookId).sort();
      assert.equal((await t.broker.delivery.runOnce()).attempted, 0, 'the dead broker still holds the lease');
      t.clock.advance(60 + 30 + 5); // past its lease (WEBHOOK_TIMEOUT_MS + 30 s) from when it claimed
      r.answer = () => 204;
      const round = await t.broker.delivery.runOnce();
      assert.equal(round.delivered, 2);
      assert.deepEqual(
        r.received
          .slice(2)
          .map((x) => x.webhookId)
          .sort(),
        firstIds,
        'the same webhook-ids again: duplicates are recognisable',
      );
      assert.ok(r.received.every((x) => x.verifiedWith === 0));
      const log = await t.broker.webhooks.log((await t.broker.webhooks.list(t.accountId))[0]?.id ?? '');
      assert.ok(log.deliveries.every((d) => d.state === 'delivered' && d.attempts === 2));
    } finally {
      await r.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
