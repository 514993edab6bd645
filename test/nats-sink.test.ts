// The second sink: the same event envelopes published to NATS JetStream (the local server on 127.0.0.1:4222),
// claimed from the outbox like webhook deliveries, at least once, each with Nats-Msg-Id = the event id so the
// server drops a republished one. A consumer reads the stream as an integrator's would.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AckPolicy, connect, type JsMsg, type NatsConnection } from 'nats';
import { NatsSink } from '../src/domain/events/nats-sink.ts';
import type { Outcome } from '../src/domain/sessions/sessions.ts';
import { createLogger } from '../src/log.ts';
import { onPostgres, startBroker, type TestBroker, validSessionRequest } from './helpers.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('NATS JetStream sink', () => {
  let t: TestBroker;
  let nc: NatsConnection;
  const suffix = randomBytes(4).toString('hex');
  const stream = `EIDGATE_TEST_${suffix}`;
  const prefix = `eidgate-test-${suffix}.events`;

  before(async () => {
    t = await startBroker({ NATS_URL, NATS_STREAM: stream, NATS_SUBJECT_PREFIX: prefix });
    nc = await connect({ servers: NATS_URL });
  });
  after(async () => {
    await t.close();
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  /** Every message in the stream, in order, read with an ephemeral pull consumer. */
  async function readStream(): Promise<JsMsg[]> {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream);
    const n = info.state.messages;
    if (n === 0) return [];
    const name = `c${randomBytes(4).toString('hex')}`;
    await jsm.consumers.add(stream, { name, ack_policy: AckPolicy.None });
    const consumer = await nc.jetstream().consumers.get(stream, name);
    const out: JsMsg[] = [];
    const batch = await consumer.fetch({ max_messages: n, expires: 5000 });
    for await (const m of batch) {
      out.push(m);
      if (out.length === n) break;
    }
    await jsm.consumers.delete(stream, name);
    return out;
  }

  const finish = async (id: string, outcome: Outcome) => {
    const s = await t.broker.sessions.find(id);
    assert.ok(s && (await t.broker.sessions.finish(s, outcome)));
  };

  it('publishes each event once, in Signicat envelope, with Nats-Msg-Id = event id, on <prefix>.<account>.<eventName>', async () => {
    const a = await t.broker.sessions.create(t.accountId, validSessionRequest({ tags: ['x'] }) as never);
    const b = await t.broker.sessions.create(t.accountId, validSessionRequest() as never);
    await finish(a.session.id, { status: 'ABORT', provider: 'idporten' });
    await t.broker.sessions.cancel(t.accountId, b.session.id);
    const round = await t.broker.eventJobs.runOnce();
    assert.equal(round.bus?.published, 4, JSON.stringify(round));
    const events = await t.broker.store.events.list(t.accountId);
    assert.equal(events.length, 4);
    const msgs = await readStream();
    assert.equal(msgs.length, 4);
    for (const [i, m] of msgs.entries()) {
      const envelope = m.json<Record<string, unknown>>();
      assert.deepEqual(envelope, events[i]);
      assert.deepEqual(Object.keys(envelope), [
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
      assert.equal(m.headers?.get('Nats-Msg-Id'), events[i]!.id);
      assert.equal(m.subject, `${prefix}.${t.accountId}.${events[i]!.eventName}`);
    }
    assert.deepEqual(
      msgs.map((m) => m.json<{ eventName: string }>().eventName),
      [
        'authentication-api:session.created',
        'authentication-api:session.created',
        'authentication-api:session.abort',
        'authentication-api:session.cancelled',
      ],
    );
    assert.equal((await t.broker.eventJobs.runOnce()).bus?.published, 0, 'a published event is not claimed again');
  });

  it('a broker that dies after publishing, before recording it, republishes: the server drops the duplicate by Nats-Msg-Id', async () => {
    const before = (await readStream()).length;
    const { session } = await t.broker.sessions.create(t.accountId, validSessionRequest() as never);
    assert.equal((await t.broker.eventJobs.runOnce()).bus?.published, 1);
    // What a crash between the publish ack and the UPDATE leaves behind: the event still unpublished, its lease over.
    await t.broker.store.sql.query(
      "UPDATE events SET bus_published_at = NULL, bus_next_attempt_at = NULL WHERE envelope->'eventData'->>'sessionId' = $1",
      [session.id],
    );
    const again = await t.broker.eventJobs.runOnce();
    assert.equal(again.bus?.published, 1, 'published again (at least once)');
    assert.equal(again.bus?.duplicates, 1, 'and the server recognised it');
    assert.equal((await readStream()).length, before + 1, 'one message in the stream');
  });

  it('with NATS unreachable the events stay pending and go out once it is back', async () => {
    // Another process of the broker whose NATS is unreachable (same store, its own sink).
    const down = new NatsSink(
      { store: t.broker.store, clock: t.clock, log: createLogger('silent') },
      {
        url: 'nats://127.0.0.1:9',
        stream,
        subjectPrefix: prefix,
      },
    );
    try {
      const before = (await readStream()).length;
      const { session } = await t.broker.sessions.create(t.accountId, validSessionRequest() as never);
      const failed = await down.runOnce();
      assert.deepEqual(failed, { published: 0, duplicates: 0, failed: 1 });
      assert.equal((await readStream()).length, before);
      assert.equal((await t.broker.eventJobs.runOnce()).bus?.published, 0, 'the retry waits for its backoff');
      // Past the backoff, the process that reaches NATS publishes it (with the expiry events the hour brings).
      t.clock.advance(60 * 60);
      await t.broker.eventJobs.runOnce();
      const created = (await readStream()).filter((m) => {
        const e = m.json<{ eventName: string; eventData: { sessionId: string } }>();
        return e.eventData.sessionId === session.id && e.eventName === 'authentication-api:session.created';
      });
      assert.equal(created.length, 1);
    } finally {
      await down.close();
    }
  });

  it('two broker processes on one PostgreSQL share the work: each event published once, no duplicate', {
    skip: !onPostgres && 'PostgreSQL only (PGlite is one process)',
  }, async () => {
    const second = await startBroker({ NATS_URL, NATS_STREAM: stream, NATS_SUBJECT_PREFIX: prefix }, {}, t);
    try {
      await t.broker.eventJobs.runOnce();
      const before = (await readStream()).length;
      const n = 40;
      for (let i = 0; i < n; i++) await t.broker.sessions.create(t.accountId, validSessionRequest() as never);
      const rounds = await Promise.all([
        t.broker.eventJobs.runOnce(),
        second.broker.eventJobs.runOnce(),
        t.broker.eventJobs.runOnce(),
        second.broker.eventJobs.runOnce(),
      ]);
      const published = rounds.reduce((sum, r) => sum + (r.bus?.published ?? 0), 0);
      const duplicates = rounds.reduce((sum, r) => sum + (r.bus?.duplicates ?? 0), 0);
      assert.equal(published, n);
      assert.equal(duplicates, 0);
      assert.ok(rounds.filter((r) => (r.bus?.published ?? 0) > 0).length >= 1);
      assert.equal((await readStream()).length, before + n);
    } finally {
      await second.close();
    }
  });
});
