// What a person's browser meets outside the journey, over HTTP: the favicon (broker and simulator), a page
// rather than JSON for an unknown address a browser opens (API clients still get Signicat's error object),
// and 127.0.0.1 against a PUBLIC_URL of localhost (cookies are host-bound: the browser is sent to the one
// address the journey runs on).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningSimulator, startSimulator } from '../src/simulator/simulator.ts';
import { call, getToken, startBroker, type TestBroker, validSessionRequest } from './helpers.ts';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('pages outside the journey', () => {
  let t: TestBroker;
  let sim: RunningSimulator;
  before(async () => {
    t = await startBroker({}, { bootstrap: true });
    sim = await startSimulator({ port: 0, clients: [] });
  });
  after(async () => {
    await t?.close();
    await sim?.close();
  });

  it('the broker and the simulator answer /favicon.ico and link their SVG favicon from every page', async () => {
    for (const url of [
      `${t.base}/favicon.ico`,
      `${t.base}/favicon.svg`,
      `${sim.issuer}/favicon.ico`,
      `${sim.issuer}/static/simulator.svg`,
    ]) {
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers.get('content-type'), 'image/svg+xml', url);
      assert.match(await res.text(), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/, url);
    }
    const page = await (await fetch(`${t.config.publicUrl}/login/00000000-0000-4000-8000-000000000000`)).text();
    assert.match(page, /<link rel="icon" href="\/favicon.svg" type="image\/svg\+xml">/);
    const simPage = await (await fetch(`${sim.issuer}/authorize?client_id=nobody`)).text();
    assert.match(simPage, /<link rel="icon" href="\/static\/simulator.svg" type="image\/svg\+xml">/);
  });

  it('an unknown path is a page for a browser and the error object for everyone else', async () => {
    const page = await fetch(`${t.base}/no/such/page?lang=en`, { headers: { accept: BROWSER_ACCEPT } });
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await page.text();
    assert.match(html, /<html lang="en">/);
    assert.match(html, /This page does not exist\./);
    assert.match(html, new RegExp(page.headers.get('x-trace-id') ?? 'no trace id'), 'a reference for support');

    for (const accept of [undefined, 'application/json', '*/*', 'application/json, text/html']) {
      const res = await fetch(`${t.base}/no/such/page`, { headers: accept ? { accept } : {} });
      assert.equal(res.status, 404, String(accept));
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, String(accept));
      const body = await res.json();
      assert.equal(body.code, 'not_found');
      assert.equal(body.status, 404);
    }
    // A browser posting somewhere unknown is no navigation to a page: the error object.
    const post = await fetch(`${t.base}/no/such/page`, { method: 'POST', headers: { accept: BROWSER_ACCEPT } });
    assert.match(post.headers.get('content-type') ?? '', /^application\/json/);
  });

  it('a browser that opened 127.0.0.1 is sent to the address PUBLIC_URL names (localhost), path and query kept', async () => {
    assert.match(t.config.publicUrl, /^http:\/\/localhost:/);
    assert.match(t.base, /^http:\/\/127\.0\.0\.1:/);
    const port = new URL(t.base).port;
    for (const path of ['/?lang=en', '/dev/themes/none', '/login/00000000-0000-4000-8000-000000000000?lang=nn']) {
      const res = await fetch(`${t.base}${path}`, { headers: { accept: BROWSER_ACCEPT }, redirect: 'manual' });
      assert.equal(res.status, 307, path);
      assert.equal(res.headers.get('location'), `http://localhost:${port}${path}`, path);
    }
    // At the right address, and for API clients, nothing changes.
    assert.equal((await fetch(`${t.config.publicUrl}/?lang=en`, { headers: { accept: BROWSER_ACCEPT }, redirect: 'manual' })).status, 200);
    assert.equal((await fetch(`${t.base}/`, { redirect: 'manual' })).status, 200);
    // A provider's callback is left where the provider sent it.
    const callback = await fetch(`${t.base}/auth/callback/idporten?state=x`, { headers: { accept: BROWSER_ACCEPT }, redirect: 'manual' });
    assert.notEqual(callback.status, 307);
  });

  it('a login whose requestDomain is 127.0.0.1 stays there, and one on localhost opened at 127.0.0.1 moves to localhost', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    const create = async (extra: Record<string, unknown>) => {
      const res = await call(t.base, 'POST', '/auth/rest/sessions', { token, body: validSessionRequest(extra) });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as { id: string; authenticationUrl: string };
    };
    await t.broker.accounts.addRequestDomain(t.accountId, '127.0.0.1');
    const on127 = await create({ requestDomain: '127.0.0.1' });
    assert.match(on127.authenticationUrl, /^http:\/\/127\.0\.0\.1:/);
    const there = await fetch(on127.authenticationUrl, { headers: { accept: BROWSER_ACCEPT }, redirect: 'manual' });
    assert.notEqual(there.status, 307);
    const moved = await fetch(on127.authenticationUrl.replace('127.0.0.1', 'localhost'), {
      headers: { accept: BROWSER_ACCEPT },
      redirect: 'manual',
    });
    assert.equal(moved.status, 307);
    assert.equal(moved.headers.get('location'), on127.authenticationUrl);

    const plain = await create({});
    const atIp = await fetch(plain.authenticationUrl.replace('localhost', '127.0.0.1'), {
      headers: { accept: BROWSER_ACCEPT },
      redirect: 'manual',
    });
    assert.equal(atIp.status, 307);
    assert.equal(atIp.headers.get('location'), plain.authenticationUrl);
  });
});
