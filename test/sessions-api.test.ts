import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertApiError, call, configureTestProviders, getToken, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('sessions API', () => {
  let t: TestBroker;
  let token: string;
  const create = (body: unknown, headers: Record<string, string> = {}, query = '') =>
    call(t.base, 'POST', `/auth/rest/sessions${query}`, { token, body, headers });
  const countSessions = async () => (await t.broker.store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions'))[0]!.n;

  before(async () => {
    t = await startBroker();
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(() => t.close());

  describe('create', () => {
    it('answers 200 with the session, CREATED, echoed fields and callback URLs carrying sessionId', async () => {
      const req = validSessionRequest({ externalReference: 'order-17', usageReference: 'billing-a', tags: ['t1', 't2'] });
      const res = await create(req);
      assert.equal(res.status, 200);
      const s = res.body;
      assert.match(s.id, UUID);
      assert.equal(s.accountId, t.accountId);
      assert.equal(s.status, 'CREATED');
      assert.equal(s.authenticationUrl, `${t.config.publicUrl}/login/${s.id}`);
      assert.deepEqual(s.requestedAttributes, req.requestedAttributes);
      assert.deepEqual(s.allowedProviders, ['idporten']);
      assert.equal(s.language, 'nb');
      assert.equal(s.requestedLoa, 'substantial');
      assert.equal(s.flow, 'redirect');
      assert.equal(s.externalReference, 'order-17');
      assert.equal(s.usageReference, 'billing-a');
      assert.deepEqual(s.tags, ['t1', 't2']);
      assert.equal(s.sessionLifetime, 1200);
      assert.equal(s.callbackUrls.success, `https://example.com/success?x=1&sessionId=${s.id}`);
      assert.equal(s.callbackUrls.abort, `https://example.com/abort?sessionId=${s.id}`);
      assert.equal(s.callbackUrls.error, `http://localhost:3000/error?sessionId=${s.id}`);
      assert.match(s.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/);
      assert.equal(new Date(s.expiresAt).getTime() - t.clock.now().getTime(), 1200 * 1000);
      for (const absent of ['subject', 'provider', 'loa', 'environment', 'error', 'statusDetail'])
        assert.ok(!(absent in s), `${absent} omitted`);
      for (const [k, v] of Object.entries(s)) assert.notEqual(v, null, `${k} is not null`);
    });

    it("keeps the caller's callback URLs as written, adding sessionId before any fragment", async () => {
      const callbackUrls = {
        success: 'https://example.com/cb?q=a%20b&sessionId=stale#frag',
        abort: 'https://EXAMPLE.com',
        error: 'https://example.com/e?x=a%20b&#top',
      };
      const res = await create(validSessionRequest({ callbackUrls }));
      assert.equal(res.status, 200);
      const id = res.body.id;
      // A sessionId the caller put there is replaced, not repeated; the rest of the query is left alone where it can be.
      assert.equal(res.body.callbackUrls.success, `https://example.com/cb?q=a+b&sessionId=${id}#frag`);
      assert.equal(res.body.callbackUrls.abort, `https://example.com/?sessionId=${id}`);
      assert.equal(res.body.callbackUrls.error, `https://example.com/e?x=a%20b&sessionId=${id}#top`);
      const read = await call(t.base, 'GET', `/auth/rest/sessions/${id}`, { token });
      assert.deepEqual(read.body.callbackUrls, res.body.callbackUrls);
    });

    it('omits optional fields that were not sent', async () => {
      const res = await create({ flow: 'redirect', requestedAttributes: ['nin'], callbackUrls: validSessionRequest().callbackUrls });
      assert.equal(res.status, 200);
      for (const k of ['allowedProviders', 'language', 'requestedLoa', 'externalReference', 'usageReference', 'tags'])
        assert.ok(!(k in res.body), k);
    });

    it('accepts the signicat-accountId of the token and refuses another account with 403', async () => {
      assert.equal((await create(validSessionRequest(), {}, `?signicat-accountId=${t.accountId}`)).status, 200);
      const other = await t.broker.accounts.createAccount({ name: 'Other', callbackDomains: ['example.com'] });
      const before = await countSessions();
      assertApiError(await create(validSessionRequest(), {}, `?signicat-accountId=${other.id}`), 403, 'forbidden');
      assertApiError(await create(validSessionRequest(), {}, '?signicat-accountId=a-does-not-exist'), 403, 'forbidden');
      assert.equal(await countSessions(), before);
    });

    it('raises lifetimes under 300 to 300 and keeps others', async () => {
      for (const [asked, got] of [
        [0, 300],
        [10, 300],
        [299, 300],
        [300, 300],
        [1800, 1800],
        [86400, 86400],
      ]) {
        const res = await create(validSessionRequest({ sessionLifetime: asked }));
        assert.equal(res.status, 200);
        assert.equal(res.body.sessionLifetime, got, `asked ${asked}`);
        assert.equal(new Date(res.body.expiresAt).getTime() - t.clock.now().getTime(), got! * 1000);
      }
    });

    it('refuses the headless flow for a provider that cannot serve it, naming flow', async () => {
      const err = assertApiError(await create(validSessionRequest({ flow: 'headless' })), 400, 'invalid_request_parameter');
      assert.equal(err.invalidParams[0].name, 'flow');
      assert.match(err.invalidParams[0].reason, /idporten does not support the headless flow/);
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      ['flow missing', { flow: undefined }, 'flow'],
      ['flow unknown', { flow: 'popup' }, 'flow'],
      ['flow wrong type', { flow: 1 }, 'flow'],
      ['requestedAttributes not an array', { requestedAttributes: 'nin' }, 'requestedAttributes'],
      ['unknown attribute', { requestedAttributes: ['nin', 'shoeSize'] }, 'requestedAttributes[1]'],
      ['duplicate attribute', { requestedAttributes: ['nin', 'nin'] }, 'requestedAttributes'],
      ['unknown provider', { allowedProviders: ['mitid'] }, 'allowedProviders[0]'],
      ['provider id too long', { allowedProviders: ['x'.repeat(31)] }, 'allowedProviders[0]'],
      ['allowedProviders wrong type', { allowedProviders: 'idporten' }, 'allowedProviders'],
      ['language not a language tag', { language: 'norsk!' }, 'language'],
      ['language too many subtags', { language: 'en-a-b-c-d' }, 'language'],
      ['language wrong type', { language: 7 }, 'language'],
      ['requestedLoa unknown', { requestedLoa: 'extreme' }, 'requestedLoa'],
      ['callbackUrls missing', { callbackUrls: undefined }, 'callbackUrls'],
      [
        'callbackUrls.abort missing',
        { callbackUrls: { success: 'https://example.com/s', error: 'https://example.com/e' } },
        'callbackUrls.abort',
      ],
      [
        'callbackUrls.success foreign domain',
        { callbackUrls: { success: 'https://evil.example.org/s', abort: 'https://example.com/a', error: 'https://example.com/e' } },
        'callbackUrls.success',
      ],
      [
        'callback on a subdomain of an allowed domain',
        { callbackUrls: { success: 'https://sub.example.com/s', abort: 'https://example.com/a', error: 'https://example.com/e' } },
        'callbackUrls.success',
      ],
      [
        'callbackUrls.error http outside localhost',
        { callbackUrls: { success: 'https://example.com/s', abort: 'https://example.com/a', error: 'http://example.com/e' } },
        'callbackUrls.error',
      ],
      [
        'callbackUrls.abort not a URL',
        { callbackUrls: { success: 'https://example.com/s', abort: '/relative', error: 'https://example.com/e' } },
        'callbackUrls.abort',
      ],
      [
        'callback with javascript scheme',
        { callbackUrls: { success: 'javascript:alert(1)', abort: 'https://example.com/a', error: 'https://example.com/e' } },
        'callbackUrls.success',
      ],
      [
        'callback with credentials',
        { callbackUrls: { success: 'https://u:p@example.com/s', abort: 'https://example.com/a', error: 'https://example.com/e' } },
        'callbackUrls.success',
      ],
      [
        'callback URL too long',
        {
          callbackUrls: {
            success: `https://example.com/${'a'.repeat(2100)}`,
            abort: 'https://example.com/a',
            error: 'https://example.com/e',
          },
        },
        'callbackUrls.success',
      ],
      ['sessionLifetime negative', { sessionLifetime: -1 }, 'sessionLifetime'],
      ['sessionLifetime too long', { sessionLifetime: 86401 }, 'sessionLifetime'],
      ['sessionLifetime not an integer', { sessionLifetime: 300.5 }, 'sessionLifetime'],
      ['sessionLifetime a string', { sessionLifetime: '600' }, 'sessionLifetime'],
      ['externalReference too long', { externalReference: 'x'.repeat(256) }, 'externalReference'],
      ['too many tags', { tags: Array.from({ length: 101 }, (_, i) => `t${i}`) }, 'tags'],
      ['tag too long', { tags: ['x'.repeat(101)] }, 'tags[0]'],
      ['prefilledInput.nin failing mod-11', { prefilledInput: { nin: '12345678901' } }, 'prefilledInput.nin'],
      ['prefilledInput.nin not 11 digits', { prefilledInput: { nin: '1234' } }, 'prefilledInput.nin'],
      ['prefilledInput empty', { prefilledInput: {} }, 'prefilledInput'],
      ['prefilledInput only nulls', { prefilledInput: { nin: null, email: null } }, 'prefilledInput'],
      ['prefilledInput.email not an address', { prefilledInput: { email: 'kari' } }, 'prefilledInput.email'],
      ['encryptionPublicKey without use enc', { encryptionPublicKey: { kty: 'RSA' } }, 'encryptionPublicKey.use'],
      ['themeId the account does not have', { themeId: 'agkaa12' }, 'themeId'],
      ['requestDomain not configured', { requestDomain: 'x.example.com' }, 'requestDomain'],
      ['additionalParameters value not a string', { additionalParameters: { a: 1 } }, 'additionalParameters.a'],
      ['additionalParameters not an object', { additionalParameters: 'a=b' }, 'additionalParameters'],
      ['returnUrl foreign domain', { returnUrl: 'https://evil.example.org/back' }, 'returnUrl'],
      ['returnUrl javascript:', { returnUrl: 'javascript:alert(1)' }, 'returnUrl'],
      ['embedded without embeddedParentDomains', { flow: 'embedded' }, 'embeddedParentDomains'],
      [
        'embeddedParentDomains injecting CSP',
        { flow: 'embedded', embeddedParentDomains: ["example.com; script-src 'unsafe-inline'"] },
        'embeddedParentDomains[0]',
      ],
      ['embeddedParentDomains wildcard', { flow: 'embedded', embeddedParentDomains: ['*'] }, 'embeddedParentDomains[0]'],
      ['embeddedParentDomains http', { flow: 'embedded', embeddedParentDomains: ['http://example.com'] }, 'embeddedParentDomains[0]'],
      ['embeddedParentDomains port', { flow: 'embedded', embeddedParentDomains: ['example.com:70000'] }, 'embeddedParentDomains[0]'],
      ['embeddedParentDomains empty', { flow: 'embedded', embeddedParentDomains: [] }, 'embeddedParentDomains'],
    ];
    for (const [label, patch, field] of invalid) {
      it(`refuses ${label} with 400 naming ${field}, storing nothing`, async () => {
        const body: Record<string, unknown> = validSessionRequest();
        for (const [k, v] of Object.entries(patch)) {
          if (v === undefined) delete body[k];
          else body[k] = v;
        }
        const before = await countSessions();
        const err = assertApiError(await create(body), 400, 'invalid_request_parameter');
        assert.ok(Array.isArray(err.invalidParams), 'invalidParams present');
        assert.ok(
          err.invalidParams.some((p: { name: string; reason: string }) => p.name === field && p.reason.length > 0),
          `names ${field}: ${JSON.stringify(err.invalidParams)}`,
        );
        assert.equal(await countSessions(), before, 'nothing stored');
      });
    }

    it('names every bad field at once', async () => {
      const err = assertApiError(
        await create({ flow: 'x', requestedAttributes: ['bogus'], language: 5, callbackUrls: {} }),
        400,
        'invalid_request_parameter',
      );
      const names = err.invalidParams.map((p: { name: string }) => p.name).sort();
      for (const n of ['flow', 'requestedAttributes[0]', 'language', 'callbackUrls.success', 'callbackUrls.abort', 'callbackUrls.error']) {
        assert.ok(names.includes(n), `${n} in ${names}`);
      }
    });

    it('refuses malformed, empty, non-object, non-JSON and oversized bodies with 4xx, never 500', async () => {
      const cases: [string | undefined, Record<string, string>, number][] = [
        ['{"flow":', {}, 400],
        ['', {}, 400],
        ['[1,2]', {}, 400],
        ['"text"', {}, 400],
        ['null', {}, 400],
        ['flow=redirect', { 'content-type': 'application/x-www-form-urlencoded' }, 400],
        ['<xml/>', { 'content-type': 'application/xml' }, 415],
        [JSON.stringify(validSessionRequest({ externalReference: 'x'.repeat(70_000) })), {}, 413],
        ['{"__proto__":{"polluted":true},"flow":"redirect"}', {}, 400],
      ];
      const before = await countSessions();
      for (const [body, headers, status] of cases) {
        const res = await call(t.base, 'POST', '/auth/rest/sessions', { token, body, headers });
        assert.equal(res.status, status, `${body?.slice(0, 30)} → ${res.status} ${JSON.stringify(res.body)}`);
        assert.equal(typeof res.body.traceId, 'string');
        assert.equal(res.body.status, status);
        assert.ok(!JSON.stringify(res.body).includes('at '), 'no stack trace');
      }
      assert.equal(await countSessions(), before);
    });

    it('answers unknown routes and wrong methods in the error format', async () => {
      assertApiError(await call(t.base, 'GET', '/auth/rest/nothing', { token }), 404, 'not_found');
      assertApiError(await call(t.base, 'DELETE', '/auth/rest/sessions/x', { token }), 405, 'method_not_allowed');
    });
  });

  describe('providers the account has not configured', () => {
    /** An account of its own, with a client, configured for the given providers only. */
    const accountWith = async (providers: string[]) => {
      const a = await t.broker.accounts.createAccount({ name: 'Partial', callbackDomains: ['example.com', 'localhost'] });
      for (const providerId of providers) {
        await t.broker.providerConfigs.save(a.id, {
          providerId,
          issuer: 'http://127.0.0.1:9',
          clientId: 'x',
          clientSecret: 'x',
          clientAuth: 'client_secret_basic',
          par: false,
        });
      }
      const { client, secret } = await t.broker.accounts.createClient({ accountId: a.id });
      return getToken(t.base, client.clientId, secret);
    };
    const post = (tok: string, body: unknown) => call(t.base, 'POST', '/auth/rest/sessions', { token: tok, body });

    it('refuses at create time a provider the account has not configured, naming allowedProviders', async () => {
      const tok = await accountWith(['idporten']);
      const before = await countSessions();
      const res = await post(tok, validSessionRequest({ allowedProviders: ['idporten', 'ansattporten'] }));
      const err = assertApiError(res, 400, 'invalid_request_parameter');
      assert.deepEqual(
        err.invalidParams.map((p: { name: string }) => p.name),
        ['allowedProviders'],
      );
      assert.match(err.invalidParams[0].reason, /ansattporten is not configured for this account/);
      assert.equal(await countSessions(), before, 'nothing stored');
      assert.equal((await post(tok, validSessionRequest({ allowedProviders: ['idporten'] }))).status, 200, 'the configured one works');
    });

    it('refuses a session without allowedProviders when the account has no provider at all', async () => {
      const tok = await accountWith([]);
      const res = await post(tok, validSessionRequest({ allowedProviders: undefined }));
      const err = assertApiError(res, 400, 'invalid_request_parameter');
      assert.equal(err.invalidParams[0].name, 'allowedProviders');
      assert.match(err.invalidParams[0].reason, /no identity provider is configured/);
    });
  });

  describe('idempotency', () => {
    it('returns the same session for the same key and body, in any key order', async () => {
      const key = `k-${Date.now()}`;
      const a = await create(validSessionRequest(), { 'idempotency-key': key });
      const reordered = Object.fromEntries(Object.entries(validSessionRequest()).reverse());
      const b = await create(reordered, { 'idempotency-key': key });
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      assert.equal(b.body.id, a.body.id);
    });

    it('refuses the same key with a different body, storing nothing', async () => {
      const key = `k2-${Date.now()}`;
      await create(validSessionRequest(), { 'idempotency-key': key });
      const before = await countSessions();
      const res = await create(validSessionRequest({ language: 'en' }), { 'idempotency-key': key });
      assertApiError(res, 422, 'idempotency_key_reused');
      assert.equal(await countSessions(), before);
    });

    it('gives concurrent requests with one key one session', async () => {
      const key = `k3-${Date.now()}`;
      const results = await Promise.all(Array.from({ length: 8 }, () => create(validSessionRequest(), { 'idempotency-key': key })));
      assert.ok(results.every((r) => r.status === 200));
      assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    });

    it('scopes keys to the account', async () => {
      const other = await t.broker.accounts.createAccount({ name: 'Other', callbackDomains: ['example.com', 'localhost'] });
      await configureTestProviders(t.broker, other.id);
      const { client, secret } = await t.broker.accounts.createClient({ accountId: other.id });
      const otherToken = await getToken(t.base, client.clientId, secret);
      const key = `shared-${Date.now()}`;
      const mine = await create(validSessionRequest(), { 'idempotency-key': key });
      const theirs = await call(t.base, 'POST', '/auth/rest/sessions', {
        token: otherToken,
        body: validSessionRequest(),
        headers: { 'idempotency-key': key },
      });
      assert.equal(theirs.status, 200);
      assert.notEqual(theirs.body.id, mine.body.id);
      assert.equal(theirs.body.accountId, other.id);
    });
  });

  describe('get', () => {
    it('returns the session as stored, with and without signicat-accountId', async () => {
      const created = (await create(validSessionRequest())).body;
      const a = await call(t.base, 'GET', `/auth/rest/sessions/${created.id}`, { token });
      const b = await call(t.base, 'GET', `/auth/rest/sessions/${created.id}?signicat-accountId=${t.accountId}`, { token });
      assert.equal(a.status, 200);
      // GET is Signicat's SessionData: the created session plus sessionNonce and transactionId.
      const { sessionNonce, transactionId, ...rest } = a.body;
      assert.match(sessionNonce, /^[A-Za-z0-9_-]{43}=$/);
      assert.match(transactionId, /^[A-Za-z0-9_-]{22}$/);
      assert.deepEqual(rest, created);
      assert.deepEqual(b.body, a.body);
    });

    it('never shows a session of another account (404), nor an unknown or malformed id', async () => {
      const created = (await create(validSessionRequest())).body;
      const other = await t.broker.accounts.createAccount({ name: 'Other', callbackDomains: ['example.com'] });
      const { client, secret } = await t.broker.accounts.createClient({ accountId: other.id });
      const otherToken = await getToken(t.base, client.clientId, secret);
      const res = await call(t.base, 'GET', `/auth/rest/sessions/${created.id}`, { token: otherToken });
      assertApiError(res, 404, 'not_found');
      assert.ok(!JSON.stringify(res.body).includes(t.accountId));
      assertApiError(
        await call(t.base, 'GET', `/auth/rest/sessions/${created.id}?signicat-accountId=${t.accountId}`, { token: otherToken }),
        403,
        'forbidden',
      );
      assertApiError(await call(t.base, 'GET', '/auth/rest/sessions/6f1c1e0e-8a4b-4c55-9d55-2f2b2b2b2b2b', { token }), 404, 'not_found');
      assertApiError(await call(t.base, 'GET', '/auth/rest/sessions/not-a-uuid', { token }), 404, 'not_found');
      assertApiError(await call(t.base, 'POST', `/auth/rest/sessions/${created.id}/cancel`, { token: otherToken }), 404, 'not_found');
    });
  });

  describe('expiry', () => {
    it('reads as EXPIRED once expiresAt has passed, before any job runs, and cannot be cancelled', async () => {
      const s = (await create(validSessionRequest({ sessionLifetime: 300 }))).body;
      t.clock.advance(299);
      assert.equal((await call(t.base, 'GET', `/auth/rest/sessions/${s.id}`, { token })).body.status, 'CREATED');
      t.clock.advance(1);
      const expired = await call(t.base, 'GET', `/auth/rest/sessions/${s.id}`, { token });
      assert.equal(expired.body.status, 'EXPIRED');
      assertApiError(await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token }), 409, 'conflict');
      const row = await t.broker.store.sessions.get(s.id);
      assert.equal(row?.status, 'CREATED', 'the stored row is untouched; expiry is read, not written');
    });
  });

  describe('cancel', () => {
    it('moves an open session to CANCELLED and returns it with authenticationUrl', async () => {
      const s = (await create(validSessionRequest())).body;
      const res = await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
      assert.equal(res.status, 200);
      assert.equal(res.body.id, s.id);
      assert.equal(res.body.status, 'CANCELLED');
      assert.equal(res.body.accountId, t.accountId);
      assert.equal(res.body.authenticationUrl, s.authenticationUrl);
      assert.equal((await call(t.base, 'GET', `/auth/rest/sessions/${s.id}`, { token })).body.status, 'CANCELLED');
    });

    it('accepts an empty JSON body, as SDKs send it', async () => {
      const s = (await create(validSessionRequest())).body;
      const res = await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, {
        token,
        body: '',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.status, 200);
    });

    it('refuses to cancel a finished session with 409, leaving it unchanged', async () => {
      const s = (await create(validSessionRequest())).body;
      await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
      const again = await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
      const err = assertApiError(again, 409, 'conflict');
      assert.match(err.detail, /CANCELLED/);
    });

    it('lets exactly one of many simultaneous cancels win', async () => {
      const s = (await create(validSessionRequest())).body;
      const results = await Promise.all(
        Array.from({ length: 20 }, () => call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token })),
      );
      assert.equal(results.filter((r) => r.status === 200).length, 1);
      assert.equal(results.filter((r) => r.status === 409).length, 19);
    });
  });
});
