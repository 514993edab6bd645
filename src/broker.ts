// The composition root: builds the store, the domain services and the HTTP app from one Config, with no
// import-time side effects, so tests and benchmarks can run several brokers in one process.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { bootstrapDevAccount, type DevCredentials } from './bootstrap.ts';
import type { Config } from './config.ts';
import { Sealer } from './crypto.ts';
import { Accounts } from './domain/accounts.ts';
import { type Clock, systemClock } from './domain/clock.ts';
import { Journeys } from './domain/journey/journeys.ts';
import { KeyRing } from './domain/keys.ts';
import type { ProviderAdapter } from './domain/providers/adapter.ts';
import { ProviderConfigs } from './domain/providers/configs.ts';
import { PROVIDERS } from './domain/providers/registry.ts';
import { Purger } from './domain/sessions/purge.ts';
import { Sessions } from './domain/sessions/sessions.ts';
import { AccessTokens } from './domain/tokens.ts';
import { resolveEncryptionKey } from './encryption-key.ts';
import { methodNotAllowedRoutes, sessionRoutes } from './http/api/sessions.ts';
import { createApp } from './http/app.ts';
import { healthRoutes } from './http/health.ts';
import { tokenRoutes } from './http/oauth/token.ts';
import { registerOpenApi } from './http/openapi.ts';
import { pageRoutes } from './http/pages/routes.ts';
import { urlsFor } from './http/paths.ts';
import { createLogger } from './log.ts';
import { Store } from './store/index.ts';

export interface BrokerOptions {
  clock?: Clock;
  logger?: Logger;
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  schema?: string;
  /** Start the background purge job (default true). */
  purge?: boolean;
  /** Create the development account when the store has none (development only; default false). */
  bootstrap?: boolean;
  /** An ID-porten-like provider for the development account (the built-in simulator). */
  devProvider?: { issuer: string; clientId: string; clientSecret: string };
}

export interface Broker {
  config: Config;
  app: FastifyInstance;
  store: Store;
  sealer: Sealer;
  keys: KeyRing;
  accounts: Accounts;
  tokens: AccessTokens;
  sessions: Sessions;
  purger: Purger;
  providerConfigs: ProviderConfigs;
  journeys: Journeys;
  devCredentials: DevCredentials | undefined;
  log: Logger;
  clock: Clock;
  close(): Promise<void>;
}

export async function createBroker(config: Config, opts: BrokerOptions = {}): Promise<Broker> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const store = await Store.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: opts.schema });
  try {
    const urls = urlsFor(config.publicUrl);
    const sealer = new Sealer(resolveEncryptionKey(config, log));
    const keys = new KeyRing(store, sealer, clock);
    await keys.init();
    const accounts = new Accounts(store, clock);
    const tokens = new AccessTokens(keys, urls.issuer, clock);
    const providerConfigs = new ProviderConfigs(store, sealer, config.providerOverrides);
    const sessions = new Sessions({
      store,
      sealer,
      clock,
      findAccount: (id) => accounts.findAccountCached(id),
      isProviderConfigured: async (accountId, providerId) => (await providerConfigs.resolve(accountId, providerId)) !== null,
    });
    const purger = new Purger(store, clock, log, config.sessionRetentionSeconds);
    const adapterDeps = { timeoutMs: config.providerTimeoutMs, clock };
    const adapters = new Map<string, ProviderAdapter>(PROVIDERS.map((p) => [p.id, p.createAdapter(adapterDeps)]));
    const journeys = new Journeys({ sessions, adapters, configs: providerConfigs, callbackUrl: urls.providerCallback, log });
    const devCredentials = opts.bootstrap ? await bootstrapDevAccount(config, store, accounts) : undefined;
    if (devCredentials && opts.devProvider) {
      for (const p of PROVIDERS.filter((d) => d.simulated)) {
        await providerConfigs.save(devCredentials.accountId, {
          providerId: p.id,
          issuer: opts.devProvider.issuer,
          clientId: opts.devProvider.clientId,
          clientSecret: opts.devProvider.clientSecret,
          clientAuth: 'client_secret_basic',
          par: true,
        });
      }
    }

    const app = createApp({ logger: log, trustProxy: config.trustProxy });
    await registerOpenApi(app, config.publicUrl);
    await app.register(healthRoutes, { store });
    await app.register(tokenRoutes, { accounts, tokens, keys, urls });
    await app.register(sessionRoutes, { sessions, tokens, urls });
    await app.register(methodNotAllowedRoutes);
    await app.register(pageRoutes, {
      journeys,
      sessions,
      publicUrl: config.publicUrl,
      urls,
      devAccountId: devCredentials?.accountId,
      devFormTargets: opts.devProvider ? [new URL(opts.devProvider.issuer).origin] : [],
    });
    await app.ready();
    if (opts.purge !== false) purger.start(config.purgeIntervalSeconds);

    return {
      config,
      app,
      store,
      sealer,
      keys,
      accounts,
      tokens,
      sessions,
      purger,
      providerConfigs,
      journeys,
      devCredentials,
      log,
      clock,
      async close() {
        purger.stop();
        await app.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
}
