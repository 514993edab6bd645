// Accounts and their API clients: creation, secrets, permissions, and client authentication.
import { hashSecret, newAccountId, newClientId, newClientSecret, randomId, verifySecret } from '../crypto.ts';
import { errors } from '../errors/index.ts';
import type { Account, ApiClient, DomainKind, Store } from '../store/index.ts';
import { applyBranding, type BrandingChange } from './branding.ts';
import { applyTheme, type ThemeChange, validThemeId } from './themes.ts';
import type { Clock } from './clock.ts';
import { ExpiringCache } from '../shared/cache.ts';

/**
 * How long a process trusts a client or account it read. Disabling a client, revoking a secret or removing
 * a callback domain takes effect within this time on every process (immediately on the one that made it).
 */
export const DIRECTORY_CACHE_MS = 5000;

export const PERMISSIONS = ['sessions'] as const;
export const DEFAULT_TOKEN_LIFETIME = 600;
export type AuthFailure = 'unknown client' | 'wrong secret' | 'client disabled';

const DOMAIN_RE = /^(?=.{1,253}$)(localhost|(\d{1,3}\.){3}\d{1,3}|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}|[a-z0-9-]+)$/;

export function normaliseDomain(domain: string): string {
  const d = domain.trim().toLowerCase();
  if (!DOMAIN_RE.test(d)) throw errors.badRequest(`"${domain}" is not a host name (give just the host, e.g. app.example.no)`);
  return d;
}

const secretRecord = (secret: string) => ({ id: `sec-${randomId(9)}`, hash: hashSecret(secret), hint: secret.slice(0, 4) });

export class Accounts {
  readonly #store: Store;
  readonly #clock: Clock;

  readonly #clients = new ExpiringCache<ApiClient>({ ttlMs: DIRECTORY_CACHE_MS, max: 10_000 });
  readonly #accounts = new ExpiringCache<Account>({ ttlMs: DIRECTORY_CACHE_MS, max: 10_000 });

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** An account for a hot path (session create), read through the short cache. */
  async findAccountCached(id: string): Promise<Account | null> {
    return this.#accounts.getOrLoad(id, () => this.#store.accounts.get(id));
  }

  async createAccount(opts: { name: string; id?: string; callbackDomains?: string[] }): Promise<Account> {
    const id = opts.id ?? newAccountId();
    if (!/^a-[A-Za-z0-9-]{4,60}$/.test(id)) throw errors.badRequest(`account id "${id}" must look like a-xxxx`);
    const account = await this.#store.accounts.create({
      id,
      name: opts.name,
      callbackDomains: [...new Set((opts.callbackDomains ?? []).map(normaliseDomain))],
    });
    if (!account) throw errors.conflict(`account ${id} already exists`);
    return account;
  }

  async getAccount(id: string): Promise<Account> {
    const a = await this.#store.accounts.get(id);
    if (!a) throw errors.notFound(`account ${id} does not exist`);
    return a;
  }

  listAccounts(): Promise<Account[]> {
    return this.#store.accounts.list();
  }

  addCallbackDomain(accountId: string, domain: string): Promise<Account> {
    return this.#changeDomains(accountId, 'callback', domain, 'add');
  }

  removeCallbackDomain(accountId: string, domain: string): Promise<Account> {
    return this.#changeDomains(accountId, 'callback', domain, 'remove');
  }

  /** A host the account's pages may be served on (Signicat's requestDomain); it must point at this broker. */
  addRequestDomain(accountId: string, domain: string): Promise<Account> {
    return this.#changeDomains(accountId, 'request', domain, 'add');
  }

  removeRequestDomain(accountId: string, domain: string): Promise<Account> {
    return this.#changeDomains(accountId, 'request', domain, 'remove');
  }

  /** Changes how the account's service shows itself on the hosted pages (validated; see ./branding.ts). */
  async setBranding(accountId: string, change: BrandingChange): Promise<Account> {
    const a = await this.getAccount(accountId);
    const next = applyBranding(a.branding, change);
    this.#accounts.delete(accountId);
    const updated = await this.#store.accounts.setBranding(accountId, next);
    if (!updated) throw errors.notFound(`account ${accountId} does not exist`);
    return updated;
  }

  /** Creates or changes one of the account's themes; its colours must pass WCAG AA contrast. */
  async setTheme(accountId: string, themeId: string, change: ThemeChange): Promise<Account> {
    const a = await this.getAccount(accountId);
    const id = validThemeId(themeId);
    const themes = { ...a.branding.themes, [id]: applyTheme(a.branding.themes?.[id], change) };
    return this.#saveBranding(accountId, { ...a.branding, themes });
  }

  async removeTheme(accountId: string, themeId: string): Promise<Account> {
    const a = await this.getAccount(accountId);
    if (!a.branding.themes?.[themeId]) throw errors.notFound(`account ${accountId} has no theme ${themeId}`);
    const { [themeId]: _gone, ...themes } = a.branding.themes;
    const { defaultTheme, ...rest } = a.branding;
    return this.#saveBranding(accountId, { ...rest, themes, ...(defaultTheme === themeId ? {} : { defaultTheme }) });
  }

  /** The theme a session without themeId gets; an empty id clears it. */
  async setDefaultTheme(accountId: string, themeId: string): Promise<Account> {
    const a = await this.getAccount(accountId);
    if (themeId && !a.branding.themes?.[themeId]) throw errors.notFound(`account ${accountId} has no theme ${themeId}`);
    const { defaultTheme: _old, ...rest } = a.branding;
    return this.#saveBranding(accountId, themeId ? { ...rest, defaultTheme: themeId } : rest);
  }

  async #saveBranding(accountId: string, branding: Account['branding']): Promise<Account> {
    this.#accounts.delete(accountId);
    const updated = await this.#store.accounts.setBranding(accountId, branding);
    if (!updated) throw errors.notFound(`account ${accountId} does not exist`);
    return updated;
  }

  async #changeDomains(accountId: string, kind: DomainKind, domain: string, change: 'add' | 'remove'): Promise<Account> {
    const a = await this.getAccount(accountId);
    const d = normaliseDomain(domain);
    const current = kind === 'callback' ? a.callbackDomains : a.requestDomains;
    if (change === 'remove' && !current.includes(d)) throw errors.notFound(`${d} is not a ${kind} domain of ${accountId}`);
    const next = change === 'add' ? [...new Set([...current, d])] : current.filter((x) => x !== d);
    this.#accounts.delete(accountId);
    const updated = await this.#store.accounts.setDomains(accountId, kind, next);
    if (!updated) throw errors.notFound(`account ${accountId} does not exist`);
    return updated;
  }

  /** Creates a client and returns its secret; the secret is stored only as a hash and never shown again. */
  async createClient(opts: {
    accountId: string;
    name?: string;
    clientId?: string;
    secret?: string;
    permissions?: string[];
    tokenLifetime?: number;
  }): Promise<{ client: ApiClient; secret: string }> {
    await this.getAccount(opts.accountId);
    const permissions = opts.permissions ?? [...PERMISSIONS];
    for (const p of permissions) {
      if (!(PERMISSIONS as readonly string[]).includes(p))
        throw errors.badRequest(`unknown permission "${p}" (known: ${PERMISSIONS.join(', ')})`);
    }
    const tokenLifetime = opts.tokenLifetime ?? DEFAULT_TOKEN_LIFETIME;
    if (!Number.isInteger(tokenLifetime) || tokenLifetime < 1 || tokenLifetime > 3600) {
      throw errors.badRequest('token lifetime must be a whole number of seconds from 1 to 3600');
    }
    const secret = opts.secret ?? newClientSecret();
    if (secret.length < 32) throw errors.badRequest('a client secret must be at least 32 characters');
    const clientId = opts.clientId ?? newClientId();
    if (!/^[A-Za-z0-9._~-]{3,100}$/.test(clientId))
      throw errors.badRequest(`client id "${clientId}" may hold only letters, digits and ._~-`);
    const client = await this.#store.clients.create({
      clientId,
      accountId: opts.accountId,
      name: opts.name ?? clientId,
      permissions,
      tokenLifetime,
      secret: secretRecord(secret),
    });
    if (!client) throw errors.conflict(`API client ${clientId} already exists`);
    return { client, secret };
  }

  listClients(accountId?: string): Promise<ApiClient[]> {
    return this.#store.clients.list(accountId);
  }

  async getClient(clientId: string): Promise<ApiClient> {
    const c = await this.#store.clients.get(clientId);
    if (!c) throw errors.notFound(`API client ${clientId} does not exist`);
    return c;
  }

  /** Whether an API client exists and is enabled, read through the directory cache (the API's guard). */
  async isClientActive(clientId: string): Promise<boolean> {
    const client = await this.#clients.getOrLoad(clientId, () => this.#store.clients.get(clientId));
    return client !== null && !client.disabled;
  }

  async setClientDisabled(clientId: string, disabled: boolean): Promise<void> {
    this.#clients.delete(clientId);
    if (!(await this.#store.clients.setDisabled(clientId, disabled))) throw errors.notFound(`API client ${clientId} does not exist`);
  }

  async addClientSecret(clientId: string): Promise<{ secretId: string; secret: string }> {
    await this.getClient(clientId);
    const secret = newClientSecret();
    const rec = secretRecord(secret);
    await this.#store.clients.addSecret(clientId, rec);
    this.#clients.delete(clientId);
    return { secretId: rec.id, secret };
  }

  async revokeClientSecret(clientId: string, secretId: string): Promise<void> {
    this.#clients.delete(clientId);
    if (!(await this.#store.clients.revokeSecret(clientId, secretId, this.#clock.now()))) {
      throw errors.notFound(`no live secret ${secretId} on API client ${clientId}`);
    }
  }

  async setFixedClientSecret(clientId: string, secret: string): Promise<void> {
    this.#clients.delete(clientId);
    await this.#store.clients.replaceSecrets(clientId, secretRecord(secret));
  }

  /**
   * Authenticates an API client. A failure is a result with the reason for the log (never the secret);
   * the caller answers every failure alike, so the reason does not reach the client.
   */
  async authenticate(clientId: string, secret: string): Promise<{ ok: true; client: ApiClient } | { ok: false; reason: AuthFailure }> {
    const client = await this.#clients.getOrLoad(clientId, () => this.#store.clients.get(clientId));
    if (!client) return { ok: false, reason: 'unknown client' };
    // Compare against every live secret, so the time taken does not reveal which one matched.
    let ok = false;
    for (const s of client.secrets) if (s.revokedAt === null && verifySecret(secret, s.hash)) ok = true;
    if (!ok) return { ok: false, reason: 'wrong secret' };
    if (client.disabled) return { ok: false, reason: 'client disabled' };
    return { ok: true, client };
  }
}
