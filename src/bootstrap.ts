// Development bootstrap: a store with no account gets a development account and API client, so a newcomer
// has credentials after one command. Fixed credentials from the environment are applied on every start.
// Nothing of this runs with EIDGATE_ENV=production.
import type { Config } from './config.ts';
import type { Accounts } from './domain/accounts.ts';
import type { OidcClients } from './domain/oidc-clients.ts';
import type { Webhooks } from './domain/webhooks/subscriptions.ts';
import type { Store } from './store/index.ts';
import { LOCKS } from './store/locks.ts';

export const DEV_CALLBACK_DOMAINS = ['localhost', '127.0.0.1', 'example.com'];

export interface DevCredentials {
  accountId: string;
  clientId: string;
  /** Known only when created now or fixed by the environment. */
  clientSecret: string | undefined;
  /** The development OIDC client of the OpenID Provider (see bootstrapDevOidcClient). */
  oidc?: { clientId: string; clientSecret: string | undefined; redirectUris: string[] } | undefined;
}

/** Where the development OIDC client may send the browser back by default: Auth.js's callback on port 3000. */
export const DEV_OIDC_REDIRECT_URIS = ['http://localhost:3000/api/auth/callback/eidgate'];

/**
 * The development account's OIDC client: EIDGATE_DEV_OIDC_CLIENT_ID, _SECRET and _REDIRECT_URIS fix it (applied
 * on every start); otherwise the account's first OIDC client, or a new one with a random secret (shown once).
 */
export async function bootstrapDevOidcClient(
  config: Config,
  store: Store,
  clients: OidcClients,
  accountId: string,
): Promise<DevCredentials['oidc']> {
  const { oidcClientId: fixedId, oidcClientSecret: fixedSecret, oidcRedirectUris } = config.dev;
  return store.withLock(LOCKS.devBootstrap, async () => {
    const existing = fixedId ? await clients.find(fixedId) : (await store.oidcClients.list(accountId))[0];
    if (existing && existing.accountId !== accountId) throw new Error(`EIDGATE_DEV_OIDC_CLIENT_ID ${fixedId} belongs to another account`);
    const redirectUris = oidcRedirectUris ?? existing?.settings.redirectUris ?? DEV_OIDC_REDIRECT_URIS;
    if (existing) {
      if (fixedSecret || oidcRedirectUris) await clients.ensure(accountId, existing.clientId, fixedSecret, redirectUris);
      return { clientId: existing.clientId, clientSecret: fixedSecret, redirectUris };
    }
    const made = await clients.create(
      accountId,
      { name: 'Development OIDC client', redirectUris },
      { ...(fixedId ? { clientId: fixedId } : {}), ...(fixedSecret ? { secret: fixedSecret } : {}) },
    );
    return { clientId: made.client.clientId, clientSecret: made.secret, redirectUris };
  });
}

export async function bootstrapDevAccount(config: Config, store: Store, accounts: Accounts): Promise<DevCredentials | undefined> {
  if (config.env === 'production') return undefined;
  return store.withLock(LOCKS.devBootstrap, () => bootstrap(config, store, accounts));
}

async function bootstrap(config: Config, store: Store, accounts: Accounts): Promise<DevCredentials | undefined> {
  const domains = [...new Set([...DEV_CALLBACK_DOMAINS, new URL(config.publicUrl).hostname])];
  const fixed = config.dev;
  if (fixed.accountId || fixed.clientId || fixed.clientSecret) {
    const accountId = fixed.accountId ?? (await store.accounts.list())[0]?.id;
    const account = accountId ? await store.accounts.get(accountId) : null;
    const acc = account ?? (await accounts.createAccount({ id: accountId, name: 'Development account', callbackDomains: domains }));
    const clientId = fixed.clientId ?? (await store.clients.list(acc.id))[0]?.clientId;
    const client = clientId ? await store.clients.get(clientId) : null;
    if (client && client.accountId !== acc.id) throw new Error(`EIDGATE_DEV_CLIENT_ID ${clientId} belongs to another account`);
    if (!client) {
      const made = await accounts.createClient({ accountId: acc.id, clientId, name: 'Development client', secret: fixed.clientSecret });
      return { accountId: acc.id, clientId: made.client.clientId, clientSecret: made.secret };
    }
    if (fixed.clientSecret) await accounts.setFixedClientSecret(client.clientId, fixed.clientSecret);
    return { accountId: acc.id, clientId: client.clientId, clientSecret: fixed.clientSecret };
  }
  const [first] = await store.accounts.list();
  if (first) {
    const [client] = await store.clients.list(first.id);
    return client ? { accountId: first.id, clientId: client.clientId, clientSecret: undefined } : undefined;
  }
  const account = await accounts.createAccount({ name: 'Development account', callbackDomains: domains });
  const { client, secret } = await accounts.createClient({ accountId: account.id, name: 'Development client' });
  return { accountId: account.id, clientId: client.clientId, clientSecret: secret };
}

/**
 * EIDGATE_DEV_WEBHOOK_URL and EIDGATE_DEV_WEBHOOK_SECRET: the development account subscribed to every event,
 * signed with that secret. Applied on every start, like the fixed client credentials: the subscription to
 * that URL is created, or given the secret (and enabled) again.
 */
export async function bootstrapDevWebhook(store: Store, webhooks: Webhooks, accountId: string, url: string, secret: string): Promise<void> {
  await store.withLock(LOCKS.devBootstrap, async () => {
    const existing = (await webhooks.list(accountId)).find((s) => s.url === url);
    if (!existing) {
      await webhooks.create(accountId, { url }, secret);
      return;
    }
    await webhooks.setSecret(existing.id, secret);
    await webhooks.update(existing.id, { eventNames: [], tags: [], enabled: true });
  });
}
