// A bounded, expiring in-process cache on lru-cache: least-recently-used eviction, a time-to-live, and
// loads that concurrent misses of one key share. Used only where a few seconds of staleness across
// processes is an accepted, documented trade (client, account and provider lookups; verified tokens).
import { LRUCache } from 'lru-cache';

type Loader<V> = () => Promise<V | null>;

export class ExpiringCache<V extends object> {
  readonly #lru: LRUCache<string, V, Loader<V>>;

  constructor(opts: { ttlMs: number; max: number; now?: () => number }) {
    this.#lru = new LRUCache<string, V, Loader<V>>({
      max: opts.max,
      ttl: opts.ttlMs,
      // An injected clock is read on every check (lru-cache otherwise reuses a reading for 1 ms).
      ...(opts.now ? { perf: { now: opts.now }, ttlResolution: 0 } : {}),
      // A delete (an admin change) or an eviction while a load is in flight must not fail its callers.
      ignoreFetchAbort: true,
      // null (nothing there) is not cached, so a later write is seen at once.
      fetchMethod: async (_key, _stale, { context }) => (await context()) ?? undefined,
    });
  }

  get(key: string): V | undefined {
    return this.#lru.get(key);
  }

  set(key: string, value: V, ttlMs?: number): void {
    if (ttlMs !== undefined && ttlMs <= 0) return; // already expired (lru-cache would read 0 as "forever")
    this.#lru.set(key, value, ttlMs === undefined ? undefined : { ttl: ttlMs });
  }

  delete(key: string): void {
    this.#lru.delete(key);
  }

  /** A hit, or one load for however many callers miss the key at the same time. */
  async getOrLoad(key: string, load: Loader<V>): Promise<V | null> {
    // A hit is answered from get(): fetch() builds options and a promise per call, on the hottest paths.
    const hit = this.#lru.get(key);
    if (hit !== undefined) return hit;
    return (await this.#lru.fetch(key, { context: load })) ?? null;
  }
}
