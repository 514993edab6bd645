// Development bootstrap: a store with no account gets a development account and API client, so a newcomer
// has credentials after one command. Fixed credentials from the environment are applied on every start.
// Nothing of this runs with EIDGATE_ENV=production.
import type { Config } from './config.ts';
import type { Accounts } from './domain/accounts.ts';
import type { Store } from './store/store.ts';

export const DEV_CALLBACK_DOMAINS = ['localhost', '127.0.0.1', 'example.com'];

export interface DevCredentials {
  accountId: string;
  clientId: string;
  /** Known only when created now or fixed by the environment. */
  clientSecret: string | undefined;
  created: boolean;
}

export async function bootstrapDevAccount(config: Config, store: Store, accounts: Accounts): Promise<DevCredentials | undefined> {
  if (config.env === 'production') return undefined;
  return store.withLock(0x64657661, () => bootstrap(config, store, accounts));
}

async function bootstrap(config: Config, store: Store, accounts: Accounts): Promise<DevCredentials | undefined> {
  const domains = [...new Set([...DEV_CALLBACK_DOMAINS, new URL(config.publicUrl).hostname])];
  const fixed = config.dev;
  if (fixed.accountId || fixed.clientId || fixed.clientSecret) {
    const accountId = fixed.accountId ?? (await store.listAccounts())[0]?.id;
    let created = false;
    const account = accountId ? await store.getAccount(accountId) : null;
    const acc = account ?? (await accounts.createAccount({ id: accountId, name: 'Development account', callbackDomains: domains }));
    created ||= !account;
    const clientId = fixed.clientId ?? (await store.listClients(acc.id))[0]?.clientId;
    const client = clientId ? await store.getClient(clientId) : null;
    if (client && client.accountId !== acc.id) throw new Error(`EIDGATE_DEV_CLIENT_ID ${clientId} belongs to another account`);
    if (!client) {
      const made = await accounts.createClient({ accountId: acc.id, clientId, name: 'Development client', secret: fixed.clientSecret });
      return { accountId: acc.id, clientId: made.client.clientId, clientSecret: made.secret, created: true };
    }
    if (fixed.clientSecret) await accounts.setFixedClientSecret(client.clientId, fixed.clientSecret);
    return { accountId: acc.id, clientId: client.clientId, clientSecret: fixed.clientSecret, created };
  }
  if ((await store.countAccounts()) > 0) {
    const first = (await store.listAccounts())[0]!;
    const client = (await store.listClients(first.id))[0];
    return client ? { accountId: first.id, clientId: client.clientId, clientSecret: undefined, created: false } : undefined;
  }
  const account = await accounts.createAccount({ name: 'Development account', callbackDomains: domains });
  const { client, secret } = await accounts.createClient({ accountId: account.id, name: 'Development client' });
  return { accountId: account.id, clientId: client.clientId, clientSecret: secret, created: true };
}
