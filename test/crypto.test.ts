import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { Sealer } from '../src/crypto.ts';

const KEY = randomBytes(32);

describe('Sealer', () => {
  const sealer = new Sealer(KEY.toString('base64'));

  it('opens what AES-256-GCM sealed with the raw key bytes (the at-rest format does not depend on how the key is held)', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', KEY, iv);
    cipher.setAAD(Buffer.from('session:1'));
    const ct = Buffer.concat([cipher.update('{"nin":"x"}', 'utf8'), cipher.final()]);
    const sealed = ['v1', iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    assert.equal(sealer.open(sealed, 'session:1'), '{"nin":"x"}');
  });

  it('round-trips, and refuses a sealed value moved to another row or altered', () => {
    const sealed = sealer.seal('secret', 'session:a');
    assert.equal(sealer.open(sealed, 'session:a'), 'secret');
    assert.throws(() => sealer.open(sealed, 'session:b'));
    const [v, iv, ct, tag] = sealed.split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0]! ^= 1;
    assert.throws(() => sealer.open([v, iv, flipped.toString('base64url'), tag].join('.'), 'session:a'));
  });

  it('derives pseudonyms from the key as before: HMAC-SHA256 under a key derived from it', () => {
    const pseudonymKey = createHmac('sha256', KEY).update('eidgate pseudonym key').digest();
    const expected = createHmac('sha256', pseudonymKey).update(['a-1', 'person'].join('\u0000')).digest('base64');
    assert.equal(sealer.pseudonym('a-1', 'person'), expected);
    assert.notEqual(sealer.pseudonym('a-2', 'person'), expected);
  });
});

describe('subject.id', () => {
  it("is written in Signicat's URL-safe base64 alphabet, padding kept, the same bytes as the pseudonym", async () => {
    const { urlSafe } = await import('../src/domain/sessions/sessions.ts');
    assert.equal(urlSafe('+vMrFZU+H7D1n3NoTugvJT9afALzSTdOEDUXII42Hq/='), '-vMrFZU-H7D1n3NoTugvJT9afALzSTdOEDUXII42Hq_=');
    const sealer = new Sealer(KEY.toString('base64'));
    for (let i = 0; i < 50; i++) {
      const id = urlSafe(sealer.pseudonym('a-acct', 'idporten', `person-${i}`));
      assert.match(id, /^[A-Za-z0-9_-]{43}=$/);
      assert.deepEqual(Buffer.from(id, 'base64url'), Buffer.from(sealer.pseudonym('a-acct', 'idporten', `person-${i}`), 'base64'));
    }
  });
});
