// Signing keys for the broker's access tokens. Keys live in the database (private parts sealed), so every
// process of a deployment signs and verifies alike. Rotation without downtime: a new key is added and the
// old ones are retired but kept for verification until every token they signed has expired.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { AAD, type Sealer } from '../crypto.ts';
import type { NewSigningKey, Store } from '../store/index.ts';
import type { Clock } from './clock.ts';

export const ACCESS_TOKEN_ALG = 'ES256';
/** Longest access-token lifetime; a retired key is deleted only after this has passed. */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;
/** How long a process trusts its cached key list before reading it again. */
const REFRESH_MS = 30_000;

/** A stored JWK as a CryptoKey; anything else in the column is corrupt data, not a key. */
async function importKey(jwk: unknown, alg: string): Promise<CryptoKey> {
  if (typeof jwk !== 'object' || jwk === null) throw new Error('signing key: stored JWK is not an object');
  const key = await importJWK(jwk as JWK, alg);
  if (key instanceof Uint8Array) throw new Error('signing key: stored JWK is a symmetric key');
  return key;
}

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: CryptoKey;
  privateKey: CryptoKey | undefined;
  retired: boolean;
}

export class KeyRing {
  readonly #store: Store;
  readonly #sealer: Sealer;
  readonly #clock: Clock;
  #keys = new Map<string, LoadedKey>();
  #signing: LoadedKey | undefined;
  #loadedAt = 0;
  #lastMissReload = 0;

  constructor(store: Store, sealer: Sealer, clock: Clock) {
    this.#store = store;
    this.#sealer = sealer;
    this.#clock = clock;
  }

  /** Makes sure one live key exists (first start), then loads the ring. */
  async init(): Promise<void> {
    if ((await this.#store.signingKeys.list()).every((k) => k.retiredAt !== null)) {
      await this.#store.signingKeys.insertFirst(await this.#generate());
    }
    await this.reload();
  }

  async #generate(): Promise<NewSigningKey> {
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    return {
      kid,
      alg: ACCESS_TOKEN_ALG,
      publicJwk: { ...publicJwk, kid, alg: ACCESS_TOKEN_ALG, use: 'sig' },
      privateJwkEnc: this.#sealer.sealJson(privateJwk, AAD.signingKey(kid)),
    };
  }

  async reload(): Promise<void> {
    const rows = await this.#store.signingKeys.list();
    const next = new Map<string, LoadedKey>();
    for (const r of rows) {
      const known = this.#keys.get(r.kid);
      const retired = r.retiredAt !== null;
      if (known) {
        next.set(r.kid, { ...known, retired });
        continue;
      }
      const publicJwk = r.publicJwk;
      const publicKey = await importKey(publicJwk, r.alg);
      const privateKey = retired ? undefined : await importKey(this.#sealer.openJson(r.privateJwkEnc, AAD.signingKey(r.kid)), r.alg);
      next.set(r.kid, { kid: r.kid, publicJwk, publicKey, privateKey, retired });
    }
    this.#keys = next;
    // Rows come oldest first; the newest live key signs.
    this.#signing = [...next.values()].filter((k) => !k.retired && k.privateKey).at(-1);
    this.#loadedAt = this.#clock.now().getTime();
  }

  async #fresh(): Promise<void> {
    if (this.#clock.now().getTime() - this.#loadedAt > REFRESH_MS) await this.reload();
  }

  async signingKey(): Promise<{ kid: string; key: CryptoKey }> {
    await this.#fresh();
    if (!this.#signing?.privateKey) throw new Error('no live signing key; run `eidgate keys rotate`');
    return { kid: this.#signing.kid, key: this.#signing.privateKey };
  }

  /** Public key for a kid. An unknown kid re-reads the store (another process may have rotated), at most once a second. */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | undefined> {
    if (!kid) return undefined;
    await this.#fresh();
    let k = this.#keys.get(kid);
    const now = this.#clock.now().getTime();
    if (!k && now - this.#lastMissReload > 1000) {
      this.#lastMissReload = now;
      await this.reload();
      k = this.#keys.get(kid);
    }
    return k?.publicKey;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    await this.#fresh();
    return { keys: [...this.#keys.values()].map((k) => k.publicJwk) };
  }

  /** Adds a new signing key, retires the others and deletes keys retired long enough ago. */
  async rotate(): Promise<{ kid: string; retired: string[]; deleted: number }> {
    const now = this.#clock.now();
    const before = await this.#store.signingKeys.list();
    const fresh = await this.#generate();
    await this.#store.signingKeys.insert(fresh, now);
    const retired = before.filter((k) => k.retiredAt === null).map((k) => k.kid);
    await this.#store.signingKeys.retire(retired, now);
    const deleted = await this.#store.signingKeys.deleteRetiredBefore(new Date(now.getTime() - 2 * MAX_TOKEN_LIFETIME_SECONDS * 1000));
    await this.reload();
    return { kid: fresh.kid, retired, deleted };
  }
}
