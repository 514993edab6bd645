// The event outbox: every session transition a backend cares about writes one event in Signicat's envelope, in
// the same transaction as the change; the expiry sweeper writes EXPIRED and its event. Runs on the store CI
// chose (PGlite, or PostgreSQL with DATABASE_URL); the concurrent sweepers need two pools on one server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SESSION_EVENT_NAMES } from '../src/domain/events/envelope.ts';
import type { Outcome } from '../src/domain/sessions/sessions.ts';
import { call, getToken, onPostgres, startBroker, type TestBroker, validSessionRequest } from './helpers.ts';

const IDENTITY: Outcome = {
  status: 'SUCCESS',
  provider: 'idporten',
  loa: 'substantial',
  subjectKey: 'pid-29029900245',
  attributes: {
    nin: { value: '29029900245', issuingCountry: 'NO', type: 'BIRTH' },
    firstName: 'Kari',
    lastName: 'Nordmann',
    name: 'Kari Nordmann',
  },
  environment: { ipAddress: '203.0.113.7', userAgent: 'test-agent' },
};

describe('session events', () => {
  let t: TestBroker;
  let token: string;
  before(async () => {
    t = await startBroker({ EVENT_TTL_SECONDS: '3600' });
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(() => t.close());

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await call(t.base, 'POST', '/auth/rest/sessions', { token, body: validSessionRequest(overrides) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const eventsOf = async (sessionId: string) =>
    (await t.broker.store.events.list(t.accountId)).filter((e) => e.eventData.sessionId === sessionId);

  it('create writes session.created in Signicat envelope: nine fields, tags copied, expiresAt after the TTL', async () => {
    const id = await create({ tags: ['kommune', 'test'], externalReference: 'ext-1', usageReference: 'use-1' });
    const [event, ...more] = await eventsOf(id);
    assert.equal(more.length, 0);
    assert.ok(event);
    assert.deepEqual(Object.keys(event).sort(), [
      'accountId',
      'eventData',
      'eventName',
      'expiresAt',
      'id',
      'organizationId',
      'sender',
      'tags',
      'timestamp',
    ]);
    assert.match(event.id, /^[0-9a-f]{32}$/);
    assert.equal(event.sender, 'authentication-api');
    assert.equal(event.eventName, 'authentication-api:session.created');
    assert.equal(event.accountId, t.accountId);
    assert.equal(event.organizationId, null);
    assert.deepEqual(event.tags, ['kommune', 'test']);
    assert.equal(new Date(event.expiresAt).getTime() - new Date(event.timestamp).getTime(), 3600_000);
    assert.deepEqual(event.eventData, {
      sessionId: id,
      status: 'CREATED',
      provider: null,
      externalReference: 'ext-1',
      usageReference: 'use-1',
      errorCode: null,
    });
  });

  it('SUCCESS, ABORT, ERROR, CANCELLED: one event each, and none carries identity data', async () => {
    const finish = async (outcome: Outcome) => {
      const id = await create();
      const session = await t.broker.sessions.find(id);
      assert.ok(session && (await t.broker.sessions.finish(session, outcome)));
      return id;
    };
    const success = await finish(IDENTITY);
    const abort = await finish({ status: 'ABORT', provider: 'idporten' });
    const error = await finish({
      status: 'ERROR',
      provider: 'idporten',
      error: { type: 'urn:eidgate:session-error:loa_too_low', title: 'LoA', detail: 'too low', code: 'loa_too_low' },
    });
    const cancelled = await create();
    assert.equal((await call(t.base, 'POST', `/auth/rest/sessions/${cancelled}/cancel`, { token })).status, 200);

    const expect = [
      [success, 'SUCCESS', SESSION_EVENT_NAMES.SUCCESS, null],
      [abort, 'ABORT', SESSION_EVENT_NAMES.ABORT, null],
      [error, 'ERROR', SESSION_EVENT_NAMES.ERROR, 'loa_too_low'],
      [cancelled, 'CANCELLED', SESSION_EVENT_NAMES.CANCELLED, null],
    ] as const;
    for (const [id, status, name, errorCode] of expect) {
      const events = await eventsOf(id);
      assert.deepEqual(
        events.map((e) => e.eventName),
        [SESSION_EVENT_NAMES.CREATED, name],
        status,
      );
      assert.equal(events[1]?.eventData.status, status);
      assert.equal(events[1]?.eventData.errorCode, errorCode);
    }
    const [, successEvent] = await eventsOf(success);
    assert.equal(successEvent?.eventData.provider, 'idporten');
    const text = JSON.stringify(successEvent);
    for (const secret of ['29029900245', 'Kari', 'Nordmann', '203.0.113.7', 'test-agent', 'subject'])
      assert.ok(!text.includes(secret), `the event carries ${secret}`);
  });

  it('a transition that does not happen writes no event (cancel of a finished session)', async () => {
    const id = await create();
    assert.equal((await call(t.base, 'POST', `/auth/rest/sessions/${id}/cancel`, { token })).status, 200);
    assert.equal((await call(t.base, 'POST', `/auth/rest/sessions/${id}/cancel`, { token })).status, 409);
    assert.equal((await eventsOf(id)).length, 2);
  });

  it('a change whose event cannot be written does not commit (same transaction)', async () => {
    const id = await create();
    // The store refuses this one event: the cancel must fail as a whole, leaving the session open.
    await t.broker.store.sql.query(
      "ALTER TABLE events ADD CONSTRAINT refuse_cancelled CHECK (event_name <> 'authentication-api:session.cancelled') NOT VALID",
    );
    try {
      const res = await call(t.base, 'POST', `/auth/rest/sessions/${id}/cancel`, { token });
      assert.equal(res.status, 500);
      assert.equal((await t.broker.sessions.find(id))?.status, 'CREATED');
      assert.deepEqual(
        (await eventsOf(id)).map((e) => e.eventName),
        [SESSION_EVENT_NAMES.CREATED],
      );
    } finally {
      await t.broker.store.sql.query('ALTER TABLE events DROP CONSTRAINT refuse_cancelled');
    }
  });

  it('the expiry sweeper writes EXPIRED and its event once; finished sessions are left alone', async () => {
    const open = await create({ sessionLifetime: 300 });
    const waiting = await create({ sessionLifetime: 300 });
    await t.broker.store.sql.query("UPDATE sessions SET status = 'WAITING_FOR_USER' WHERE id = $1", [waiting]);
    const done = await create({ sessionLifetime: 300 });
    assert.equal((await call(t.base, 'POST', `/auth/rest/sessions/${done}/cancel`, { token })).status, 200);
    assert.equal((await t.broker.eventJobs.runOnce()).sessionsExpired, 0, 'nothing has expired yet');
    t.clock.advance(300);
    assert.ok((await t.broker.eventJobs.runOnce()).sessionsExpired >= 2);
    assert.equal((await t.broker.eventJobs.runOnce()).sessionsExpired, 0, 'a second sweep finds nothing');
    for (const id of [open, waiting]) {
      const row = await t.broker.sessions.find(id);
      assert.equal(row?.status, 'EXPIRED');
      assert.equal(row?.finishedAt?.getTime(), row?.expiresAt.getTime());
      const events = await eventsOf(id);
      assert.deepEqual(
        events.map((e) => e.eventName),
        [SESSION_EVENT_NAMES.CREATED, SESSION_EVENT_NAMES.EXPIRED],
      );
      assert.equal(events[1]?.eventData.status, 'EXPIRED');
    }
    assert.equal((await t.broker.sessions.find(done))?.status, 'CANCELLED');
    assert.deepEqual(
      (await eventsOf(done)).map((e) => e.eventName),
      [SESSION_EVENT_NAMES.CREATED, SESSION_EVENT_NAMES.CANCELLED],
    );
    const res = await call(t.base, 'GET', `/auth/rest/sessions/${open}`, { token });
    assert.equal(res.body.status, 'EXPIRED');
  });
});

describe('two processes sweeping at once', { skip: !onPostgres && 'needs PostgreSQL (two pools on one store)' }, () => {
  it('each expired session gets EXPIRED and exactly one event', async () => {
    const a = await startBroker();
    const b = await startBroker({}, {}, a);
    try {
      const token = await getToken(a.base, a.clientId, a.clientSecret);
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) {
        const res = await call(a.base, 'POST', '/auth/rest/sessions', { token, body: validSessionRequest({ sessionLifetime: 300 }) });
        ids.push(res.body.id);
      }
      a.clock.advance(301);
      b.clock.advance(301);
      const [x, y] = await Promise.all([a.broker.sessions.expireDue(), b.broker.sessions.expireDue()]);
      assert.equal(x + y, 60);
      const expired = (await a.broker.store.events.list(a.accountId)).filter((e) => e.eventName === SESSION_EVENT_NAMES.EXPIRED);
      assert.equal(expired.length, 60);
      assert.equal(new Set(expired.map((e) => e.eventData.sessionId)).size, 60);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
