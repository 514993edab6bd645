// Per-account provider configuration: the client settings in the store, the client secret or private key
// sealed. `<PREFIX>_*` settings (see the provider registry), when given, override the stored values for
// every account at resolve time, so one broker can be aimed at another issuer without a migration.
import { readFileSync } from 'node:fs';
import { exportJWK, importPKCS8, type JWK } from 'jose';
import { AAD, type Sealer } from '../../crypto.ts';
import { errors } from '../../errors/index.ts';
import {
  CLIENT_AUTH_METHODS,
  isClientAuthMethod,
  type ProviderConfig,
  type ProviderOverride,
  type ProviderSecrets,
  type PublicProviderConfig,
} from '../../model/provider-config.ts';
import type { ProviderConfigRecord, Store } from '../../store/index.ts';
import { ExpiringCache } from '../../shared/cache.ts';
import { DIRECTORY_CACHE_MS } from '../accounts.ts';
import { findProvider, PROVIDER_IDS } from './registry.ts';

export type { ProviderConfig, PublicProviderConfig };

/** `eidgate providers set` options, as given on the command line. */
export interface ProviderSettingsInput {
  issuer?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  privateKeyFile?: string | undefined;
  clientAuth?: string | undefined;
  par?: string | undefined;
}

function requireProvider(id: string): void {
  if (!findProvider(id)) throw errors.badRequest(`unknown provider "${id}" (known: ${PROVIDER_IDS.join(', ')})`);
}

const cacheKey = (accountId: string, providerId: string) => `${accountId}\u0000${providerId}`;

function parseSecrets(value: unknown): ProviderSecrets {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const out: ProviderSecrets = {};
  if (typeof v.clientSecret === 'string') out.clientSecret = v.clientSecret;
  if (typeof v.privateKeyJwk === 'object' && v.privateKeyJwk !== null) out.privateKeyJwk = v.privateKeyJwk as JWK;
  return out;
}

const toPublic = ({ clientSecret, privateKeyJwk, ...settings }: ProviderConfig): PublicProviderConfig => ({
  ...settings,
  hasSecret: Boolean(clientSecret),
  hasPrivateKey: Boolean(privateKeyJwk),
});

function applyOverride(providerId: string, stored: ProviderConfig | null, o: ProviderOverride | undefined): ProviderConfig | null {
  if (!o) return stored;
  const c: ProviderConfig = {
    ...(stored ?? { providerId, issuer: '', clientId: '', clientAuth: 'client_secret_basic', par: false }),
    ...(o.issuer ? { issuer: o.issuer } : {}),
    ...(o.clientId ? { clientId: o.clientId } : {}),
    ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
    ...(o.clientAuth ? { clientAuth: o.clientAuth } : {}),
  };
  return c.issuer && c.clientId ? c : null;
}

export class ProviderConfigs {
  readonly #store: Store;
  readonly #sealer: Sealer;
  readonly #overrides: Record<string, ProviderOverride>;
  /**
   * Stored configurations, opened, for a few seconds: every page of a journey resolves its provider, and
   * each resolve was a read plus a decryption. A save drops the entry in this process; other processes
   * see a change within DIRECTORY_CACHE_MS, the same trade as for accounts and API clients.
   */
  readonly #stored = new ExpiringCache<ProviderConfig>({ ttlMs: DIRECTORY_CACHE_MS, max: 10_000 });

  constructor(store: Store, sealer: Sealer, overrides: Record<string, ProviderOverride> = {}) {
    this.#store = store;
    this.#sealer = sealer;
    this.#overrides = overrides;
  }

  async save(accountId: string, c: ProviderConfig): Promise<void> {
    requireProvider(c.providerId);
    if (!isClientAuthMethod(c.clientAuth)) throw errors.badRequest(`client auth must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
    if (c.clientAuth === 'private_key_jwt' && !c.privateKeyJwk) throw errors.badRequest('private_key_jwt needs a private key');
    if (c.clientAuth !== 'private_key_jwt' && !c.clientSecret) throw errors.badRequest(`${c.clientAuth} needs a client secret`);
    const { clientSecret, privateKeyJwk, ...settings } = c;
    this.#stored.delete(cacheKey(accountId, c.providerId));
    await this.#store.providerConfigs.upsert({
      accountId,
      providerId: c.providerId,
      settings,
      secretEnc: this.#sealer.sealJson({ clientSecret, privateKeyJwk }, AAD.provider(accountId, c.providerId)),
    });
  }

  /** Removes an account's configuration of a provider; new sessions can no longer name it. */
  async remove(accountId: string, providerId: string): Promise<void> {
    requireProvider(providerId);
    this.#stored.delete(cacheKey(accountId, providerId));
    if (!(await this.#store.providerConfigs.delete(accountId, providerId))) {
      throw errors.notFound(`account ${accountId} has no configuration for ${providerId}`);
    }
  }

  #open(row: ProviderConfigRecord): ProviderConfig {
    const secrets = row.secretEnc ? parseSecrets(this.#sealer.openJson(row.secretEnc, AAD.provider(row.accountId, row.providerId))) : {};
    return { ...row.settings, ...secrets };
  }

  async #load(accountId: string, providerId: string): Promise<ProviderConfig | null> {
    const row = await this.#store.providerConfigs.get(accountId, providerId);
    return row ? this.#open(row) : null;
  }

  /** The effective configuration for a login, or null when the account has none for this provider. */
  async resolve(accountId: string, providerId: string): Promise<ProviderConfig | null> {
    const stored = await this.#stored.getOrLoad(cacheKey(accountId, providerId), () => this.#load(accountId, providerId));
    return applyOverride(providerId, stored, this.#overrides[providerId]);
  }

  async list(accountId: string): Promise<PublicProviderConfig[]> {
    const out: PublicProviderConfig[] = [];
    for (const providerId of PROVIDER_IDS) {
      const c = await this.resolve(accountId, providerId);
      if (c) out.push(toPublic(c));
    }
    return out;
  }

  /** `eidgate providers set`: merges the given options into the stored configuration of any registered provider. */
  async setFromCli(accountId: string, providerId: string, o: ProviderSettingsInput): Promise<PublicProviderConfig> {
    requireProvider(providerId);
    const current = await this.#load(accountId, providerId);
    const privateKeyJwk = o.privateKeyFile ? await readPrivateKey(o.privateKeyFile) : current?.privateKeyJwk;
    if (o.issuer !== undefined && !URL.canParse(o.issuer)) throw errors.badRequest(`--issuer ${o.issuer} is not a URL`);
    if (o.par !== undefined && o.par !== 'on' && o.par !== 'off') throw errors.badRequest('--par takes on or off');
    const clientAuth = o.clientAuth ?? current?.clientAuth ?? (privateKeyJwk ? 'private_key_jwt' : 'client_secret_basic');
    if (!isClientAuthMethod(clientAuth)) throw errors.badRequest(`--client-auth must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
    const next: ProviderConfig = {
      providerId,
      issuer: (o.issuer ?? current?.issuer ?? '').replace(/\/+$/, ''),
      clientId: o.clientId ?? current?.clientId ?? '',
      clientAuth,
      par: o.par !== undefined ? o.par === 'on' : (current?.par ?? false),
      clientSecret: o.clientSecret ?? current?.clientSecret,
      privateKeyJwk,
    };
    if (!next.issuer) throw errors.badRequest('--issuer is required');
    if (!next.clientId) throw errors.badRequest('--client-id is required');
    await this.save(accountId, next);
    return toPublic(next);
  }
}

/** A PKCS#8 PEM file or a JWK (JSON) file. */
async function readPrivateKey(file: string): Promise<JWK> {
  const text = readFileSync(file, 'utf8');
  if (text.trim().startsWith('{')) return JSON.parse(text) as JWK;
  return { ...(await exportJWK(await importPKCS8(text, 'RS256', { extractable: true }))), alg: 'RS256' };
}
