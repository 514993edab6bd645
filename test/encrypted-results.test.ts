// Encrypted results (Signicat's encryptionPublicKey): the client decrypts create, GET and cancel answers with
// jose as Signicat's integrators do, for every key type Signicat documents; a tampered JWE or another key
// fails; the finished session's stored result opens only with the client's private key.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type CryptoKey, compactDecrypt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Outcome } from '../src/domain/sessions/sessions.ts';
import { AAD } from '../src/crypto.ts';
import { assertApiError, call, getToken, startBroker, type TestBroker, validSessionRequest } from './helpers.ts';

const NIN = '29029900245';
const IDENTITY: Outcome = {
  status: 'SUCCESS',
  provider: 'idporten',
  loa: 'substantial',
  subjectKey: `pid-${NIN}`,
  attributes: { nin: { value: NIN, issuingCountry: 'NO', type: 'BIRTH' }, name: 'Kari Nordmann', idportenSub: 'sub-kari' },
  environment: { ipAddress: '203.0.113.7', userAgent: 'test-agent' },
};

interface ClientKey {
  label: string;
  publicJwk: JWK;
  privateKey: CryptoKey;
  other: CryptoKey;
}

async function clientKey(label: string, alg: 'RSA-OAEP' | 'ECDH-ES', opts: { modulusLength?: number; crv?: string }): Promise<ClientKey> {
  const pair = await generateKeyPair(alg, { ...opts, extractable: true });
  const other = await generateKeyPair(alg, opts);
  const publicJwk = { ...(await exportJWK(pair.publicKey)), use: 'enc', alg, kid: `encryption-key-${label}` };
  return { label, publicJwk, privateKey: pair.privateKey, other: other.privateKey };
}

const decrypt = async (jwe: string, key: CryptoKey) => JSON.parse(new TextDecoder().decode((await compactDecrypt(jwe, key)).plaintext));

describe('encrypted results', () => {
  let t: TestBroker;
  let token: string;
  const keys: ClientKey[] = [];
  const create = (body: unknown, headers: Record<string, string> = {}) =>
    call(t.base, 'POST', '/auth/rest/sessions', { token, body, headers });
  const get = (id: string, query = '') => call(t.base, 'GET', `/auth/rest/sessions/${id}${query}`, { token });
  const cancel = (id: string) => call(t.base, 'POST', `/auth/rest/sessions/${id}/cancel`, { token });

  before(async () => {
    t = await startBroker();
    token = await getToken(t.base, t.clientId, t.clientSecret);
    keys.push(
      await clientKey('rsa-2048', 'RSA-OAEP', { modulusLength: 2048 }),
      await clientKey('rsa-4096', 'RSA-OAEP', { modulusLength: 4096 }),
      await clientKey('p-256', 'ECDH-ES', { crv: 'P-256' }),
      await clientKey('p-384', 'ECDH-ES', { crv: 'P-384' }),
      await clientKey('p-521', 'ECDH-ES', { crv: 'P-521' }),
    );
  });
  after(() => t.close());

  const assertJwe = (res: { status: number; headers: Headers; body: unknown }, k: ClientKey) => {
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('content-type'), 'application/jose');
    assert.equal(typeof res.body, 'string');
    const jwe = res.body as string;
    assert.match(jwe, /^eyJ[\w-]*\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/, 'compact JWE');
    const header = decodeProtectedHeader(jwe);
    assert.equal(header.alg, k.publicJwk.alg);
    assert.equal(header.enc, 'A256GCM');
    assert.equal(header.kid, k.publicJwk.kid);
    return jwe;
  };

  for (const label of ['rsa-2048', 'rsa-4096', 'p-256', 'p-384', 'p-521']) {
    it(`${label}: create, GET and the finished result decrypt with the client's key; the stored row does not open without it`, async () => {
      const k = keys.find((x) => x.label === label)!;
      const created = await decrypt(assertJwe(await create(validSessionRequest({ encryptionPublicKey: k.publicJwk })), k), k.privateKey);
      assert.equal(created.status, 'CREATED');
      assert.equal(created.accountId, t.accountId);
      assert.ok(!('encryptionPublicKey' in created), 'the key is not echoed');
      const id: string = created.id;
      assert.equal((await decrypt(assertJwe(await get(id), k), k.privateKey)).status, 'CREATED');

      const session = (await t.broker.sessions.find(id))!;
      assert.ok(await t.broker.sessions.finish(session, IDENTITY));
      const finished = await decrypt(assertJwe(await get(id), k), k.privateKey);
      assert.equal(finished.status, 'SUCCESS');
      assert.deepEqual(finished.subject.nin, IDENTITY.status === 'SUCCESS' && IDENTITY.attributes.nin);
      assert.equal(finished.subject.name, 'Kari Nordmann');
      assert.match(finished.subject.id, /^[\w-]+=*$/);
      assert.deepEqual(finished.environment, IDENTITY.environment);
      assert.equal(finished.provider, 'idporten');
      assert.equal(finished.loa, 'substantial');
      assert.equal(typeof finished.sessionNonce, 'string');

      // The row: no identity sealed with the broker's key, only the client's JWE, and nothing readable in it.
      const [row] = await t.broker.store.sql.query<Record<string, unknown>>('SELECT * FROM sessions WHERE id = $1', [id]);
      assert.equal(row!.identity_enc, null);
      const stored = String(row!.client_result);
      assert.match(stored, /^eyJ/);
      for (const secret of [NIN, 'Kari', '203.0.113.7', 'sub-kari']) assert.ok(!JSON.stringify(row).includes(secret), secret);
      assert.throws(() => t.broker.sealer.openJson(stored, AAD.session(id)));
      assert.deepEqual(t.broker.sessions.openIdentity((await t.broker.sessions.find(id))!), {});
      assert.equal((await decrypt(stored, k.privateKey)).subject.nin.value, NIN);
      await assert.rejects(decrypt(stored, k.other));
    });
  }

  it('cancel answers a JWE; a finished session refuses cancel and a wrong nonce in plain JSON errors', async () => {
    const k = keys[0]!;
    const a = await decrypt(assertJwe(await create(validSessionRequest({ encryptionPublicKey: k.publicJwk })), k), k.privateKey);
    const cancelled = await decrypt(assertJwe(await cancel(a.id), k), k.privateKey);
    assert.equal(cancelled.status, 'CANCELLED');
    const again = await cancel(a.id);
    assert.match(again.headers.get('content-type') ?? '', /^application\/json/);
    assertApiError(again, 409, 'conflict');
    const wrongNonce = await get(a.id, '?sessionNonce=nope');
    assert.match(wrongNonce.headers.get('content-type') ?? '', /^application\/json/);
    assertApiError(wrongNonce, 400, 'invalid_request_parameter');
  });

  it('a tampered JWE or another key does not decrypt', async () => {
    for (const k of keys) {
      const jwe = assertJwe(await create(validSessionRequest({ encryptionPublicKey: k.publicJwk })), k);
      const parts = jwe.split('.');
      const ct = Buffer.from(parts[3]!, 'base64url');
      ct[0]! ^= 1;
      parts[3] = ct.toString('base64url');
      await assert.rejects(decrypt(parts.join('.'), k.privateKey), `${k.label}: tampered ciphertext`);
      const tag = Buffer.from(parts[4]!, 'base64url');
      tag[0]! ^= 1;
      await assert.rejects(decrypt([...parts.slice(0, 4), tag.toString('base64url')].join('.'), k.privateKey), `${k.label}: tag`);
      await assert.rejects(decrypt(jwe, k.other), `${k.label}: another key`);
      assert.equal((await decrypt(jwe, k.privateKey)).status, 'CREATED');
    }
  });

  it('reads the key as Signicat clients send it: kty in any case, d null, alg absent', async () => {
    const k = keys[0]!;
    const { alg: _alg, ...noAlg } = k.publicJwk;
    for (const key of [{ ...k.publicJwk, kty: 'rsa', d: null }, noAlg]) {
      const res = await create(validSessionRequest({ encryptionPublicKey: key }));
      assert.equal(decodeProtectedHeader(assertJwe(res, k)).alg, 'RSA-OAEP');
    }
    const ec = keys[2]!;
    assertJwe(await create(validSessionRequest({ encryptionPublicKey: { ...ec.publicJwk, kty: 'ec' } })), ec);
  });

  it('an idempotent replay of an encrypted create answers a JWE too', async () => {
    const k = keys[2]!;
    const body = validSessionRequest({ encryptionPublicKey: k.publicJwk });
    const first = await decrypt(assertJwe(await create(body, { 'idempotency-key': 'enc-1' }), k), k.privateKey);
    const replay = await decrypt(assertJwe(await create(body, { 'idempotency-key': 'enc-1' }), k), k.privateKey);
    assert.equal(replay.id, first.id);
  });

  it('the OpenAPI document offers application/jose next to JSON on the 200 of create, GET and cancel', async () => {
    const doc = (await call(t.base, 'GET', '/openapi.json')).body;
    for (const [path, method] of [
      ['/auth/rest/sessions', 'post'],
      ['/auth/rest/sessions/{id}', 'get'],
      ['/auth/rest/sessions/{id}/cancel', 'post'],
    ] as const) {
      const content = doc.paths[path][method].responses['200'].content;
      assert.ok(content['application/json'], `${method} ${path} json`);
      assert.equal(content['application/jose']?.schema?.type, 'string', `${method} ${path} jose`);
      assert.match(content['application/jose'].schema.description, /A256GCM/);
      assert.ok(!doc.paths[path][method].responses['400'].content['application/jose'], 'errors stay JSON');
    }
  });

  it('refuses keys that are not a usable public encryption key, naming encryptionPublicKey, and creates nothing', async () => {
    const rsa = keys[0]!.publicJwk;
    const ec = keys[2]!.publicJwk;
    const small = {
      ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }),
      use: 'enc',
      alg: 'RSA-OAEP',
    };
    const rsa3072 = { ...(await exportJWK((await generateKeyPair('RSA-OAEP', { modulusLength: 3072 })).publicKey)), use: 'enc' };
    const priv = await exportJWK(keys[0]!.privateKey);
    const x = Buffer.from(ec.x!, 'base64url');
    x[5]! ^= 1;
    const cases: [string, unknown, RegExp][] = [
      ['a private key (d)', { ...priv, use: 'enc', alg: 'RSA-OAEP' }, /private/],
      ['use sig', { ...rsa, use: 'sig' }, /use/],
      ['use absent', { ...rsa, use: undefined }, /use/],
      ['RSA 1024', small, /2048 or 4096/],
      ['RSA 3072', rsa3072, /2048 or 4096/],
      ['alg RSA1_5', { ...rsa, alg: 'RSA1_5' }, /RSA-OAEP/],
      ['alg ECDH-ES on RSA', { ...rsa, alg: 'ECDH-ES' }, /RSA-OAEP/],
      ['alg RSA-OAEP on EC', { ...ec, alg: 'RSA-OAEP' }, /ECDH-ES/],
      ['curve secp256k1', { ...ec, crv: 'secp256k1' }, /P-256, P-384 or P-521/],
      ['a point not on the curve', { ...ec, x: x.toString('base64url') }, /not a valid/],
      ['a symmetric key (kty oct)', { kty: 'oct', use: 'enc', k: 'AAAA' }, /private members \(k\)/],
      ['kty OKP', { kty: 'OKP', use: 'enc', crv: 'X25519', x: ec.x }, /kty must be RSA or EC/],
      ['RSA without n', { ...rsa, n: undefined }, /not a valid|n/],
      ['not an object', 'eyJhbGciOi', /object/],
    ];
    const count = async () => (await t.broker.store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions'))[0]!.n;
    const before = await count();
    for (const [label, key, reason] of cases) {
      const res = await create(validSessionRequest({ encryptionPublicKey: key }));
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, label);
      const err = assertApiError(res, 400, 'invalid_request_parameter');
      const param = err.invalidParams?.find((p: { name: string }) => p.name.startsWith('encryptionPublicKey'));
      assert.ok(param, `${label}: ${JSON.stringify(err.invalidParams)}`);
      assert.match(param.reason, reason, label);
    }
    assert.equal(await count(), before);
  });
});
