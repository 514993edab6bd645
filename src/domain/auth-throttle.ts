// Lockout after repeated failed authentications, per API client and per source address, shared by every
// broker process through the store (src/store/auth-failures.ts). A locked key is refused before its
// secret is even checked, so a correct guess during a lockout does not get through either. The lockout
// state is read through a one-second cache, so a request that authenticates costs no extra query in the
// common case; failures always write. So a lockout set by one process reaches the others within a second.
import type { FailureRule, Store } from '../store/index.ts';
import { ExpiringCache } from '../shared/cache.ts';
import type { Clock } from './clock.ts';

export interface ThrottleKey {
  key: string;
  rule: FailureRule;
}

/** 10 wrong secrets for one client in 5 minutes lock it for 5 minutes; 100 from one address lock that address. */
export const CLIENT_RULE: FailureRule = { windowMs: 300_000, limit: 10, lockMs: 300_000 };
export const ADDRESS_RULE: FailureRule = { windowMs: 300_000, limit: 100, lockMs: 300_000 };
/** The admin API has few, known callers: 10 wrong tokens from an address in 5 minutes lock it. */
export const ADMIN_RULE: FailureRule = { windowMs: 300_000, limit: 10, lockMs: 300_000 };

export const throttleKeys = (clientId: string | undefined, address: string): ThrottleKey[] => [
  ...(clientId ? [{ key: `client:${clientId}`, rule: CLIENT_RULE }] : []),
  { key: `address:${address}`, rule: ADDRESS_RULE },
];

export class AuthThrottle {
  readonly #store: Store;
  readonly #clock: Clock;
  /** Lockout end per key (0 when not locked), for a second. */
  readonly #locks = new ExpiringCache<{ until: number }>({ ttlMs: 1000, max: 50_000 });

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Seconds until every given key may try again; 0 when none is locked. */
  async retryAfter(keys: ThrottleKey[]): Promise<number> {
    const now = this.#clock.now().getTime();
    let until = 0;
    const unknown: string[] = [];
    for (const { key } of keys) {
      const cached = this.#locks.get(key);
      if (cached === undefined) unknown.push(key);
      else until = Math.max(until, cached.until);
    }
    if (unknown.length > 0) {
      const locked = await this.#store.authFailures.locked(unknown, new Date(now));
      for (const key of unknown) {
        const end = locked.get(key)?.getTime() ?? 0;
        this.#locks.set(key, { until: end });
        until = Math.max(until, end);
      }
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Counts a failure for each key; returns the seconds until they may try again (0 while under the limit). */
  async failed(keys: ThrottleKey[]): Promise<number> {
    const now = this.#clock.now();
    let until = 0;
    for (const { key, rule } of keys) {
      const end = (await this.#store.authFailures.record(key, now, rule))?.getTime() ?? 0;
      // Only a lockout is remembered: "not locked" after a failure would hide, for up to a second, a
      // lockout that another process's failure is about to set.
      if (end > 0) this.#locks.set(key, { until: end });
      else this.#locks.delete(key);
      until = Math.max(until, end);
    }
    return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
  }
}
