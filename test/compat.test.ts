// Compatibility with the clients Signicat's customers actually run: request bodies in the shapes real SDKs
// produce (../shared/reference/signicat-integration-surface.md part A), each answered as Signicat answers
// it, and the refusals that remain, each a 400 naming the field and why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertApiError, call, getToken, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

/** Every optional SessionRequest field, unset, the way typed SDKs (the .NET SDK, generated clients) send them. */
const SDK_NULLS = {
  allowedProviders: null,
  language: null,
  requestedLoa: null,
  prefilledInput: null,
  additionalParameters: null,
  encryptionPublicKey: null,
  tags: null,
  returnUrl: null,
  embeddedParentDomains: null,
  themeId: null,
  externalReference: null,
  usageReference: null,
  sessionLifetime: null,
  requestDomain: null,
};

const CALLBACKS = { success: 'https://example.com/success', abort: 'https://example.com/abort', error: 'https://example.com/error' };

describe('Signicat compatibility: what real clients send', () => {
  let t: TestBroker;
  let token: string;
  before(async () => {
    t = await startBroker({ LOG_LEVEL: 'debug' });
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(() => t.close());

  const create = (body: unknown, headers: Record<string, string> = {}) =>
    call(t.base, 'POST', '/auth/rest/sessions', { token, body, headers });
  const ok = async (body: unknown) => {
    const res = await create(body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const get = (id: string, query = '') => call(t.base, 'GET', `/auth/rest/sessions/${id}${query}`, { token });

  it('null means absent for every optional field, and nothing null is written back', async () => {
    const s = await ok({ flow: 'redirect', requestedAttributes: ['nin'], callbackUrls: CALLBACKS, ...SDK_NULLS });
    assert.equal(s.status, 'CREATED');
    assert.equal(s.sessionLifetime, 1200);
    for (const [k, v] of Object.entries(s)) assert.notEqual(v, null, `${k} is not null`);
    for (const k of Object.keys(SDK_NULLS).filter((k) => k !== 'sessionLifetime')) assert.ok(!(k in s), `${k} omitted`);
  });

  it("the .NET SDK's own request (upper-case enum, nulls, empty attribute list) is accepted", async () => {
    const s = await ok({
      flow: 'REDIRECT',
      requestedAttributes: [],
      callbackUrls: CALLBACKS,
      allowedProviders: ['IDPORTEN'],
      language: 'NO',
      requestedLoa: 'SUBSTANTIAL',
      ...{ prefilledInput: null, additionalParameters: null, encryptionPublicKey: null, themeId: null, requestDomain: null },
      externalReference: 'order-17',
    });
    assert.equal(s.flow, 'redirect', 'answered in the documented lower case');
    assert.equal(s.requestedLoa, 'substantial');
    assert.deepEqual(s.allowedProviders, ['idporten']);
    assert.deepEqual(s.requestedAttributes, ['nin', 'idpId', 'name', 'firstName', 'lastName', 'dateOfBirth'], 'the documented default');
    assert.equal(s.externalReference, 'order-17');
  });

  it('attribute names compare case-insensitively and are answered in their documented spelling', async () => {
    const s = await ok(validSessionRequest({ requestedAttributes: ['FIRSTNAME', 'nin', 'idportenloa'] }));
    assert.deepEqual(s.requestedAttributes, ['firstName', 'nin', 'idportenLoa']);
  });

  it('requestedAttributes absent gets the documented default', async () => {
    const { requestedAttributes: _, ...body } = validSessionRequest();
    const s = await ok(body);
    assert.deepEqual(s.requestedAttributes, ['nin', 'idpId', 'name', 'firstName', 'lastName', 'dateOfBirth']);
  });

  it('unknown harmless fields are ignored, and their names logged at debug', async () => {
    const s = await ok(
      validSessionRequest({
        messageTransportProperties: { messageLevelEncryption: 'NOT_REQUIRED' },
        favouriteColour: 'blue',
        prefilledInput: { nin: '07128312387', mitidAppType: 'x' },
        callbackUrls: { ...CALLBACKS, cancel: 'https://example.com/cancel' },
      }),
    );
    assert.equal(s.status, 'CREATED');
    assert.ok(!('favouriteColour' in s) && !('messageTransportProperties' in s));
    const line = t.logs.entries().find((e) => e.msg === 'ignored unknown request fields');
    assert.ok(line, 'logged');
    assert.deepEqual(
      new Set(line.ignored as string[]),
      new Set(['messageTransportProperties', 'favouriteColour', 'prefilledInput.mitidAppType', 'callbackUrls.cancel']),
    );
    assert.equal(line.level, 20, 'at debug');
  });

  it('a callback URL with a fragment keeps it, with sessionId added before it', async () => {
    const s = await ok(validSessionRequest({ callbackUrls: { ...CALLBACKS, abort: 'https://example.com/back?x=1#abort' } }));
    assert.equal(s.callbackUrls.abort, `https://example.com/back?x=1&sessionId=${s.id}#abort`);
    const cancelled = await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, { token });
    assert.equal(cancelled.body.callbackUrls.abort, `https://example.com/back?x=1&sessionId=${s.id}#abort`);
  });

  it('language tags the pages do not have are accepted, echoed, and the pages fall back', async () => {
    for (const language of ['en-GB', 'de', 'se', 'NB', 'nn_NO', 'sv']) {
      const s = await ok(validSessionRequest({ language }));
      assert.equal(s.language, language);
    }
  });

  it('prefilledInput: a valid hint is accepted (username as the .NET SDK spells it) and never echoed', async () => {
    const s = await ok(
      validSessionRequest({ prefilledInput: { nin: '07128312387', username: 'kari', email: null, mobile: '+4799716935' } }),
    );
    assert.ok(!('prefilledInput' in s), 'a hint may hold a national identity number: not echoed');
    assert.ok(!JSON.stringify((await get(s.id)).body).includes('07128312387'));
  });

  it('additionalParameters are ignored by providers that define none (ID-porten)', async () => {
    const s = await ok(validSessionRequest({ additionalParameters: { idporten_whatever: 'x', sbid_flow: 'QR', note: 'y' } }));
    assert.equal(s.status, 'CREATED');
    assert.ok(!('additionalParameters' in s));
  });

  it('tags and usageReference are stored and returned', async () => {
    const s = await ok(validSessionRequest({ tags: ['shop', 'campaign-7'], usageReference: 'billing-7' }));
    const read = (await get(s.id)).body;
    assert.deepEqual(read.tags, ['shop', 'campaign-7']);
    assert.equal(read.usageReference, 'billing-7');
  });

  it('GET understands sessionNonce and ignores unknown query parameters', async () => {
    const s = await ok(validSessionRequest());
    const plain = await get(s.id, '?utm_source=sdk&foo=bar');
    assert.equal(plain.status, 200);
    const nonce = plain.body.sessionNonce;
    assert.equal((await get(s.id, `?sessionNonce=${encodeURIComponent(nonce)}`)).status, 200);
    const wrong = assertApiError(await get(s.id, '?sessionNonce=not-the-nonce'), 400, 'invalid_request_parameter');
    assert.deepEqual(
      wrong.invalidParams.map((p: { name: string }) => p.name),
      ['sessionNonce'],
    );
    // The nonce is the session's own: another session's does not pass.
    const other = await ok(validSessionRequest());
    assert.equal((await get(other.id, `?sessionNonce=${encodeURIComponent(nonce)}`)).status, 400);
  });

  it('cancel accepts a literal null body, an empty body and no body', async () => {
    for (const body of ['null', '', undefined]) {
      const s = await ok(validSessionRequest());
      const res = await call(t.base, 'POST', `/auth/rest/sessions/${s.id}/cancel`, {
        token,
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
      });
      assert.equal(res.status, 200, `body ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.status, 'CANCELLED');
    }
  });

  it('the same request with and without nulls is the same request for Idempotency-Key', async () => {
    const key = `idem-${Date.now()}`;
    const a = await create(validSessionRequest(), { 'idempotency-key': key });
    const b = await create({ ...validSessionRequest(), themeId: null, tags: null, favouriteColour: 'blue' }, { 'idempotency-key': key });
    assert.equal(b.status, 200);
    assert.equal(b.body.id, a.body.id);
  });

  it('requestDomain: the broker host, or a request domain of the account, puts authenticationUrl on it', async () => {
    const publicHost = new URL(t.config.publicUrl).hostname;
    const onPublic = await ok(validSessionRequest({ requestDomain: publicHost }));
    assert.ok(onPublic.authenticationUrl.startsWith(`${t.config.publicUrl}/login/`));
    await t.broker.accounts.addRequestDomain(t.accountId, 'login.example.com');
    const s = await ok(validSessionRequest({ requestDomain: 'Login.Example.com' }));
    assert.equal(new URL(s.authenticationUrl).hostname, 'login.example.com');
    assert.equal(s.requestDomain, 'login.example.com');
  });

  describe('the refusals that remain, each naming the field and why', () => {
    const refused: [string, Record<string, unknown>, string, RegExp][] = [
      [
        'an encryptionPublicKey whose RSA modulus is not 2048 or 4096 bits',
        { encryptionPublicKey: { kty: 'RSA', use: 'enc', alg: 'RSA-OAEP', n: 'x', e: 'AQAB', d: null } },
        'encryptionPublicKey.n',
        /2048 or 4096/,
      ],
      [
        'the headless flow with a provider that cannot serve it',
        { flow: 'HEADLESS' },
        'flow',
        /idporten does not support the headless flow/,
      ],
      ['an enum value that is not one in any case', { requestedLoa: 'EXTREME' }, 'requestedLoa', /one of/],
      ['a provider eidgate does not have', { allowedProviders: ['MITID'] }, 'allowedProviders[0]', /one of/],
      ['a prefilled nin that fails mod-11', { prefilledInput: { nin: '07128312346' } }, 'prefilledInput.nin', /national identity number/],
      ['a prefilledInput with only nulls', { prefilledInput: { nin: null } }, 'prefilledInput', /at least one/],
      ['a themeId the account does not have', { themeId: 'agkaa12' }, 'themeId', /agkaa12/],
      ['a requestDomain the account does not have', { requestDomain: 'evil.example.org' }, 'requestDomain', /not a request domain/],
      ['a redirect session without callbackUrls', { callbackUrls: null }, 'callbackUrls', /required for the redirect flow/],
      ['a callback URL with one member null', { callbackUrls: { ...CALLBACKS, error: null } }, 'callbackUrls.error', /required/],
    ];
    for (const [label, patch, field, reason] of refused) {
      it(`refuses ${label}: 400 naming ${field}`, async () => {
        const err = assertApiError(await create(validSessionRequest(patch)), 400, 'invalid_request_parameter');
        const named = err.invalidParams.find((p: { name: string }) => p.name === field);
        assert.ok(named, `names ${field}: ${JSON.stringify(err.invalidParams)}`);
        assert.match(named.reason, reason);
      });
    }
  });
});
