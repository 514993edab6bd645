// Per-account provider configuration: issuer, client id, client authentication and PAR in the store,
// the client secret or private key sealed. IDPORTEN_* settings, when given, override the stored values
// for every account at resolve time, so one broker can be aimed at another ID-porten without a migration.
import { readFileSync } from 'node:fs';
import { exportJWK, importPKCS8, type JWK } from 'jose';
import type { ClientAuthMethod, Config } from '../../config.ts';
import type { Sealer } from '../../crypto.ts';
import { errors } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { TtlCache } from '../../ttl-cache.ts';
import { DIRECTORY_CACHE_MS } from '../accounts.ts';

export interface ProviderConfig {
  providerId: string;
  issuer: string;
  clientId: string;
  clientAuth: ClientAuthMethod;
  par: boolean;
  clientSecret?: string;
  privateKeyJwk?: JWK;
}

export type PublicProviderConfig = Omit<ProviderConfig, 'clientSecret' | 'privateKeyJwk'> & { hasSecret: boolean; hasPrivateKey: boolean };

const METHODS: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

export class ProviderConfigs {
  readonly #store: Store;
  readonly #sealer: Sealer;
  readonly #overrides: Config['idporten'] | undefined;
  /**
   * Stored configurations, opened, for a few seconds: every page of a journey resolves its provider, and
   * each resolve was a read plus a decryption. A save drops the entry in this process; other processes
   * see a change within DIRECTORY_CACHE_MS, the same trade as for accounts and API clients.
   */
  readonly #stored = new TtlCache<string, ProviderConfig>({ ttlMs: DIRECTORY_CACHE_MS, max: 10_000 });

  constructor(store: Store, sealer: Sealer, overrides?: Config['idporten']) {
    this.#store = store;
    this.#sealer = sealer;
    this.#overrides = overrides;
  }

  async save(accountId: string, c: ProviderConfig): Promise<void> {
    if (!METHODS.includes(c.clientAuth)) throw errors.badRequest(`client auth must be one of ${METHODS.join(', ')}`);
    if (c.clientAuth === 'private_key_jwt' && !c.privateKeyJwk) throw errors.badRequest('private_key_jwt needs a private key');
    if (c.clientAuth !== 'private_key_jwt' && !c.clientSecret) throw errors.badRequest(`${c.clientAuth} needs a client secret`);
    const { clientSecret, privateKeyJwk, ...plain } = c;
    this.#stored.delete(`${accountId}\u0000${c.providerId}`);
    await this.#store.upsertProviderConfig({
      accountId,
      providerId: c.providerId,
      config: plain as unknown as Record<string, unknown>,
      secretEnc: this.#sealer.seal(JSON.stringify({ clientSecret, privateKeyJwk }), `provider:${accountId}:${c.providerId}`),
    });
  }

  /** The effective configuration for a login, or null when the account has none for this provider. */
  async resolve(accountId: string, providerId: string): Promise<ProviderConfig | null> {
    let c: ProviderConfig | null = await this.#stored.getOrLoad(`${accountId}\u0000${providerId}`, async () => {
      const row = await this.#store.getProviderConfig(accountId, providerId);
      return row
        ? {
            ...(row.config as unknown as ProviderConfig),
            ...(row.secretEnc ? JSON.parse(this.#sealer.open(row.secretEnc, `provider:${accountId}:${providerId}`)) : {}),
          }
        : null;
    });
    const o = this.#overrides;
    if (providerId === 'idporten' && o && (o.issuer || o.clientId || o.clientSecret || o.clientAuth)) {
      const base: ProviderConfig = c ?? { providerId, issuer: '', clientId: '', clientAuth: 'client_secret_basic', par: false };
      c = {
        ...base,
        ...(o.issuer ? { issuer: o.issuer } : {}),
        ...(o.clientId ? { clientId: o.clientId } : {}),
        ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
        ...(o.clientAuth ? { clientAuth: o.clientAuth } : {}),
      };
      if (!c.issuer || !c.clientId) return null;
    }
    return c;
  }

  async list(accountId: string): Promise<PublicProviderConfig[]> {
    const rows = await this.#store.listProviderConfigs(accountId);
    const out: PublicProviderConfig[] = [];
    for (const r of rows) {
      const c = (await this.resolve(accountId, r.providerId))!;
      const { clientSecret, privateKeyJwk, ...rest } = c;
      out.push({ ...rest, hasSecret: Boolean(clientSecret), hasPrivateKey: Boolean(privateKeyJwk) });
    }
    return out;
  }

  /** `eidgate providers set`: merges the given options into the stored configuration. */
  async setFromCli(
    accountId: string,
    providerId: string,
    o: { issuer?: string; clientId?: string; clientSecret?: string; privateKeyFile?: string; clientAuth?: string; par?: string },
  ): Promise<PublicProviderConfig> {
    if (providerId !== 'idporten') throw errors.badRequest(`unknown provider "${providerId}" (known: idporten)`);
    const row = await this.#store.getProviderConfig(accountId, providerId);
    const current = row
      ? {
          ...(row.config as unknown as ProviderConfig),
          ...(row.secretEnc ? JSON.parse(this.#sealer.open(row.secretEnc, `provider:${accountId}:${providerId}`)) : {}),
        }
      : undefined;
    let privateKeyJwk: JWK | undefined = current?.privateKeyJwk;
    if (o.privateKeyFile) {
      const text = readFileSync(o.privateKeyFile, 'utf8');
      privateKeyJwk = text.trim().startsWith('{')
        ? (JSON.parse(text) as JWK)
        : { ...(await exportJWK(await importPKCS8(text, 'RS256', { extractable: true }))), alg: 'RS256' };
    }
    if (o.issuer) {
      try {
        new URL(o.issuer);
      } catch {
        throw errors.badRequest(`--issuer ${o.issuer} is not a URL`);
      }
    }
    if (o.par !== undefined && !['on', 'off'].includes(o.par)) throw errors.badRequest('--par takes on or off');
    const next: ProviderConfig = {
      providerId,
      issuer: (o.issuer ?? current?.issuer ?? '').replace(/\/+$/, ''),
      clientId: o.clientId ?? current?.clientId ?? '',
      clientAuth: (o.clientAuth ?? current?.clientAuth ?? (privateKeyJwk ? 'private_key_jwt' : 'client_secret_basic')) as ClientAuthMethod,
      par: o.par !== undefined ? o.par === 'on' : (current?.par ?? false),
      clientSecret: o.clientSecret ?? current?.clientSecret,
      privateKeyJwk,
    };
    if (!next.issuer) throw errors.badRequest('--issuer is required');
    if (!next.clientId) throw errors.badRequest('--client-id is required');
    await this.save(accountId, next);
    const { clientSecret, privateKeyJwk: pk, ...rest } = next;
    return { ...rest, hasSecret: Boolean(clientSecret), hasPrivateKey: Boolean(pk) };
  }
}
