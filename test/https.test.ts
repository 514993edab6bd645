// A broker whose PUBLIC_URL is https (TLS ends at a proxy in front of it): HSTS on every response and
// Secure cookies; with an http PUBLIC_URL neither, since a browser on http would drop a Secure cookie.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, getToken, startBroker, type TestBroker, validSessionRequest } from './helpers.ts';

const HSTS = 'max-age=31536000; includeSubDomains';

/** Creates a session with two providers (so the first page is the chooser, which sets the browser cookie). */
async function firstPage(t: TestBroker): Promise<Response> {
  const token = await getToken(t.base, t.clientId, t.clientSecret);
  const s = await call(t.base, 'POST', '/auth/rest/sessions', {
    token,
    body: validSessionRequest({ allowedProviders: ['idporten', 'ansattporten'] }),
  });
  assert.equal(s.status, 200, JSON.stringify(s.body));
  return fetch(`${t.base}/login/${s.body.id}`, { redirect: 'manual' });
}

describe('PUBLIC_URL on https', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker({ PUBLIC_URL: 'https://localhost' });
  });
  after(() => t.close());

  it('sends HSTS on every response: API, token, pages, health, errors', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    const responses = [
      await fetch(`${t.base}/healthz`),
      await fetch(`${t.base}/no/such/route`),
      await fetch(`${t.base}/auth/rest/sessions/00000000-0000-4000-8000-000000000000`, { headers: { authorization: `Bearer ${token}` } }),
      await fetch(`${t.base}/auth/open/connect/token`, { method: 'POST' }),
      await fetch(`${t.base}/login/00000000-0000-4000-8000-000000000000`),
      await firstPage(t),
    ];
    for (const res of responses) assert.equal(res.headers.get('strict-transport-security'), HSTS, `${res.url} ${res.status}`);
  });

  it('sets the browser cookie Secure', async () => {
    const cookie = (await firstPage(t)).headers.get('set-cookie') ?? '';
    assert.match(cookie, /^eidgate_browser=/);
    assert.match(cookie, /; Secure/);
  });
});

describe('PUBLIC_URL on http (development)', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker();
  });
  after(() => t.close());

  it('sends no HSTS and no Secure cookie', async () => {
    const page = await firstPage(t);
    assert.equal(page.headers.get('strict-transport-security'), null);
    assert.match(page.headers.get('set-cookie') ?? '', /^eidgate_browser=/);
    assert.doesNotMatch(page.headers.get('set-cookie') ?? '', /Secure/);
    assert.equal((await fetch(`${t.base}/healthz`)).headers.get('strict-transport-security'), null);
  });
});
