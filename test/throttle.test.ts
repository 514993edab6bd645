// Lockout after repeated failed authentications at the token endpoint (issue 12: 1,200 wrong secrets a
// second were answered with no 429). Counted in the store, so two broker processes on one store share the
// counters: guesses spread over processes still lock the client, and every process honours the lockout.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, onPostgres, startBroker, type TestBroker } from './helpers.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const tokenRequest = (base: string, clientId: string, secret: string) =>
  call(base, 'POST', '/auth/open/connect/token', {
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'signicat-api',
      client_id: clientId,
      client_secret: secret,
    }).toString(),
    headers: FORM,
  });

describe('token endpoint lockout, shared by two broker processes', () => {
  let a: TestBroker;
  let b: TestBroker;
  before(async () => {
    a = await startBroker();
    // On PostgreSQL a second broker on the same store; the embedded store has one process, so both are one.
    b = onPostgres ? await startBroker({}, {}, a) : a;
  });
  after(async () => {
    if (b !== a) await b?.close();
    await a?.close();
  });

  it('10 wrong secrets spread over two processes lock the client on both, even for the right secret; the lock ends', async () => {
    for (let i = 0; i < 9; i++) {
      const res = await tokenRequest(i % 2 ? b.base : a.base, a.clientId, `wrong-${i}`);
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    const tenth = await tokenRequest(b.base, a.clientId, 'wrong-10');
    assert.equal(tenth.status, 429);
    assert.equal(tenth.body.error, 'invalid_request');
    assert.match(tenth.body.error_description, /try again in \d+ s/);
    const wait = Number(tenth.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 300, `Retry-After ${wait}`);
    // The process that did not see the tenth failure refuses the right secret too.
    const right = await tokenRequest(a.base, a.clientId, a.clientSecret);
    assert.equal(right.status, 429, JSON.stringify(right.body));
    assert.ok(Number(right.headers.get('retry-after')) > 0);
    assert.ok(a.logs.entries().some((e) => e.msg === 'client authentication refused: locked after repeated failures'));
    // After the lockout the right secret works again. (Each broker's ManualClock started when the broker
    // did, so B's, which set the lock, runs a few seconds ahead of A's: advance well past five minutes.)
    a.clock.advance(600);
    assert.equal((await tokenRequest(a.base, a.clientId, a.clientSecret)).status, 200);
  });
});

describe('token endpoint lockout per source address', () => {
  let t: TestBroker;
  before(async () => {
    t = await startBroker();
  });
  after(() => t.close());

  it('100 failures from one address, each for another client id, lock the address', async () => {
    for (let i = 0; i < 99; i++) assert.equal((await tokenRequest(t.base, `client-guess-${i}`, 'x')).status, 401);
    assert.equal((await tokenRequest(t.base, 'client-guess-99', 'x')).status, 429);
    assert.equal((await tokenRequest(t.base, t.clientId, t.clientSecret)).status, 429, 'a valid client from that address too');
  });
});
