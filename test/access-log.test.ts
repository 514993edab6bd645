import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { call, getToken, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

describe('access log', () => {
  let t: TestBroker;
  before(async () => (t = await startBroker()));
  after(() => t.close());

  it('writes one line per request with its id, route, status and time, and no credential', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    const res = await call(t.base, 'POST', '/auth/rest/sessions?x=secret-value', { token, body: validSessionRequest() });
    const traceId = res.headers.get('x-trace-id');
    const lines = t.logs.entries().filter((e) => e.reqId === traceId);
    const access = lines.filter((e) => e.msg === 'request completed');
    assert.equal(access.length, 1, 'one access line');
    assert.deepEqual(access[0]!.req, { method: 'POST', url: '/auth/rest/sessions?x', id: traceId });
    assert.deepEqual(access[0]!.res, { statusCode: res.status });
    assert.equal(typeof access[0]!.responseTime, 'number');
    assert.ok(!t.logs.text.includes(token), 'the bearer token is not logged');
    assert.ok(!t.logs.text.includes('secret-value'), 'query values are not logged');
  });
});
