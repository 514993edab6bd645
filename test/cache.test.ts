import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpiringCache } from '../src/shared/cache.ts';

describe('ExpiringCache', () => {
  it('forgets entries after their time', () => {
    let now = 5000;
    const c = new ExpiringCache<{ n: number }>({ ttlMs: 1000, max: 10, now: () => now });
    c.set('a', { n: 1 });
    now = 6000;
    assert.deepEqual(c.get('a'), { n: 1 });
    now = 6001;
    assert.equal(c.get('a'), undefined);
  });

  it('evicts the least recently used entry, and overwriting a key evicts nothing else', () => {
    const c = new ExpiringCache<{ n: number }>({ ttlMs: 60_000, max: 2 });
    c.set('x', { n: 1 });
    c.set('y', { n: 2 });
    c.set('y', { n: 3 });
    assert.ok(c.get('x'), 'an overwrite does not evict another key');
    c.get('x');
    c.set('z', { n: 4 });
    assert.equal(c.get('y'), undefined, 'y was used least recently');
    assert.ok(c.get('x'));
    assert.ok(c.get('z'));
  });

  it('loads once for concurrent misses of one key, and does not cache "nothing there"', async () => {
    const c = new ExpiringCache<{ n: number }>({ ttlMs: 60_000, max: 10 });
    let loads = 0;
    const load = async () => {
      loads++;
      await Promise.resolve();
      return { n: loads };
    };
    const got = await Promise.all(Array.from({ length: 8 }, () => c.getOrLoad('k', load)));
    assert.equal(loads, 1);
    assert.ok(got.every((g) => g?.n === 1));
    let missing = 0;
    const none = async () => {
      missing++;
      return null;
    };
    assert.equal(await c.getOrLoad('gone', none), null);
    assert.equal(await c.getOrLoad('gone', none), null);
    assert.equal(missing, 2, 'a null result is looked up again');
  });

  it('a delete while a load is in flight does not fail the callers; a failed load is not cached', async () => {
    const c = new ExpiringCache<{ n: number }>({ ttlMs: 60_000, max: 10 });
    let release: (v: { n: number }) => void = () => {};
    const pending = c.getOrLoad('k', () => new Promise((resolve) => (release = resolve)));
    c.delete('k');
    release({ n: 1 });
    assert.deepEqual(await pending, { n: 1 });
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('store down');
    };
    await assert.rejects(c.getOrLoad('f', failing), /store down/);
    await assert.rejects(c.getOrLoad('f', failing), /store down/);
    assert.equal(calls, 2, 'a failed load is tried again');
  });

  it('a zero lifetime caches nothing', () => {
    const c = new ExpiringCache<{ n: number }>({ ttlMs: 60_000, max: 10 });
    c.set('z', { n: 1 }, 0);
    assert.equal(c.get('z'), undefined);
  });
});
