// The storage contract, run on whichever store this run uses (CI runs it on PGlite and on PostgreSQL).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Store } from '../src/store/store.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';
import { Sealer } from '../src/crypto.ts';
import { Sessions, type Outcome } from '../src/domain/sessions/sessions.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { Purger } from '../src/domain/sessions/purge.ts';
import { createLogger } from '../src/log.ts';
import { DATABASE_URL, LogCapture, dropSchema, newSchema, onPostgres, testStoreOptions } from './helpers.ts';
import { randomBytes } from 'node:crypto';

const KEY = randomBytes(32).toString('base64');
const callbackUrls = { success: 'https://example.com/s', abort: 'https://example.com/a', error: 'https://example.com/e' };

describe('store contract', () => {
  let store: Store;
  let sessions: Sessions;
  let clock: ManualClock;
  let accountId: string;
  const schema = newSchema();

  before(async () => {
    store = await Store.open(testStoreOptions(schema));
    clock = new ManualClock();
    sessions = new Sessions({ store, sealer: new Sealer(KEY), clock, publicUrl: 'http://localhost:1' });
    accountId = (await store.createAccount({ id: 'a-test-account', name: 'T', callbackDomains: ['example.com'] })).id;
  });
  after(async () => {
    await store.close();
    await dropSchema(schema);
  });

  const newSession = async (lifetime = 600) =>
    (await sessions.create(accountId, { flow: 'redirect', requestedAttributes: ['nin', 'name'], callbackUrls, sessionLifetime: lifetime }))
      .view;
  const success = (n: number): Outcome => ({
    status: 'SUCCESS',
    provider: 'idporten',
    loa: 'substantial',
    attributes: { nin: { value: `0101010000${n % 10}`, issuingCountry: 'NO', type: 'BIRTH' }, name: `Person ${n}` },
    subjectKey: `person-${n}`,
    environment: { ipAddress: '127.0.0.1', userAgent: `agent ${n}` },
  });

  it('keeps reading sessions after a later migration adds a column (statements are prepared per connection)', async () => {
    const made = await Promise.all(Array.from({ length: 12 }, () => newSession()));
    // Read on many pooled connections first, so the read is prepared on each of them.
    await Promise.all(made.map((s) => sessions.get(accountId, s.id)));
    await store.sql.query('ALTER TABLE sessions ADD COLUMN added_later text');
    try {
      const again = await Promise.all(made.map((s) => sessions.get(accountId, s.id)));
      assert.deepEqual(
        again.map((s) => s.id),
        made.map((s) => s.id),
      );
    } finally {
      await store.sql.query('ALTER TABLE sessions DROP COLUMN added_later');
    }
  });

  it('refuses a duplicate account id', async () => {
    await assert.rejects(store.createAccount({ id: 'a-test-account', name: 'again', callbackDomains: [] }), /already exists/);
  });

  it('lets exactly one of many simultaneous completions win; the others get a conflict', async () => {
    const s = await newSession();
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        sessions.finish(
          s.id,
          i % 3 === 0
            ? success(i)
            : i % 3 === 1
              ? { status: 'ABORT' }
              : { status: 'ERROR', error: { type: 'x', title: 'x', detail: 'x', code: 'session_error' } },
        ),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 24);
    for (const l of lost) assert.equal(l.reason.code, 'conflict');
    const winner = (won[0] as PromiseFulfilledResult<{ status: string }>).value;
    const stored = await sessions.get(accountId, s.id);
    assert.equal(stored.status, winner.status, 'what is stored is what won');
  });

  it('never changes a finished session again', async () => {
    const s = await newSession();
    await sessions.finish(s.id, success(1));
    for (const o of [success(2), { status: 'ABORT' } as Outcome]) await assert.rejects(sessions.finish(s.id, o), /already SUCCESS/);
    await assert.rejects(sessions.cancel(accountId, s.id), /can no longer be cancelled/);
    const view = await sessions.get(accountId, s.id);
    assert.equal(view.status, 'SUCCESS');
    assert.equal(view.subject?.name, 'Person 1');
  });

  it('refuses to finish an expired session', async () => {
    const s = await newSession(300);
    clock.advance(300);
    await assert.rejects(sessions.finish(s.id, success(3)), /already EXPIRED/);
    clock.advance(-300);
  });

  it('keeps identity data sealed at rest, bound to its session', async () => {
    const s = await newSession();
    await sessions.finish(s.id, success(4));
    const rows = await store.sql.query('SELECT * FROM sessions WHERE id = $1', [s.id]);
    const raw = JSON.stringify(rows);
    assert.ok(!raw.includes('01010100004'), 'no national identity number in the row');
    assert.ok(!raw.includes('Person 4'), 'no name in the row');
    assert.ok(!raw.includes('agent 4'), 'no user agent in the row');
    // A sealed blob moved onto another session does not open.
    const other = await newSession();
    await store.sql.query("UPDATE sessions SET identity_enc = $1, status = 'SUCCESS' WHERE id = $2", [rows[0]!.identity_enc, other.id]);
    await assert.rejects(sessions.get(accountId, other.id));
  });

  it('gives the same person the same subject id within an account and a different one across accounts', async () => {
    const a = await newSession();
    const b = await newSession();
    await sessions.finish(a.id, success(5));
    await sessions.finish(b.id, success(5));
    const other = await store.createAccount({ id: 'a-other-account', name: 'O', callbackDomains: ['example.com'] });
    const c = (await sessions.create(other.id, { flow: 'redirect', requestedAttributes: ['nin'], callbackUrls })).view;
    await sessions.finish(c.id, success(5));
    const idA = (await sessions.get(accountId, a.id)).subject?.id;
    assert.equal(idA, (await sessions.get(accountId, b.id)).subject?.id);
    assert.notEqual(idA, (await sessions.get(other.id, c.id)).subject?.id);
    assert.match(String(idA), /^[A-Za-z0-9+/]{43}=$/, "shaped like Signicat's 44-character base64 id");
  });

  it('purges sessions finished or expired before the retention cutoff, and only those', async () => {
    const retention = 3600;
    const logs = new LogCapture();
    const purger = new Purger(store, clock, createLogger('info', logs), retention);
    await purger.runOnce();
    const finished = await newSession();
    await sessions.finish(finished.id, { status: 'ABORT' });
    const open = await newSession(600);
    const longLived = await newSession(86400);
    clock.advance(retention + 601);
    const purged = await purger.runOnce();
    assert.ok(purged >= 2);
    assert.equal(await store.getSession(finished.id), null, 'finished session purged');
    assert.equal(await store.getSession(open.id), null, 'expired session purged');
    assert.ok(await store.getSession(longLived.id), 'open session within its lifetime kept');
    clock.advance(-(retention + 601));
  });

  it('lets several purgers run at once without errors or double counting', async () => {
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push((await newSession(300)).id);
    clock.advance(10 * 86400);
    const a = await Store.open(testStoreOptions(schema));
    const b = await Store.open(testStoreOptions(schema));
    try {
      const log = createLogger('silent');
      const counts = await Promise.all([store, a, b].map((s) => new Purger(s, clock, log, 60).runOnce()));
      assert.ok(counts.reduce((x, y) => x + y, 0) >= 30);
      for (const id of ids) assert.equal(await store.getSession(id), null);
    } finally {
      await a.close();
      await b.close();
      clock.advance(-10 * 86400);
    }
  });
});

describe('migrations', () => {
  it('record each version once, and a second open finds nothing to do', async () => {
    const schema = newSchema();
    const s1 = await Store.open(testStoreOptions(schema));
    try {
      const rows = await s1.sql.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r) => r.version),
        MIGRATIONS.map((m) => m.version),
      );
    } finally {
      await s1.close();
      await dropSchema(schema);
    }
  });

  it('run once when several processes start together on one PostgreSQL', { skip: !onPostgres && 'needs DATABASE_URL' }, async () => {
    const schema = newSchema();
    // Separate pools are separate server sessions, as separate processes would be.
    const stores = await Promise.all(Array.from({ length: 4 }, () => Store.open({ databaseUrl: DATABASE_URL, schema })));
    try {
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      const { rows } = await c.query(`SELECT version, count(*)::int AS n FROM ${schema}.schema_migrations GROUP BY version`);
      await c.end();
      assert.equal(rows.length, MIGRATIONS.length);
      for (const r of rows) assert.equal(r.n, 1);
      await Promise.all(stores.map((s) => s.ping()));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await dropSchema(schema);
    }
  });
});
