// A small in-process cache with a time-to-live and a size bound. Used only where a few seconds of
// staleness across processes is an accepted, documented trade (client and account lookups on hot paths).
export class TtlCache<K, V> {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #map = new Map<K, { value: V; until: number }>();

  constructor(opts: { ttlMs: number; max: number; now?: () => number }) {
    this.#ttlMs = opts.ttlMs;
    this.#max = opts.max;
    this.#now = opts.now ?? Date.now;
  }

  get(key: K): V | undefined {
    const hit = this.#map.get(key);
    if (!hit) return undefined;
    if (hit.until <= this.#now()) {
      this.#map.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: K, value: V, ttlMs = this.#ttlMs): void {
    if (this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value as K);
    this.#map.set(key, { value, until: this.#now() + ttlMs });
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  /** A miss loads; null (nothing there) is not cached, so a later write is seen at once. */
  async getOrLoad(key: K, load: () => Promise<V | null>): Promise<V | null> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = await load();
    if (value !== null && value !== undefined) this.set(key, value);
    return value;
  }
}
