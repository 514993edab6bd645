// The providers one account can use: the registry's built-in ones it has configured, and its own generic
// OpenID Connect providers (./generic/profile.ts). Sessions, the journey and the chooser ask here, so an
// account's generic provider exists for that account only. A generic provider's adapter is made from its
// settings and kept while they stay the same: it holds the provider's discovery and signing keys.
import { LRUCache } from 'lru-cache';
import type { ProviderAdapter } from './adapter.ts';
import type { ProviderConfig, ProviderConfigs } from './configs.ts';
import { genericDefinition } from './generic/profile.ts';
import { type AdapterDeps, findProvider, PROVIDERS, type ProviderDefinition } from './registry.ts';

export interface AccountProvider {
  id: string;
  definition: ProviderDefinition;
  adapter: ProviderAdapter;
  config: ProviderConfig;
}

export class ProviderCatalog {
  readonly #configs: ProviderConfigs;
  readonly #adapters: ReadonlyMap<string, ProviderAdapter>;
  readonly #deps: AdapterDeps;
  readonly #generic = new LRUCache<string, { definition: ProviderDefinition; adapter: ProviderAdapter }>({ max: 1000 });

  constructor(configs: ProviderConfigs, adapters: ReadonlyMap<string, ProviderAdapter>, deps: AdapterDeps) {
    this.#configs = configs;
    this.#adapters = adapters;
    this.#deps = deps;
  }

  /** The ids the account may name: built-in ones in registry order (configured or not), then its generic ones. */
  async candidateIds(accountId: string): Promise<string[]> {
    return [...PROVIDERS.filter((p) => this.#adapters.has(p.id)).map((p) => p.id), ...(await this.#configs.genericIds(accountId))];
  }

  /** A provider the account has configured, with its adapter; null for any other id. */
  async find(accountId: string, id: string): Promise<AccountProvider | null> {
    const config = await this.#configs.resolve(accountId, id);
    if (!config) return null;
    const builtIn = findProvider(id);
    if (builtIn) {
      const adapter = this.#adapters.get(id);
      return adapter ? { id, definition: builtIn, adapter, config } : null;
    }
    if (!config.generic) return null;
    const key = JSON.stringify([accountId, id, config.generic]);
    let made = this.#generic.get(key);
    if (!made) {
      const definition = genericDefinition(id, config.generic);
      made = { definition, adapter: definition.createAdapter(this.#deps) };
      this.#generic.set(key, made);
    }
    return { id, ...made, config };
  }

  /** Every provider the account has configured, in candidateIds order. */
  async configured(accountId: string): Promise<AccountProvider[]> {
    const out: AccountProvider[] = [];
    for (const id of await this.candidateIds(accountId)) {
      const p = await this.find(accountId, id);
      if (p) out.push(p);
    }
    return out;
  }
}
