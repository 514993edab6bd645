// The encryption key at rest: a key that is not the store's is refused at start; rotation keeps everything
// readable and every pseudonym unchanged; `keys reseal` moves every sealed column to the current key.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeAdapter } from '../src/http/op/adapter.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { AAD, Sealer } from '../src/crypto.ts';
import { EncryptionKeyMismatch, openSealer, resealStore } from '../src/domain/encryption-keys.ts';
import { systemClock } from '../src/domain/clock.ts';
import { KeyRing } from '../src/domain/keys.ts';
import { ProviderConfigs } from '../src/domain/providers/configs.ts';
import { Webhooks } from '../src/domain/webhooks/subscriptions.ts';
import { Store } from '../src/store/index.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker } from '../src/broker.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { dropSchema, LogCapture, newSchema, testStoreOptions } from './helpers.ts';

const newKey = () => randomBytes(32).toString('base64');
const stores: { store: Store; schema: string }[] = [];
after(async () => {
  for (const { store, schema } of stores) {
    await store.close();
    await dropSchema(schema);
  }
});

async function freshStore(): Promise<Store> {
  const schema = newSchema();
  const store = await Store.open(testStoreOptions(schema));
  stores.push({ store, schema });
  return store;
}

/** A session row carrying both sealed columns, written as the session service writes them. */
async function insertSession(store: Store, sealer: Sealer, accountId: string): Promise<string> {
  const id = randomUUID();
  await store.sql.query(
    `INSERT INTO sessions (id, account_id, status, request, created_at, expires_at, identity_enc, journey_state, journey_enc)
     VALUES ($1, $2, 'SUCCESS', '{}', now(), now() + interval '1 hour', $3, $4, $5)`,
    [
      id,
      accountId,
      sealer.sealJson({ nin: '01010112345' }, AAD.session(id)),
      `state-${id}`,
      sealer.sealJson({ nonce: 'n' }, AAD.journey(id)),
    ],
  );
  return id;
}

describe('the encryption key check', () => {
  it('refuses a key that is not the store’s, naming EIDGATE_ENCRYPTION_KEY, and accepts it again while rotating', async () => {
    const store = await freshStore();
    const k1 = newKey();
    const first = await openSealer(store, { current: k1, old: [] });
    const k2 = newKey();
    await assert.rejects(openSealer(store, { current: k2, old: [] }), (e: unknown) => {
      assert.ok(e instanceof EncryptionKeyMismatch);
      assert.match(e.message, /^the store was sealed with another encryption key: set EIDGATE_ENCRYPTION_KEY/);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    });
    const rotated = await openSealer(store, { current: k2, old: [k1] });
    assert.equal(rotated.pseudonym('a-1', 'person'), first.pseudonym('a-1', 'person'));
  });

  it('on a store from before the check, recognises its key by its signing keys and keeps its pseudonyms', async () => {
    const store = await freshStore();
    const k1 = newKey();
    // What a broker of the previous version left behind: a signing key sealed with k1, no key check row.
    const legacy = new Sealer(k1);
    await new KeyRing(store, legacy, systemClock).init();
    await assert.rejects(openSealer(store, { current: newKey(), old: [] }), EncryptionKeyMismatch);
    assert.equal(await store.sealedColumns.keyCheck(), undefined, 'a refused start records nothing');
    const k2 = newKey();
    const sealer = await openSealer(store, { current: k2, old: [k1] });
    assert.equal(sealer.pseudonym('a-1', 'idporten', 'person'), legacy.pseudonym('a-1', 'idporten', 'person'));
  });
});

describe('keys reseal', () => {
  it('re-seals every sealed column in batches, after which the new key alone opens everything and pseudonyms are unchanged', async () => {
    const store = await freshStore();
    const k1 = newKey();
    const before = await openSealer(store, { current: k1, old: [] });
    await new KeyRing(store, before, systemClock).init();
    const accountId = (await store.accounts.create({ id: 'a-reseal-test', name: 'T', callbackDomains: ['example.com'] }))!.id;
    const providers = new ProviderConfigs(store, before);
    for (const providerId of ['idporten', 'ansattporten']) {
      await providers.save(accountId, {
        providerId,
        issuer: 'https://idp.example',
        clientId: 'c',
        clientSecret: `secret-${providerId}`,
        clientAuth: 'client_secret_basic',
        par: false,
      });
    }
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await insertSession(store, before, accountId));
    const hooks = (sealer: Sealer) =>
      new Webhooks({ store, sealer, clock: systemClock, policy: { development: true, allowPrivateAddresses: false }, eventTtlSeconds: 60 });
    const { subscription: hook, secret: oldHookSecret } = await hooks(before).create(accountId, { url: 'https://hooks.example/x' });
    const { secret: hookSecret } = await hooks(before).rotateSecret(hook.id, 3600);

    // The OpenID Provider's state and keys.
    await storeAdapter({ store, sealer: before, clientMetadata: async () => undefined })('Session').upsert(
      'op-s1',
      { accountId: 'x' },
      600,
    );
    await store.oidcKeys.insertIfNone(
      { kid: 'op-k1', alg: 'ES256', privateJwkEnc: before.sealJson({ kty: 'EC' }, AAD.oidcKey('op-k1')) },
      1,
    );

    const k2 = newKey();
    const rotating = await openSealer(store, { current: k2, old: [k1] });
    const report = await resealStore(store, rotating, { batchSize: 2 });
    assert.deepEqual(report, {
      'sessions.identity_enc': { scanned: 5, resealed: 5, unreadable: 0 },
      'sessions.journey_enc': { scanned: 5, resealed: 5, unreadable: 0 },
      'provider_configs.secret_enc': { scanned: 2, resealed: 2, unreadable: 0 },
      'signing_keys.private_jwk_enc': { scanned: 1, resealed: 1, unreadable: 0 },
      'encryption_key_check.pseudonym_key_enc': { scanned: 1, resealed: 1, unreadable: 0 },
      'webhook_subscriptions.secret_enc': { scanned: 1, resealed: 1, unreadable: 0 },
      'webhook_subscriptions.previous_secret_enc': { scanned: 1, resealed: 1, unreadable: 0 },
      'oidc_payloads.payload_enc': { scanned: 1, resealed: 1, unreadable: 0 },
      'oidc_keys.private_jwk_enc': { scanned: 1, resealed: 1, unreadable: 0 },
    });

    // The old key is gone now: the store opens with k2 alone, every value opens, pseudonyms are the same.
    const after = await openSealer(store, { current: k2, old: [] });
    assert.deepEqual(await storeAdapter({ store, sealer: after, clientMetadata: async () => undefined })('Session').find('op-s1'), {
      accountId: 'x',
    });
    assert.deepEqual(after.openJson((await store.oidcKeys.list())[0]!.privateJwkEnc, AAD.oidcKey('op-k1')), { kty: 'EC' });
    assert.equal(after.pseudonym('a-1', 'person'), before.pseudonym('a-1', 'person'));
    await new KeyRing(store, after, systemClock).init();
    assert.equal((await new ProviderConfigs(store, after).resolve(accountId, 'ansattporten'))?.clientSecret, 'secret-ansattporten');
    for (const id of ids) {
      const [row] = await store.sql.query<{ identity_enc: string; journey_enc: string }>(
        'SELECT identity_enc, journey_enc FROM sessions WHERE id = $1',
        [id],
      );
      assert.deepEqual(after.openJson(row!.identity_enc, AAD.session(id)), { nin: '01010112345' });
      assert.deepEqual(after.openJson(row!.journey_enc, AAD.journey(id)), { nonce: 'n' });
    }
    const [hookRow] = await store.sql.query<{ secret_enc: string; previous_secret_enc: string }>(
      'SELECT secret_enc, previous_secret_enc FROM webhook_subscriptions WHERE id = $1',
      [hook.id],
    );
    assert.equal(after.open(hookRow!.secret_enc, AAD.webhookSecret(hook.id)), hookSecret);
    assert.equal(after.open(hookRow!.previous_secret_enc, AAD.webhookSecret(hook.id)), oldHookSecret);
    await assert.rejects(openSealer(store, { current: k1, old: [] }), EncryptionKeyMismatch);

    // Again: nothing left to do.
    const again = await resealStore(store, after, { batchSize: 2 });
    assert.equal(
      Object.values(again).reduce((n, c) => n + c.resealed, 0),
      0,
    );
  });

  it('leaves a value no configured key opens unchanged and counts it', async () => {
    const store = await freshStore();
    const k1 = newKey();
    const sealer = await openSealer(store, { current: k1, old: [] });
    const stranger = new Sealer(newKey());
    const id = await insertSession(store, stranger, 'a-other');
    const [was] = await store.sql.query<{ identity_enc: string }>('SELECT identity_enc FROM sessions WHERE id = $1', [id]);
    const report = await resealStore(store, sealer);
    assert.deepEqual(report['sessions.identity_enc'], { scanned: 1, resealed: 0, unreadable: 1 });
    const [now] = await store.sql.query<{ identity_enc: string }>('SELECT identity_enc FROM sessions WHERE id = $1', [id]);
    assert.equal(now!.identity_enc, was!.identity_enc);
  });

  it('touches nothing when the keys are not the store’s', async () => {
    const store = await freshStore();
    const k1 = newKey();
    const sealer = await openSealer(store, { current: k1, old: [] });
    const id = await insertSession(store, sealer, 'a-x');
    await assert.rejects(resealStore(store, new Sealer(newKey())), EncryptionKeyMismatch);
    const [row] = await store.sql.query<{ identity_enc: string }>('SELECT identity_enc FROM sessions WHERE id = $1', [id]);
    assert.ok(sealer.isCurrent(row!.identity_enc, AAD.session(id)));
  });
});

describe('eidgate keys reseal (the CLI)', () => {
  it('rotates a store: with the new key and the old one for reading, then with the new key alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eidgate-reseal-'));
    const quiet = { purge: false, logger: createLogger('silent', new LogCapture()) };
    const env = (key: string, old?: string) =>
      loadConfig({
        DATA_DIR: dir,
        EIDGATE_ENCRYPTION_KEY: key,
        SIMULATOR: 'off',
        PORT: '0',
        ...(old ? { EIDGATE_OLD_ENCRYPTION_KEYS: old } : {}),
      });
    try {
      const k1 = newKey();
      const k2 = newKey();
      const first = await createBroker(env(k1), quiet);
      const pseudonym = first.sealer.pseudonym('a-1', 'person');
      await first.close();
      const cli = (key: string, old?: string) =>
        spawnSync(process.execPath, ['src/cli/main.ts', 'keys', 'reseal', '--json'], {
          env: { PATH: process.env.PATH, DATA_DIR: dir, EIDGATE_ENCRYPTION_KEY: key, ...(old ? { EIDGATE_OLD_ENCRYPTION_KEYS: old } : {}) },
          encoding: 'utf8',
        });
      const refused = cli(k2);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /^eidgate: the store was sealed with another encryption key: set EIDGATE_ENCRYPTION_KEY/);
      const done = cli(k2, k1);
      assert.equal(done.status, 0, done.stderr);
      const report = JSON.parse(done.stdout);
      assert.deepEqual(report['signing_keys.private_jwk_enc'], { scanned: 1, resealed: 1, unreadable: 0 });
      assert.deepEqual(report['encryption_key_check.pseudonym_key_enc'], { scanned: 1, resealed: 1, unreadable: 0 });
      const rotated = await createBroker(env(k2), quiet);
      assert.equal(rotated.sealer.pseudonym('a-1', 'person'), pseudonym);
      await rotated.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
