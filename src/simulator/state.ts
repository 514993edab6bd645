// What the simulator keeps across restarts, as the real ID-porten does: its seed (from which the pairwise
// salt and cookie keys derive, so `sub` and sessions stay stable), its signing keys (with self-signed
// certificates for `x5c`), and oidc-provider's state — codes, sessions, grants, tokens — in its own small
// adapter. With a data directory everything lives in files (one JSON file per stored object, written to a
// temporary file and renamed, so a crash never leaves half a file); without one, in memory (tests). It is
// the simulator's own storage: the simulator ships without the broker and its database.
import { createHmac, generateKeyPair, randomBytes, createPrivateKey, type KeyObject, type JsonWebKey } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint } from 'jose';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { selfSignedCertificate } from './x509.ts';

export interface SigningKey {
  /** The private JWK with kid, alg, use and x5c, as oidc-provider's `jwks` takes it. */
  jwk: JsonWebKey & { kid: string; alg: string; use: string; x5c: string[] };
  createdAt: string;
}

interface KeyFile {
  /** Signing key first; then the next key (published ahead of use); then the previous (still verifiable). */
  keys: SigningKey[];
}

const generate = promisify(generateKeyPair);

async function newKey(): Promise<SigningKey> {
  const { privateKey } = await generate('rsa', { modulusLength: 2048 });
  return keyFrom(privateKey, new Date());
}

/** In-memory states (tests, the broker's development mode) share one pair of keys per process: new at every start anyway. */
let memoryKeys: Promise<SigningKey[]> | undefined;

async function keyFrom(privateKey: KeyObject, created: Date): Promise<SigningKey> {
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0]);
  const x5c = [selfSignedCertificate(privateKey, `ID-porten simulator signing key ${kid.slice(0, 8)}`, created)];
  return { jwk: { ...jwk, kid, alg: 'RS256', use: 'sig', x5c }, createdAt: created.toISOString() };
}

function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

interface Stored {
  payload: AdapterPayload;
  /** Epoch ms; undefined: no expiry. */
  expiresAt?: number;
}

/** oidc-provider's state for every profile, in memory and (with a directory) mirrored to files. */
export class SimulatorStore {
  private readonly items = new Map<string, Stored>();
  private readonly dir: string | undefined;

  constructor(dir?: string) {
    this.dir = dir;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const now = Date.now();
    for (const ns of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const f of readdirSync(join(dir, ns.name))) {
        const path = join(dir, ns.name, f);
        if (!f.endsWith('.json')) {
          if (f.endsWith('.tmp')) rmSync(path, { force: true });
          continue;
        }
        try {
          const stored = JSON.parse(readFileSync(path, 'utf8')) as Stored;
          if (stored.expiresAt !== undefined && stored.expiresAt <= now) rmSync(path, { force: true });
          else this.items.set(`${ns.name}/${Buffer.from(f.slice(0, -5), 'base64url').toString()}`, stored);
        } catch {
          rmSync(path, { force: true });
        }
      }
    }
  }

  private fileOf(key: string): string {
    const slash = key.indexOf('/');
    return join(this.dir!, key.slice(0, slash), `${Buffer.from(key.slice(slash + 1)).toString('base64url')}.json`);
  }

  private get(key: string): Stored | undefined {
    const s = this.items.get(key);
    if (s?.expiresAt !== undefined && s.expiresAt <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return s;
  }

  private put(key: string, stored: Stored): void {
    this.items.set(key, stored);
    if (!this.dir) return;
    const file = this.fileOf(key);
    mkdirSync(join(file, '..'), { recursive: true });
    writeAtomic(file, JSON.stringify(stored));
  }

  private delete(key: string): void {
    this.items.delete(key);
    if (this.dir) rmSync(this.fileOf(key), { force: true });
  }

  /** Deletes every stored object of one profile's model (`idporten.Session`); returns how many. */
  destroyAll(modelPrefix: string): number {
    const keys = [...this.items.keys()].filter((k) => k.startsWith(`${modelPrefix}/`));
    for (const k of keys) this.delete(k);
    return keys.length;
  }

  /** An oidc-provider adapter class for one profile: its models under `<namespace>.<Model>`. */
  adapterFor(namespace: string): new (model: string) => Adapter {
    const store = this;
    return class SimulatorAdapter implements Adapter {
      private readonly prefix: string;
      constructor(model: string) {
        this.prefix = `${namespace}.${model}/`;
      }
      async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
        store.put(this.prefix + id, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
      }
      async find(id: string) {
        return store.get(this.prefix + id)?.payload;
      }
      private findBy(match: (p: AdapterPayload) => boolean) {
        for (const key of store.items.keys()) {
          if (!key.startsWith(this.prefix)) continue;
          const p = store.get(key)?.payload;
          if (p && match(p)) return p;
        }
        return undefined;
      }
      async findByUserCode(userCode: string) {
        return this.findBy((p) => p.userCode === userCode);
      }
      async findByUid(uid: string) {
        return this.findBy((p) => p.uid === uid);
      }
      async consume(id: string) {
        const s = store.get(this.prefix + id);
        if (s) store.put(this.prefix + id, { ...s, payload: { ...s.payload, consumed: Math.floor(Date.now() / 1000) } });
      }
      async destroy(id: string) {
        store.delete(this.prefix + id);
      }
      // Only this model's objects: oidc-provider calls it per token model, and an Interaction may carry the
      // grantId of a grant being revoked while it is still needed (an account switch logs out mid-login).
      async revokeByGrantId(grantId: string) {
        for (const [key, s] of [...store.items]) {
          if (key.startsWith(this.prefix) && s.payload.grantId === grantId) store.delete(key);
        }
      }
    };
  }
}

/** The seed, keys and store of one simulator: persisted under `dir` when given. */
export class SimulatorState {
  readonly dir: string | undefined;
  readonly store: SimulatorStore;
  private readonly seed: Buffer;
  private keyFile: KeyFile;

  private constructor(dir: string | undefined, seed: Buffer, keyFile: KeyFile) {
    this.dir = dir;
    this.seed = seed;
    this.keyFile = keyFile;
    this.store = new SimulatorStore(dir ? join(dir, 'oidc') : undefined);
  }

  /**
   * Opens (or creates) the state. The seed comes from `seed` (SIMULATOR_SEED) when given, else from
   * `<dir>/seed`, else it is random. Keys come from `<dir>/keys.json`, else are generated (and saved).
   */
  static async open(opts: { dir?: string; seed?: string } = {}): Promise<SimulatorState> {
    const { dir } = opts;
    if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
    let seed: Buffer;
    if (opts.seed) seed = Buffer.from(opts.seed, 'utf8');
    else if (dir && existsSync(join(dir, 'seed'))) seed = Buffer.from(readFileSync(join(dir, 'seed'), 'utf8').trim(), 'hex');
    else {
      seed = randomBytes(32);
      if (dir) writeAtomic(join(dir, 'seed'), `${seed.toString('hex')}\n`);
    }
    const keysPath = dir ? join(dir, 'keys.json') : undefined;
    let keyFile: KeyFile;
    if (keysPath && existsSync(keysPath)) {
      keyFile = JSON.parse(readFileSync(keysPath, 'utf8')) as KeyFile;
      // Validate the stored keys: a damaged file must fail loudly, not sign with garbage.
      for (const k of keyFile.keys) createPrivateKey({ key: k.jwk, format: 'jwk' });
    } else if (keysPath) {
      keyFile = { keys: await Promise.all([newKey(), newKey()]) };
      writeAtomic(keysPath, JSON.stringify(keyFile, null, 2));
    } else {
      memoryKeys ??= Promise.all([newKey(), newKey()]);
      keyFile = { keys: [...(await memoryKeys)] };
    }
    return new SimulatorState(dir, seed, keyFile);
  }

  /** A secret derived from the seed for one purpose (pairwise salt, cookie keys). */
  derive(purpose: string): string {
    return createHmac('sha256', this.seed).update(purpose).digest('base64url');
  }

  /** The signing key first, then the published next and previous keys. */
  get keys(): SigningKey[] {
    return this.keyFile.keys;
  }

  get signingKey(): SigningKey {
    return this.keyFile.keys[0]!;
  }

  /** Rotates: the next key signs from now, a new next key is published, the old signing key stays verifiable. */
  async rotate(): Promise<void> {
    const [current, next] = this.keyFile.keys;
    this.keyFile = { keys: [next!, await newKey(), current!] };
    if (this.dir) writeAtomic(join(this.dir, 'keys.json'), JSON.stringify(this.keyFile, null, 2));
  }
}
