// Signing keys for the broker's access tokens. Keys live in the database (private parts sealed), so every
// process of a deployment signs and verifies alike. Rotation without downtime: a new key is added and the
// old ones are retired but kept for verification until every token they signed has expired.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Sealer } from '../crypto.ts';
import type { SigningKeyRecord, Store } from '../store/store.ts';
import type { Clock } from './clock.ts';

export const ACCESS_TOKEN_ALG = 'ES256';
/** Longest access-token lifetime; a retired key is deleted only after this has passed. */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;
/** How long a process trusts its cached key list before reading it again. */
const REFRESH_MS = 30_000;

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
    if ((await this.#store.listSigningKeys()).every((k) => k.retiredAt !== null)) {
      await this.#store.insertFirstSigningKey(await this.#generate());
    }
    await this.reload();
  }

  async #generate(): Promise<Omit<SigningKeyRecord, 'createdAt' | 'retiredAt'>> {
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    return {
      kid,
      alg: ACCESS_TOKEN_ALG,
      publicJwk: { ...publicJwk, kid, alg: ACCESS_TOKEN_ALG, use: 'sig' },
      privateJwkEnc: this.#sealer.seal(JSON.stringify(privateJwk), `signing-key:${kid}`),
    };
  }

  async reload(): Promise<void> {
    const rows = await this.#store.listSigningKeys();
    const next = new Map<string, LoadedKey>();
    for (const r of rows) {
      const known = this.#keys.get(r.kid);
      const retired = r.retiredAt !== null;
      if (known) {
        next.set(r.kid, { ...known, retired });
        continue;
      }
      const publicJwk = r.publicJwk as JWK;
      const publicKey = (await importJWK(publicJwk, r.alg)) as CryptoKey;
      const privateKey = retired
        ? undefined
        : ((await importJWK(JSON.parse(this.#sealer.open(r.privateJwkEnc, `signing-key:${r.kid}`)) as JWK, r.alg)) as CryptoKey);
      next.set(r.kid, { kid: r.kid, publicJwk, publicKey, privateKey, retired });
    }
    this.#keys = next;
    // Rows come oldest first; the newest live key signs.
    this.#signing = [...next.values()].filter((k) => !k.retired && k.privateKey).at(-1);
    this.#loadedAt = Date.now();
  }

  async #fresh(): Promise<void> {
    if (Date.now() - this.#loadedAt > REFRESH_MS) await this.reload();
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
    if (!k && Date.now() - this.#lastMissReload > 1000) {
      this.#lastMissReload = Date.now();
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
    const before = await this.#store.listSigningKeys();
    const fresh = await this.#generate();
    await this.#store.insertSigningKey(fresh, now);
    const retired = before.filter((k) => k.retiredAt === null).map((k) => k.kid);
    await this.#store.retireSigningKeys(retired, now);
    const deleted = await this.#store.deleteSigningKeysRetiredBefore(new Date(now.getTime() - 2 * MAX_TOKEN_LIFETIME_SECONDS * 1000));
    await this.reload();
    return { kid: fresh.kid, retired, deleted };
  }
}
