// Input and protocol hardening (issue 12): what the fuzzer found, each as a test that failed before the fix.
// NUL bytes and unpaired surrogates, router-level failures, Cache-Control on identity data, and a store
// outage during requests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { assertApiError, call, DATABASE_URL, getToken, onPostgres, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('hardening', () => {
  let t: TestBroker;
  let token: string;
  before(async () => {
    t = await startBroker();
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(() => t.close());

  const count = async () => (await t.broker.store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions'))[0]!.n;
  const errorLines = () => t.logs.entries().filter((e) => (e.level as number) >= 50).length;
  const create = (raw: string) => call(t.base, 'POST', '/auth/rest/sessions', { token, body: raw });

  for (const [label, raw, field] of [
    ['a NUL byte in externalReference', JSON.stringify(validSessionRequest({ externalReference: 'a\u0000b' })), 'externalReference'],
    ['an unpaired surrogate in a tag', JSON.stringify(validSessionRequest({ tags: ['ok', 'x'] })).replace('"x"', '"\\ud800"'), 'tags[1]'],
    [
      'a NUL byte in a callback URL',
      JSON.stringify(validSessionRequest()).replace('/success?x=1', '/success?x=\\u0000'),
      'callbackUrls.success',
    ],
    ['an unpaired low surrogate in a key', JSON.stringify(validSessionRequest()).replace('"flow"', '"\\udc00":1,"flow"'), '\udc00'],
  ] as const) {
    it(`${label}: 400 naming the field, nothing stored, no error logged`, async () => {
      const before = await count();
      const errorsBefore = errorLines();
      const err = assertApiError(await create(raw), 400, 'invalid_request_parameter');
      assert.ok(
        err.invalidParams.some((p: { name: string }) => p.name === field.replace('\udc00', '\\udc00')),
        JSON.stringify(err.invalidParams),
      );
      assert.equal(await count(), before);
      assert.equal(errorLines(), errorsBefore);
    });
  }

  it('NUL bytes in Basic credentials and form fields at the token endpoint: RFC 6749 400s, no error logged', async () => {
    const errorsBefore = errorLines();
    const basic = await call(t.base, 'POST', '/auth/open/connect/token', {
      body: 'grant_type=client_credentials&scope=signicat-api',
      headers: { ...FORM, authorization: `Basic ${Buffer.from(`${t.clientId}\u0000:x`).toString('base64')}` },
    });
    assert.equal(basic.status, 400, JSON.stringify(basic.body));
    assert.equal(basic.body.error, 'invalid_request');
    assert.equal(basic.headers.get('cache-control'), 'no-store');
    const form = await call(t.base, 'POST', '/auth/open/connect/token', {
      body: `grant_type=client_credentials&scope=signicat-api&client_id=${t.clientId}%00&client_secret=x`,
      headers: FORM,
    });
    assert.equal(form.status, 400, JSON.stringify(form.body));
    assert.equal(form.body.error, 'invalid_request');
    const surrogate = await call(t.base, 'POST', '/auth/open/connect/token', {
      body: `grant_type=client_credentials&scope=signicat-api&client_id=${t.clientId}&client_secret=%ED%A0%80`,
      headers: FORM,
    });
    assert.ok([400, 401].includes(surrogate.status), JSON.stringify(surrogate.body));
    assert.equal(errorLines(), errorsBefore);
  });

  it('router-level failures answer with our error object or page, with a trace id and security headers', async () => {
    for (const path of ['/auth/rest/sessions/%ff', `/auth/rest/sessions/${'a'.repeat(5000)}`]) {
      const res = await call(t.base, 'GET', path, { token });
      assert.ok(res.status >= 400 && res.status < 500, `${path.slice(0, 40)}: ${res.status}`);
      assert.equal(res.body.status, res.status);
      assert.equal(typeof res.body.code, 'string');
      assert.equal(res.body.traceId, res.headers.get('x-trace-id'));
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
    const page = await fetch(`${t.base}/login/%ff`);
    assert.equal(page.status, 400);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(await page.text(), /<h1>/);
  });

  it("a disabled client's access tokens stop working (within the directory cache window, not at their expiry)", async () => {
    const { client, secret } = await t.broker.accounts.createClient({ accountId: t.accountId });
    const own = await getToken(t.base, client.clientId, secret);
    const s = await call(t.base, 'POST', '/auth/rest/sessions', { token: own, body: validSessionRequest() });
    assert.equal(s.status, 200);
    await t.broker.accounts.setClientDisabled(client.clientId, true);
    assertApiError(await call(t.base, 'GET', `/auth/rest/sessions/${s.body.id}`, { token: own }), 401, 'invalid_token');
    await t.broker.accounts.setClientDisabled(client.clientId, false);
    assert.equal((await call(t.base, 'GET', `/auth/rest/sessions/${s.body.id}`, { token: own })).status, 200);
  });

  it('every sessions API answer that can carry identity data says Cache-Control: no-store', async () => {
    const created = await call(t.base, 'POST', '/auth/rest/sessions', { token, body: validSessionRequest() });
    const read = await call(t.base, 'GET', `/auth/rest/sessions/${created.body.id}`, { token });
    const cancelled = await call(t.base, 'POST', `/auth/rest/sessions/${created.body.id}/cancel`, { token });
    for (const res of [created, read, cancelled]) assert.equal(res.headers.get('cache-control'), 'no-store');
  });
});

describe('a store outage during requests', { skip: !onPostgres && 'needs DATABASE_URL (PGlite cannot go away)' }, () => {
  // A TCP relay between the broker and PostgreSQL: cutting it is a real outage as the broker sees one.
  let relay: Server;
  const sockets = new Set<Socket>();
  let t: TestBroker;

  before(async () => {
    const target = new URL(DATABASE_URL!);
    relay = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    const url = new URL(DATABASE_URL!);
    url.host = `127.0.0.1:${(relay.address() as { port: number }).port}`;
    t = await startBroker({ DATABASE_URL: url.href });
  });
  after(async () => {
    await t?.close().catch(() => {});
    relay?.close();
  });

  it('answers 503 with the error object, not 500', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    relay.close();
    for (const s of sockets) s.destroy();
    const res = await call(t.base, 'POST', '/auth/rest/sessions', { token, body: validSessionRequest() });
    assertApiError(res, 503, 'service_unavailable');
    assert.ok(res.headers.get('retry-after'), 'Retry-After');
  });
});

describe('a client that never finishes its request', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker({ REQUEST_TIMEOUT_MS: '300' });
  });
  after(() => t.close());

  it('loses its connection after REQUEST_TIMEOUT_MS instead of holding it', async () => {
    const { port } = new URL(t.base);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    // Headers announce a body of 100 bytes; only 10 ever come.
    socket.write(
      'POST /auth/open/connect/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type',
    );
    let answer = '';
    socket.on('data', (d) => (answer += d));
    const started = Date.now();
    await once(socket, 'close');
    assert.ok(Date.now() - started < 10_000, 'closed by the broker, long before any client timeout');
    assert.match(answer, /^HTTP\/1\.1 408/);
  });
});
