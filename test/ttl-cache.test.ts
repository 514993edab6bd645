import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TtlCache } from '../src/ttl-cache.ts';

describe('TtlCache', () => {
  it('forgets entries after their time and keeps its size bound', async () => {
    let now = 0;
    const c = new TtlCache<string, number>({ ttlMs: 1000, max: 2, now: () => now });
    c.set('a', 1);
    now = 999;
    assert.equal(c.get('a'), 1);
    now = 1000;
    assert.equal(c.get('a'), undefined);
    c.set('x', 1);
    c.set('y', 2);
    c.set('z', 3);
    assert.equal(c.get('x'), undefined, 'oldest evicted');
    assert.equal(c.get('z'), 3);
    let loads = 0;
    const load = async () => ++loads;
    await c.getOrLoad('k', load);
    await c.getOrLoad('k', load);
    assert.equal(loads, 1);
  });
});
