// The OpenID Provider's storage adapter on eidgate's store (PGlite or PostgreSQL, as CI chose): payloads
// sealed at rest and bound to their row, lookups by uid and grant, consume, expiry honoured on read and
// purged by the purge job.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Sealer } from '../src/crypto.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { Purger } from '../src/domain/sessions/purge.ts';
import { storeAdapter } from '../src/http/op/adapter.ts';
import { createLogger } from '../src/log.ts';
import { Store } from '../src/store/index.ts';
import { dropSchema, LogCapture, newSchema, testStoreOptions } from './helpers.ts';

describe('OP storage adapter', () => {
  const schema = newSchema();
  let store: Store;
  let adapter: ReturnType<typeof storeAdapter>;
  const sealer = new Sealer(randomBytes(32).toString('base64'));

  before(async () => {
    store = await Store.open(testStoreOptions(schema));
    adapter = storeAdapter({ store, sealer, clientMetadata: async () => undefined });
  });
  after(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('stores payloads sealed and reads them back', async () => {
    const a = adapter('Session');
    await a.upsert('s1', { accountId: 'person-secret-marker', uid: 'u1' }, 60);
    assert.deepEqual(await a.find('s1'), { accountId: 'person-secret-marker', uid: 'u1' });
    assert.deepEqual(await a.findByUid('u1'), { accountId: 'person-secret-marker', uid: 'u1' });
    const rows = await store.sql.query<{ payload_enc: string }>("SELECT payload_enc FROM oidc_payloads WHERE id = 's1'");
    assert.equal(rows.length, 1);
    assert.ok(!rows[0]!.payload_enc.includes('marker'), 'no plaintext at rest');
    assert.equal(await adapter('Interaction').find('s1'), undefined, 'models do not share ids');
  });

  it('a sealed payload moved to another row does not open', async () => {
    const a = adapter('AccessToken');
    await a.upsert('t1', { accountId: 'x' }, 60);
    await store.sql.query("UPDATE oidc_payloads SET id = 't2' WHERE model = 'AccessToken' AND id = 't1'");
    await assert.rejects(a.find('t2'));
  });

  it('consume marks a code used; revokeByGrantId removes everything of the grant', async () => {
    const codes = adapter('AuthorizationCode');
    const tokens = adapter('AccessToken');
    await codes.upsert('c1', { grantId: 'g1', accountId: 'a' }, 60);
    await tokens.upsert('at1', { grantId: 'g1', accountId: 'a' }, 60);
    await tokens.upsert('at2', { grantId: 'g2', accountId: 'a' }, 60);
    assert.equal((await codes.find('c1'))?.consumed, undefined);
    await codes.consume('c1');
    assert.equal(typeof (await codes.find('c1'))?.consumed, 'number');
    await codes.revokeByGrantId('g1');
    assert.equal(await codes.find('c1'), undefined);
    assert.equal(await tokens.find('at1'), undefined);
    assert.ok(await tokens.find('at2'));
    await tokens.destroy('at2');
    assert.equal(await tokens.find('at2'), undefined);
  });

  it('two exchanges of one code at once: only the first consume wins; the other fails and revokes the grant', async () => {
    // oidc-provider reads the code, sees it unused, then consumes it: two token requests racing both read
    // "unused". The consume itself must tell them apart, or both would get tokens.
    const codes = adapter('AuthorizationCode');
    const tokens = adapter('AccessToken');
    await codes.upsert('race', { grantId: 'g-race', accountId: 'a' }, 60);
    await tokens.upsert('at-race', { grantId: 'g-race', accountId: 'a' }, 60);
    const results = await Promise.allSettled([codes.consume('race'), codes.consume('race')]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal((lost.reason as { error?: string }).error, 'invalid_grant');
    assert.equal(await tokens.find('at-race'), undefined, "the grant's tokens are revoked");
  });

  it('an expired payload is never answered, and the purge deletes it', async () => {
    const a = adapter('Interaction');
    await a.upsert('old', { uid: 'old-uid' }, -5);
    await a.upsert('live', { uid: 'live-uid' }, 600);
    assert.equal(await a.find('old'), undefined);
    assert.equal(await a.findByUid('old-uid'), undefined);
    const clock = new ManualClock();
    await new Purger(store, clock, createLogger('silent', new LogCapture()), 3600).runOnce();
    const left = await store.sql.query<{ id: string }>("SELECT id FROM oidc_payloads WHERE model = 'Interaction' ORDER BY id");
    assert.deepEqual(
      left.map((r) => r.id),
      ['live'],
    );
  });
});
