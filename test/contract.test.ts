// The wire contract with Signicat's Authentication REST API, pinned from shared/reference/signicat-auth-rest-api.md:
// field names, types and enum values a Signicat client expects. A change here is a breaking change.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, getToken, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

/** §5: the status enum, exactly (INVALID is in Signicat's enum but never produced). */
const REFERENCE_STATUSES = ['CREATED', 'WAITING_FOR_USER', 'SUCCESS', 'ABORT', 'ERROR', 'CANCELLED', 'EXPIRED'];

/** §4: session fields and their JSON types. */
const SESSION_FIELDS: Record<string, string> = {
  id: 'string',
  accountId: 'string',
  authenticationUrl: 'string',
  status: 'string',
  statusDetail: 'string',
  provider: 'string',
  subject: 'object',
  loa: 'string',
  environment: 'object',
  error: 'object',
  callbackUrls: 'object',
  flow: 'string',
  requestedAttributes: 'array',
  allowedProviders: 'array',
  language: 'string',
  requestedLoa: 'string',
  externalReference: 'string',
  usageReference: 'string',
  tags: 'array',
  themeId: 'string',
  requestDomain: 'string',
  sessionNonce: 'string',
  transactionId: 'string',
  sessionLifetime: 'number',
  expiresAt: 'string',
  // Headless (reference §4.1): where to poll, and the IdP's data for the service's own UI.
  statusUrl: 'string',
  idpData: 'object',
};

const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

function assertSessionShape(s: Record<string, unknown>) {
  for (const [k, v] of Object.entries(s)) {
    assert.ok(k in SESSION_FIELDS, `unexpected field ${k}`);
    assert.equal(typeOf(v), SESSION_FIELDS[k], `${k} is ${SESSION_FIELDS[k]}`);
  }
  for (const required of ['id', 'accountId', 'authenticationUrl', 'status', 'expiresAt']) assert.ok(required in s, `${required} present`);
  assert.ok(REFERENCE_STATUSES.includes(s.status as string));
  assert.match(s.id as string, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.match(s.accountId as string, /^a-/);
  assert.match(s.expiresAt as string, /[+-]\d\d:\d\d$/, 'ISO 8601 with an offset');
}

describe("contract with Signicat's Authentication REST API", () => {
  let t: TestBroker;
  let token: string;
  before(async () => {
    t = await startBroker();
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(() => t.close());

  it('create answers 200 (not 201) with a session of the reference shape', async () => {
    const res = await call(t.base, 'POST', '/auth/rest/sessions', {
      token,
      body: validSessionRequest({ externalReference: 'x', usageReference: 'y', tags: ['a'] }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assertSessionShape(res.body);
    assert.equal(res.body.status, 'CREATED');
  });

  it('a successful session reads with the reference subject shapes, loa and environment', async () => {
    const s = (
      await call(t.base, 'POST', '/auth/rest/sessions', {
        token,
        body: validSessionRequest({
          requestedAttributes: [
            'nin',
            'idpId',
            'name',
            'firstName',
            'lastName',
            'dateOfBirth',
            'idportenIdp',
            'idportenLoa',
            'idportenSub',
          ],
        }),
      })
    ).body;
    await t.broker.sessions.finish((await t.broker.sessions.find(s.id))!, {
      status: 'SUCCESS',
      provider: 'idporten',
      loa: 'substantial',
      subjectKey: '14838529179',
      environment: { ipAddress: '192.0.2.2', userAgent: 'Mozilla/5.0' },
      attributes: {
        nin: { value: '14838529179', issuingCountry: 'NO', type: 'BIRTH' },
        idpId: '14838529179',
        name: 'Kari Nordmann',
        firstName: 'Kari',
        lastName: 'Nordmann',
        dateOfBirth: '1985-03-14',
        idportenIdp: 'MinID',
        idportenLoa: 'idporten-loa-substantial',
        idportenSub: 'oRNX',
      },
    });
    const got = (await call(t.base, 'GET', `/auth/rest/sessions/${s.id}`, { token })).body;
    assertSessionShape(got);
    assert.equal(got.status, 'SUCCESS');
    assert.equal(got.provider, 'idporten');
    assert.equal(got.loa, 'substantial');
    assert.deepEqual(got.environment, { ipAddress: '192.0.2.2', userAgent: 'Mozilla/5.0' });
    assert.deepEqual(Object.keys(got.subject.nin).sort(), ['issuingCountry', 'type', 'value']);
    assert.equal(got.subject.nin.issuingCountry, 'NO');
    assert.ok(['BIRTH', 'DNUMBER'].includes(got.subject.nin.type));
    for (const k of ['id', 'idpId', 'name', 'firstName', 'lastName', 'dateOfBirth', 'idportenIdp', 'idportenLoa', 'idportenSub'])
      assert.equal(typeof got.subject[k], 'string', k);
    assert.match(got.subject.dateOfBirth, /^\d{4}-\d\d-\d\d$/);
    assert.ok(['idporten-loa-substantial', 'idporten-loa-high'].includes(got.subject.idportenLoa));
  });

  it('an errored session carries error {type, title, detail, code} and statusDetail', async () => {
    const s = (await call(t.base, 'POST', '/auth/rest/sessions', { token, body: validSessionRequest() })).body;
    await t.broker.sessions.finish((await t.broker.sessions.find(s.id))!, {
      status: 'ERROR',
      error: { type: 'urn:x', title: 'T', detail: 'D', code: 'provider_error' },
    });
    const got = (await call(t.base, 'GET', `/auth/rest/sessions/${s.id}`, { token })).body;
    assertSessionShape(got);
    assert.deepEqual(Object.keys(got.error).sort(), ['code', 'detail', 'title', 'type']);
    assert.equal(got.statusDetail, 'D');
    assert.equal(got.subject, undefined);
  });

  it("errors are Signicat's error object", async () => {
    const res = await call(t.base, 'POST', '/auth/rest/sessions', { token, body: { flow: 'redirect' } });
    assert.deepEqual(Object.keys(res.body).sort(), ['code', 'detail', 'invalidParams', 'status', 'title', 'traceId', 'type']);
    assert.equal(res.body.code, 'invalid_request_parameter');
    assert.equal(res.body.title, 'Invalid request parameter');
    for (const p of res.body.invalidParams) assert.deepEqual(Object.keys(p).sort(), ['name', 'reason']);
    const unauth = await call(t.base, 'GET', '/auth/rest/sessions/x');
    assert.equal(unauth.body.code, 'invalid_token');
    assert.equal(unauth.body.title, 'Invalid authentication token.');
  });

  it('the token response has access_token, token_type Bearer and expires_in', async () => {
    const res = await call(t.base, 'POST', '/auth/open/connect/token', {
      body: `grant_type=client_credentials&scope=signicat-api&client_id=${t.clientId}&client_secret=${t.clientSecret}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(typeof res.body.access_token, 'string');
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(typeof res.body.expires_in, 'number');
  });

  it('the OpenAPI document (3.1) names the same paths, statuses and enums', async () => {
    const doc = (await call(t.base, 'GET', '/openapi.json')).body;
    assert.equal(doc.openapi, '3.1.0');
    for (const [path, method] of [
      ['/auth/rest/sessions', 'post'],
      ['/auth/rest/sessions/{id}', 'get'],
      ['/auth/rest/sessions/{id}/cancel', 'post'],
      ['/auth/open/connect/token', 'post'],
    ] as const) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
      assert.ok(doc.paths[path][method].responses['200'], `${method} ${path} answers 200`);
    }
    const schemas = doc.components.schemas;
    assert.deepEqual(schemas.Session.properties.status.enum, REFERENCE_STATUSES);
    assert.deepEqual(schemas.SessionRequest.properties.requestedLoa.enum, ['low', 'substantial', 'high']);
    assert.deepEqual(schemas.SessionRequest.properties.flow.enum, ['redirect', 'headless', 'embedded']);
    for (const k of Object.keys(schemas.Session.properties)) assert.ok(k in SESSION_FIELDS, `documented field ${k} is in the reference`);
    const docs = await fetch(`${t.base}/docs`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /<html/i);
  });
});

describe('readiness', () => {
  it('answers 503 with a problem body when the store does not answer', async () => {
    const t = await startBroker();
    assert.equal((await call(t.base, 'GET', '/readyz')).status, 200);
    await t.broker.store.close();
    const res = await call(t.base, 'GET', '/readyz');
    assert.equal(res.status, 503);
    assert.equal(res.body.code, 'service_unavailable');
    assert.equal((await call(t.base, 'GET', '/healthz')).status, 200, 'still alive');
    await t.broker.app.close();
  });
});
