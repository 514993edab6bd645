// The composition root: builds the store, the domain services and the HTTP app from one Config, with no
// import-time side effects, so tests and benchmarks can run several brokers in one process.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { Sealer } from './crypto.ts';
import { Accounts } from './domain/accounts.ts';
import { systemClock, type Clock } from './domain/clock.ts';
import { KeyRing } from './domain/keys.ts';
import { Sessions } from './domain/sessions/sessions.ts';
import { AccessTokens } from './domain/tokens.ts';
import { createApp } from './http/app.ts';
import { renderErrorPage } from './pages/render.ts';
import { healthRoutes } from './http/routes/health.ts';
import { sessionRoutes } from './http/routes/sessions.ts';
import { tokenRoutes } from './http/routes/token.ts';
import { createLogger } from './log.ts';
import { Store } from './store/store.ts';
import { Purger } from './domain/sessions/purge.ts';
import { ProviderConfigs } from './domain/providers/configs.ts';
import { OidcEidAdapter } from './domain/providers/idporten.ts';
import { Journeys } from './domain/journey.ts';
import { pageRoutes } from './http/routes/pages.ts';
import { bootstrapDevAccount, type DevCredentials } from './bootstrap.ts';

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

/** Development without EIDGATE_ENCRYPTION_KEY: a key file beside the embedded store, or a fixed key on a server. */
export function resolveEncryptionKey(config: Config, log: Logger): string {
  if (config.encryptionKey) return config.encryptionKey;
  if (config.env === 'production') throw new Error('EIDGATE_ENCRYPTION_KEY is required in production');
  if (!config.databaseUrl && config.dataDir !== 'memory://') {
    const file = join(config.dataDir, 'encryption.key');
    if (!existsSync(file)) {
      mkdirSync(config.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    }
    return readFileSync(file, 'utf8').trim();
  }
  log.warn('EIDGATE_ENCRYPTION_KEY is not set: using the fixed development key. Never do this with real identity data.');
  return createHash('sha256').update('eidgate development key, not secret').digest('base64');
}

export async function createBroker(config: Config, opts: BrokerOptions = {}): Promise<Broker> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const store = await Store.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: opts.schema });
  try {
    const sealer = new Sealer(resolveEncryptionKey(config, log));
    const keys = new KeyRing(store, sealer, clock);
    await keys.init();
    const accounts = new Accounts(store, clock);
    const tokens = new AccessTokens(keys, `${config.publicUrl}/auth/open`, clock);
    const sessions = new Sessions({
      store,
      sealer,
      clock,
      publicUrl: config.publicUrl,
      findAccount: (id) => accounts.findAccountCached(id),
    });
    const purger = new Purger(store, clock, log, config.sessionRetentionSeconds);
    const providerConfigs = new ProviderConfigs(store, sealer, config.idporten);
    const adapters = [
      new OidcEidAdapter('idporten', 'ID-porten', config.providerTimeoutMs),
      new OidcEidAdapter('ansattporten', 'Ansattporten', config.providerTimeoutMs),
    ];
    const journeys = new Journeys({ sessions, adapters, configs: providerConfigs, publicUrl: config.publicUrl, clock, log });
    const devCredentials = opts.bootstrap ? await bootstrapDevAccount(config, store, accounts) : undefined;
    if (devCredentials && opts.devProvider) {
      for (const providerId of ['idporten', 'ansattporten']) {
        await providerConfigs.save(devCredentials.accountId, {
          providerId,
          issuer: opts.devProvider.issuer,
          clientId: opts.devProvider.clientId,
          clientSecret: opts.devProvider.clientSecret,
          clientAuth: 'client_secret_basic',
          par: true,
        });
      }
    }

    const app = createApp({ logger: log, trustProxy: config.trustProxy, renderErrorPage });
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'eidgate Authentication REST API',
          version: '1',
          description:
            "Wire-compatible with Signicat's Authentication REST API. Errors use Signicat's error object; the token endpoint speaks RFC 6749.",
        },
        servers: [{ url: config.publicUrl }],
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      },
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(scalar, { routePrefix: '/docs', configuration: { url: '/openapi.json' } });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    await app.register(healthRoutes, { store });
    await app.register(tokenRoutes, { accounts, tokens, keys, publicUrl: config.publicUrl });
    await app.register(sessionRoutes, { sessions, tokens });
    await app.register(pageRoutes, {
      journeys,
      sessions,
      publicUrl: config.publicUrl,
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
