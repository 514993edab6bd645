// The storage contract, run on whichever store this run uses (CI runs it on PGlite and on PostgreSQL).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Store, type SessionRecord } from '../src/store/index.ts';
import { presentSession } from '../src/http/api/session-presenter.ts';
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
    sessions = new Sessions({
      store,
      sealer: new Sealer(KEY),
      clock,
      findAccount: (id) => store.accounts.get(id),
      isProviderConfigured: async () => true,
      genericProviderIds: async () => [],
      publicHost: 'localhost',
    });
    accountId = (await store.accounts.create({ id: 'a-test-account', name: 'T', callbackDomains: ['example.com'] }))!.id;
  });
  after(async () => {
    await store.close();
    await dropSchema(schema);
  });

  const newSession = async (lifetime = 600) =>
    (await sessions.create(accountId, { flow: 'redirect', requestedAttributes: ['nin', 'name'], callbackUrls, sessionLifetime: lifetime }))
      .session;
  /** The session as its account reads it over the API. */
  const view = async (account: string, id: string) => {
    const s = await sessions.requireForAccount(account, id);
    return presentSession(s, {
      status: sessions.statusOf(s),
      authenticationUrl: `http://localhost/login/${id}`,
      identity: sessions.openIdentity(s),
    });
  };
  const finish = async (s: SessionRecord, o: Outcome) => sessions.finish((await store.sessions.get(s.id)) ?? s, o);
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
    await Promise.all(made.map((s) => view(accountId, s.id)));
    await store.sql.query('ALTER TABLE sessions ADD COLUMN added_later text');
    try {
      const again = await Promise.all(made.map((s) => view(accountId, s.id)));
      assert.deepEqual(
        again.map((s) => s.id),
        made.map((s) => s.id),
      );
    } finally {
      await store.sql.query('ALTER TABLE sessions DROP COLUMN added_later');
    }
  });

  it('refuses a duplicate account id (null, not a second row)', async () => {
    assert.equal(await store.accounts.create({ id: 'a-test-account', name: 'again', callbackDomains: [] }), null);
  });

  it('lets exactly one of many simultaneous completions win; the others get null', async () => {
    const s = await newSession();
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        sessions.finish(
          s,
          i % 3 === 0
            ? success(i)
            : i % 3 === 1
              ? { status: 'ABORT' }
              : { status: 'ERROR', error: { type: 'x', title: 'x', detail: 'x', code: 'provider_error' } },
        ),
      ),
    );
    assert.ok(
      results.every((r) => r.status === 'fulfilled'),
      'a lost race is a result, not an exception',
    );
    const values = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    const won = values.filter((v) => v !== null);
    assert.equal(won.length, 1);
    assert.equal(values.filter((v) => v === null).length, 24);
    const winner = won[0]!;
    const stored = await view(accountId, s.id);
    assert.equal(stored.status, winner.status, 'what is stored is what won');
  });

  it('never changes a finished session again', async () => {
    const s = await newSession();
    assert.ok(await finish(s, success(1)));
    for (const o of [success(2), { status: 'ABORT' } as Outcome]) assert.equal(await finish(s, o), null);
    await assert.rejects(sessions.cancel(accountId, s.id), /can no longer be cancelled/);
    const read = await view(accountId, s.id);
    assert.equal(read.status, 'SUCCESS');
    assert.equal(read.subject?.name, 'Person 1');
  });

  it('refuses to finish an expired session', async () => {
    const s = await newSession(300);
    clock.advance(300);
    try {
      assert.equal(await finish(s, success(3)), null);
      assert.equal((await view(accountId, s.id)).status, 'EXPIRED');
    } finally {
      clock.advance(-300);
    }
  });

  it('keeps identity data sealed at rest, bound to its session', async () => {
    const s = await newSession();
    await finish(s, success(4));
    const rows = await store.sql.query('SELECT * FROM sessions WHERE id = $1', [s.id]);
    const raw = JSON.stringify(rows);
    assert.ok(!raw.includes('01010100004'), 'no national identity number in the row');
    assert.ok(!raw.includes('Person 4'), 'no name in the row');
    assert.ok(!raw.includes('agent 4'), 'no user agent in the row');
    // A sealed blob moved onto another session does not open.
    const other = await newSession();
    await store.sql.query("UPDATE sessions SET identity_enc = $1, status = 'SUCCESS' WHERE id = $2", [rows[0]!.identity_enc, other.id]);
    await assert.rejects(view(accountId, other.id));
  });

  it('gives the same person the same subject id within an account and a different one across accounts', async () => {
    const a = await newSession();
    const b = await newSession();
    await finish(a, success(5));
    await finish(b, success(5));
    const other = (await store.accounts.create({ id: 'a-other-account', name: 'O', callbackDomains: ['example.com'] }))!;
    const c = (await sessions.create(other.id, { flow: 'redirect', requestedAttributes: ['nin'], callbackUrls })).session;
    await finish(c, success(5));
    const idA = (await view(accountId, a.id)).subject?.id;
    assert.equal(idA, (await view(accountId, b.id)).subject?.id);
    assert.notEqual(idA, (await view(other.id, c.id)).subject?.id);
    assert.match(String(idA), /^[A-Za-z0-9_-]{43}=$/, "shaped like Signicat's 44-character base64 id, URL-safe alphabet");
  });

  it('purges sessions finished or expired before the retention cutoff, and only those', async () => {
    const retention = 3600;
    const logs = new LogCapture();
    const purger = new Purger(store, clock, createLogger('info', logs), retention);
    await purger.runOnce();
    const finished = await newSession();
    await finish(finished, { status: 'ABORT' });
    const open = await newSession(600);
    const longLived = await newSession(86400);
    clock.advance(retention + 601);
    const purged = await purger.runOnce();
    assert.ok(purged >= 2);
    assert.equal(await store.sessions.get(finished.id), null, 'finished session purged');
    assert.equal(await store.sessions.get(open.id), null, 'expired session purged');
    assert.ok(await store.sessions.get(longLived.id), 'open session within its lifetime kept');
    clock.advance(-(retention + 601));
  });

  it('purges failure counters an hour after their window and lockout are over, keeping live ones', async () => {
    const rule = { windowMs: 300_000, limit: 2, lockMs: 300_000 };
    await store.authFailures.record('client:old', clock.now(), rule);
    await store.authFailures.record('client:old', clock.now(), rule);
    clock.advance(7200);
    await store.authFailures.record('client:new', clock.now(), rule);
    await new Purger(store, clock, createLogger('silent'), 3600).runOnce();
    const keys = (await store.sql.query<{ key: string }>('SELECT key FROM auth_failures ORDER BY key')).map((r) => r.key);
    assert.ok(!keys.includes('client:old') && keys.includes('client:new'), JSON.stringify(keys));
    clock.advance(-7200);
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
      for (const id of ids) assert.equal(await store.sessions.get(id), null);
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
