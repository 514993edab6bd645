// The composition root: builds the store, the domain services and the HTTP app from one Config, with no
// import-time side effects, so tests and benchmarks can run several brokers in one process.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { bootstrapDevAccount, bootstrapDevOidcClient, bootstrapDevWebhook, type DevCredentials } from './bootstrap.ts';
import type { Config } from './config.ts';
import type { Sealer } from './crypto.ts';
import { Accounts } from './domain/accounts.ts';
import { openSealer } from './domain/encryption-keys.ts';
import { type Clock, systemClock } from './domain/clock.ts';
import { Journeys } from './domain/journey/journeys.ts';
import { DecoupledOrders } from './domain/journey/orders.ts';
import { KeyRing } from './domain/keys.ts';
import type { ProviderAdapter } from './domain/providers/adapter.ts';
import { ProviderCatalog } from './domain/providers/catalog.ts';
import { ProviderConfigs } from './domain/providers/configs.ts';
import { PROVIDERS, type SimulatedAs } from './domain/providers/registry.ts';
import { Purger } from './domain/sessions/purge.ts';
import { Sessions } from './domain/sessions/sessions.ts';
import { EventJobs } from './domain/events/jobs.ts';
import { NatsSink } from './domain/events/nats-sink.ts';
import { WebhookDelivery } from './domain/webhooks/delivery.ts';
import { Webhooks } from './domain/webhooks/subscriptions.ts';
import { webhookRoutes } from './http/api/webhooks.ts';
import { AuthThrottle } from './domain/auth-throttle.ts';
import { AccessTokens } from './domain/tokens.ts';
import { resolveEncryptionKeys } from './encryption-key.ts';
import { methodNotAllowedRoutes, sessionRoutes } from './http/api/sessions.ts';
import { sessionPresenter } from './http/api/session-presenter.ts';
import { newAdminToken } from './admin/endpoint.ts';
import { adminDisabledRoutes, adminRoutes } from './http/admin/routes.ts';
import { createApp } from './http/app.ts';
import { healthRoutes } from './http/health.ts';
import { oauthMetadataRoutes, tokenRoutes } from './http/oauth/token.ts';
import { OidcClients } from './domain/oidc-clients.ts';
import { OidcLogins } from './domain/oidc-login.ts';
import { createOpenIdProvider } from './http/op/provider.ts';
import { handToProvider, opRoutes } from './http/op/routes.ts';
import { registerOpenApi } from './http/openapi.ts';
import { pageRoutes } from './http/pages/routes.ts';
import { urlsFor } from './http/paths.ts';
import { createLogger } from './log.ts';
import { Store } from './store/index.ts';
import { redactUrl } from './store/sql.ts';

export interface BrokerOptions {
  clock?: Clock;
  logger?: Logger;
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  schema?: string;
  /** Start the background purge job (default true). */
  purge?: boolean;
  /** Start the background event jobs, expiry sweeper and webhook delivery (default true; tests call runOnce). */
  events?: boolean;
  /** Poll decoupled providers' orders (Swedish BankID) in the background (default true). */
  orders?: boolean;
  /** How orders are polled: every pollIntervalMs, a process's claim outliving its last poll by leaseMs. */
  orderPolling?: { pollIntervalMs?: number; leaseMs?: number; tickMs?: number };
  /** Create the development account when the store has none (development only; default false). */
  bootstrap?: boolean;
  /**
   * The built-in simulator for the development account: its issuer per profile (ID-porten, BankID Norge)
   * and the client registered at it. Each provider is configured against the profile the registry names.
   */
  devProvider?: {
    issuers: Partial<Record<Exclude<SimulatedAs, 'sbid'>, string>>;
    clientId: string;
    clientSecret: string;
    /** The Swedish BankID simulator: its RP API, its CA and an RP certificate it accepts, its test app. */
    sbid?: { rpApiUrl: string; caCertPem: string; rpCertPem: string; rpKeyPem: string; appUrl: string };
  };
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
  webhooks: Webhooks;
  delivery: WebhookDelivery;
  eventJobs: EventJobs;
  providerConfigs: ProviderConfigs;
  journeys: Journeys;
  orders: DecoupledOrders;
  oidcClients: OidcClients;
  devCredentials: DevCredentials | undefined;
  /**
   * On the embedded store (a data directory on disk): the admin token made at this start, which the
   * process publishes for the local CLI (src/admin/endpoint.ts). PGlite has one writer: this broker.
   */
  localAdminToken: string | undefined;
  log: Logger;
  clock: Clock;
  close(): Promise<void>;
}

/** The domain services, wired to one store. */
async function createServices(config: Config, store: Store, log: Logger, clock: Clock, orderPolling: BrokerOptions['orderPolling'] = {}) {
  const urls = urlsFor(config.publicUrl);
  // Stops here (EncryptionKeyMismatch) when the store was sealed with a key that is not configured.
  const sealer = await openSealer(store, resolveEncryptionKeys(config, log));
  const keys = new KeyRing(store, sealer, clock);
  await keys.init();
  const accounts = new Accounts(store, clock);
  const tokens = new AccessTokens(keys, urls.issuer, clock);
  const providerConfigs = new ProviderConfigs(store, sealer, config.providerOverrides);
  // The presenter is the edge's, bound to the sessions below; finish uses it to seal a final result.
  let presentForClient: ReturnType<typeof sessionPresenter>;
  const sessions = new Sessions({
    store,
    sealer,
    clock,
    findAccount: (id) => accounts.findAccountCached(id),
    isProviderConfigured: async (accountId, providerId) => (await providerConfigs.resolve(accountId, providerId)) !== null,
    genericProviderIds: (accountId) => providerConfigs.genericIds(accountId),
    publicHost: new URL(config.publicUrl).hostname,
    eventTtlSeconds: config.events.ttlSeconds,
    presentForClient: (s, identity) => presentForClient(s, { read: true, identity }),
  });
  const policy = { development: config.env === 'development', allowPrivateAddresses: config.events.allowPrivateAddresses };
  const webhooks = new Webhooks({ store, sealer, clock, policy, eventTtlSeconds: config.events.ttlSeconds });
  const delivery = new WebhookDelivery({ store, sealer, clock, log, policy }, { timeoutMs: config.events.webhookTimeoutMs });
  const bus = config.events.nats && new NatsSink({ store, clock, log }, config.events.nats);
  const eventJobs = new EventJobs(sessions, delivery, log, bus || undefined);
  const purger = new Purger(store, clock, log, config.sessionRetentionSeconds);
  const adapterDeps = { timeoutMs: config.providerTimeoutMs, clock };
  const adapters = new Map<string, ProviderAdapter>(PROVIDERS.map((p) => [p.id, p.createAdapter(adapterDeps)]));
  const catalog = new ProviderCatalog(providerConfigs, adapters, adapterDeps);
  const orders = new DecoupledOrders({ sessions, catalog, store, log, ...orderPolling });
  presentForClient = sessionPresenter(sessions, urls, (s) => orders.idpDataOf(s));
  const journeys = new Journeys({
    sessions,
    catalog,
    orders,
    callbackUrl: urls.providerCallback,
    pageUrl: urls.authentication,
    log,
    settleTimeoutMs: config.providerTimeoutMs + 5000,
  });
  const throttle = new AuthThrottle(store, clock);
  const oidcClients = new OidcClients(store);
  const oidcLogins = new OidcLogins({ sessions, sealer, authenticationUrl: (id) => urls.authentication(id) });
  return {
    urls,
    sealer,
    keys,
    accounts,
    tokens,
    providerConfigs,
    sessions,
    purger,
    journeys,
    orders,
    throttle,
    webhooks,
    delivery,
    eventJobs,
    oidcClients,
    oidcLogins,
  };
}

type Services = Awaited<ReturnType<typeof createServices>>;

/** Development: the account and client a newcomer gets, configured against the built-in simulator. */
async function bootstrapDevelopment(config: Config, store: Store, s: Services, devProvider: BrokerOptions['devProvider']) {
  const devCredentials = await bootstrapDevAccount(config, store, s.accounts);
  if (devCredentials && config.dev.webhookUrl && config.dev.webhookSecret) {
    await bootstrapDevWebhook(store, s.webhooks, devCredentials.accountId, config.dev.webhookUrl, config.dev.webhookSecret);
  }
  if (devCredentials) devCredentials.oidc = await bootstrapDevOidcClient(config, store, s.oidcClients, devCredentials.accountId);
  if (devCredentials && devProvider) {
    for (const p of PROVIDERS) {
      if (p.simulated === 'sbid') {
        const sim = devProvider.sbid;
        if (!sim) continue;
        await s.providerConfigs.save(devCredentials.accountId, {
          providerId: p.id,
          issuer: sim.rpApiUrl,
          clientId: '',
          clientAuth: 'client_secret_basic',
          par: false,
          bankid: { apiUrl: sim.rpApiUrl, caCertPem: sim.caCertPem, launchUrl: `${sim.appUrl}/app` },
          rpCertPem: sim.rpCertPem,
          rpKeyPem: sim.rpKeyPem,
        });
        continue;
      }
      const issuer = p.simulated && devProvider.issuers[p.simulated];
      if (!issuer) continue;
      await s.providerConfigs.save(devCredentials.accountId, {
        providerId: p.id,
        issuer,
        clientId: devProvider.clientId,
        clientSecret: devProvider.clientSecret,
        clientAuth: 'client_secret_basic',
        par: true,
      });
    }
  }
  return devCredentials;
}

/** The HTTP app: one plugin per API style, each with its own error handling. */
async function createHttp(
  config: Config,
  log: Logger,
  store: Store,
  s: Services,
  dev: { accountId?: string | undefined; formTargets: string[] },
  localAdminToken: string | undefined,
) {
  const app = createApp({
    logger: log,
    trustProxy: config.trustProxy,
    https: config.publicUrl.startsWith('https:'),
    requestTimeoutMs: config.requestTimeoutMs,
  });
  await registerOpenApi(app, config.publicUrl);
  await app.register(healthRoutes, { store });
  const op = await createOpenIdProvider({
    issuer: s.urls.issuer,
    store,
    sealer: s.sealer,
    clients: s.oidcClients,
    logins: s.oidcLogins,
  });
  const oauth = { accounts: s.accounts, tokens: s.tokens, keys: s.keys, urls: s.urls, opJwks: op.publicJwks };
  await app.register(tokenRoutes, {
    ...oauth,
    throttle: s.throttle,
    otherGrants: handToProvider(op.provider, config.publicUrl, s.throttle),
  });
  await app.register(oauthMetadataRoutes, oauth);
  await app.register(opRoutes, {
    provider: op.provider,
    clients: s.oidcClients,
    logins: s.oidcLogins,
    publicUrl: config.publicUrl,
    throttle: s.throttle,
  });
  await app.register(sessionRoutes, { sessions: s.sessions, tokens: s.tokens, accounts: s.accounts, urls: s.urls, orders: s.orders });
  await app.register(webhookRoutes, { webhooks: s.webhooks, tokens: s.tokens, accounts: s.accounts });
  await app.register(methodNotAllowedRoutes);
  const adminTokens = [config.adminToken, localAdminToken].filter((t): t is string => t !== undefined);
  if (adminTokens.length > 0) {
    await app.register(adminRoutes, {
      store,
      accounts: s.accounts,
      sealer: s.sealer,
      throttle: s.throttle,
      webhooks: s.webhooks,
      tokens: adminTokens,
    });
  } else {
    await app.register(adminDisabledRoutes);
  }
  await app.register(pageRoutes, {
    journeys: s.journeys,
    sessions: s.sessions,
    accounts: s.accounts,
    clientBranding: async (accountId, clientId) => {
      const client = await s.oidcClients.find(clientId);
      return client?.accountId === accountId ? client.settings.branding : undefined;
    },
    publicUrl: config.publicUrl,
    urls: s.urls,
    devAccountId: dev.accountId,
    devFormTargets: dev.formTargets,
  });
  return app;
}

export async function createBroker(config: Config, opts: BrokerOptions = {}): Promise<Broker> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const store = await Store.open({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: opts.schema,
    // A broker started beside its database (compose, systemd) waits for it, within bounds.
    connectTimeoutMs: config.databaseConnectTimeoutSeconds * 1000,
    onConnectRetry: ({ attempt, cause, retryInMs }) =>
      log.warn(
        { attempt, cause, retryInMs, databaseUrl: redactUrl(config.databaseUrl ?? '') },
        'database not reachable yet (DATABASE_URL); retrying',
      ),
  });
  try {
    const services = await createServices(config, store, log, clock, opts.orderPolling);
    const devCredentials = opts.bootstrap ? await bootstrapDevelopment(config, store, services, opts.devProvider) : undefined;
    const localAdminToken = store.kind === 'pglite' && config.dataDir !== 'memory://' ? newAdminToken() : undefined;
    const app = await createHttp(
      config,
      log,
      store,
      services,
      {
        accountId: devCredentials?.accountId,
        formTargets: [...new Set(Object.values(opts.devProvider?.issuers ?? {}).map((issuer) => new URL(issuer).origin))],
      },
      localAdminToken,
    );
    await app.ready();
    const { purger } = services;
    if (opts.purge !== false) purger.start(config.purgeIntervalSeconds);
    const { eventJobs, orders } = services;
    if (opts.events !== false) eventJobs.start(config.events.pollIntervalMs);
    if (opts.orders !== false) orders.start();

    return {
      ...services,
      config,
      app,
      store,
      devCredentials,
      localAdminToken,
      log,
      clock,
      async close() {
        purger.stop();
        await orders.stop();
        await app.close();
        await eventJobs.stop();
        await store.close();
      },
    };
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
}
