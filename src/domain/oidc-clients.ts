// The accounts' OpenID Connect clients: the relying parties that log people in at eidgate's OpenID Provider.
// Validated here, stored by the store, turned into oidc-provider client metadata by the OP (http/op).
// The secret is only ever stored as a salted hash: the OP offers no method that needs the secret itself
// (no client_secret_jwt, no HS256 id_tokens), so the OP compares a presented secret with the hash.
import { applyBranding, type BrandingChange } from './branding.ts';
import { hashSecret, newClientSecret, randomToken, verifySecret } from '../crypto.ts';
import { errors, type InvalidParam } from '../errors/index.ts';
import { LOAS, type Loa } from '../model/session-constants.ts';
import { isLoopbackHost } from '../shared/url.ts';
import type { OidcClientRecord, OidcClientSettings, Store } from '../store/index.ts';

/** The claims an OIDC client may receive (besides sub and acr), in Signicat's OIDC names, by scope. */
export const CLAIMS_BY_SCOPE = {
  profile: ['name', 'given_name', 'family_name', 'birthdate'],
  nin: ['nin', 'nin_type', 'nin_issuing_country'],
  'idp-id': ['idp', 'idp_id'],
  idporten: ['idporten_sub', 'idporten_loa', 'idporten_idp'],
  nbid: [
    'nbid_idp',
    'nbid_auth_time',
    'nbid_sid',
    'nbid_tid',
    'nbid_alternative_subject',
    'nbid_originator',
    'nbid_additional_cert_info',
    'nbid_updated_at',
  ],
} as const satisfies Record<string, readonly string[]>;
export const OIDC_CLAIMS: readonly string[] = Object.values(CLAIMS_BY_SCOPE).flat();

export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export const ID_TOKEN_ALGS = ['RS256', 'ES256'] as const;
export const SUBJECT_TYPES = ['pairwise', 'public'] as const;
export const DEFAULT_ID_TOKEN_LIFETIME = 600;

/** What an administrator sets; every member optional except on create, where redirectUris are required. */
export interface OidcClientInput {
  name?: string | undefined;
  redirectUris?: string[] | undefined;
  postLogoutRedirectUris?: string[] | undefined;
  authMethod?: string | undefined;
  jwks?: unknown;
  jwksUri?: string | undefined;
  allowedProviders?: string[] | undefined;
  defaultLevel?: string | undefined;
  allowedLevels?: string[] | undefined;
  claims?: string[] | undefined;
  idTokenLifetime?: number | undefined;
  idTokenAlg?: string | undefined;
  pkceRequired?: boolean | undefined;
  subjectType?: string | undefined;
}

/** A client as the CLI and admin API show it: never the secret's hash. */
export interface OidcClientView extends OidcClientSettings {
  clientId: string;
  accountId: string;
  name: string;
  createdAt: string;
}

export const viewOf = (c: OidcClientRecord): OidcClientView => ({
  clientId: c.clientId,
  accountId: c.accountId,
  name: c.name,
  ...c.settings,
  createdAt: c.createdAt.toISOString(),
});

const newOidcClientId = () => `oidc-${randomToken(20)}`;

/** A redirect or post-logout URI: absolute, https (http only on this machine), no fragment, no credentials. */
function checkUri(name: string, raw: unknown, bad: InvalidParam[]): string | undefined {
  if (typeof raw !== 'string') {
    bad.push({ name, reason: 'must be a string' });
    return undefined;
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    bad.push({ name, reason: 'must be an absolute URL' });
    return undefined;
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackHost(u.hostname))) {
    bad.push({ name, reason: 'must use https (http is allowed only on localhost)' });
  } else if (u.hash) bad.push({ name, reason: 'must not have a fragment' });
  else if (u.username || u.password) bad.push({ name, reason: 'must not carry credentials' });
  // Exact string matching at the authorization endpoint: kept as given, so the RP's spelling is the one registered.
  return raw;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], bad: InvalidParam[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  bad.push({ name, reason: `must be one of ${allowed.join(', ')}` });
  return undefined;
}

function checkSettings(input: OidcClientInput, base: OidcClientSettings | undefined, bad: InvalidParam[]): OidcClientSettings {
  const redirectUris = input.redirectUris?.map((u, i) => checkUri(`redirectUris[${i}]`, u, bad)).filter((u) => u !== undefined);
  if (!base && !redirectUris?.length) bad.push({ name: 'redirectUris', reason: 'at least one redirect URI is required' });
  const postLogoutRedirectUris = input.postLogoutRedirectUris
    ?.map((u, i) => checkUri(`postLogoutRedirectUris[${i}]`, u, bad))
    .filter((u) => u !== undefined);
  const authMethod = oneOf('authMethod', input.authMethod, AUTH_METHODS, bad) ?? base?.authMethod ?? 'client_secret_basic';
  let jwks = base?.jwks;
  if (input.jwks !== undefined) {
    const keys = (input.jwks as { keys?: unknown })?.keys;
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'object' || k === null || 'd' in k)) {
      bad.push({ name: 'jwks', reason: 'must be a JWK Set of public keys ({"keys": [...]}, no private members)' });
    } else jwks = { keys: keys as Record<string, unknown>[] };
  }
  const jwksUri = input.jwksUri === undefined ? base?.jwksUri : checkUri('jwksUri', input.jwksUri, bad);
  if (authMethod === 'private_key_jwt' && !jwks && !jwksUri) {
    bad.push({ name: 'jwks', reason: 'private_key_jwt needs the client’s public keys: jwks or jwksUri' });
  }
  const allowedLevels = input.allowedLevels?.map((l, i) => oneOf(`allowedLevels[${i}]`, l, LOAS, bad)).filter((l) => l !== undefined);
  if (input.allowedLevels?.length === 0) bad.push({ name: 'allowedLevels', reason: 'at least one level is required' });
  const levels = allowedLevels ?? base?.allowedLevels ?? [...LOAS];
  const defaultLevel = oneOf('defaultLevel', input.defaultLevel, LOAS, bad) ?? base?.defaultLevel;
  if (defaultLevel && !levels.includes(defaultLevel)) bad.push({ name: 'defaultLevel', reason: 'must be one of the allowed levels' });
  const claims = input.claims ?? base?.claims ?? [...OIDC_CLAIMS];
  claims.forEach((c, i) => {
    if (!OIDC_CLAIMS.includes(c)) bad.push({ name: `claims[${i}]`, reason: `unknown claim; known: ${OIDC_CLAIMS.join(', ')}` });
  });
  const idTokenLifetime = input.idTokenLifetime ?? base?.idTokenLifetime ?? DEFAULT_ID_TOKEN_LIFETIME;
  if (!Number.isInteger(idTokenLifetime) || idTokenLifetime < 60 || idTokenLifetime > 86400) {
    bad.push({ name: 'idTokenLifetime', reason: 'must be whole seconds between 60 and 86400' });
  }
  const allowedProviders = input.allowedProviders ?? base?.allowedProviders ?? [];
  allowedProviders.forEach((p, i) => {
    if (typeof p !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,29}$/.test(p))
      bad.push({ name: `allowedProviders[${i}]`, reason: 'not a provider id' });
  });
  return {
    redirectUris: redirectUris ?? base?.redirectUris ?? [],
    postLogoutRedirectUris: postLogoutRedirectUris ?? base?.postLogoutRedirectUris ?? [],
    authMethod,
    jwks,
    jwksUri,
    allowedProviders,
    defaultLevel,
    allowedLevels: levels as Loa[],
    claims,
    idTokenLifetime,
    idTokenAlg: oneOf('idTokenAlg', input.idTokenAlg, ID_TOKEN_ALGS, bad) ?? base?.idTokenAlg ?? 'RS256',
    pkceRequired: input.pkceRequired ?? base?.pkceRequired ?? true,
    subjectType: oneOf('subjectType', input.subjectType, SUBJECT_TYPES, bad) ?? base?.subjectType ?? 'pairwise',
    ...(base?.branding ? { branding: base.branding } : {}),
  };
}

export class OidcClients {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Creates a client; the secret (for the secret methods) is shown once, here. */
  async create(
    accountId: string,
    input: OidcClientInput,
    fixed: { clientId?: string; secret?: string } = {},
  ): Promise<{ client: OidcClientView; secret?: string }> {
    await this.#requireAccount(accountId);
    const bad: InvalidParam[] = [];
    const settings = checkSettings(input, undefined, bad);
    if (fixed.secret !== undefined && fixed.secret.length < 32) bad.push({ name: 'secret', reason: 'must be at least 32 characters' });
    if (bad.length) throw errors.invalidRequestParameter(bad);
    const secret = settings.authMethod === 'private_key_jwt' ? undefined : (fixed.secret ?? newClientSecret());
    const record = {
      clientId: fixed.clientId ?? newOidcClientId(),
      accountId,
      name: input.name ?? 'OIDC client',
      secretHash: secret === undefined ? null : hashSecret(secret),
      settings,
    };
    await this.#store.oidcClients.insert(record);
    const client = await this.get(record.clientId);
    return secret === undefined ? { client } : { client, secret };
  }

  async get(clientId: string): Promise<OidcClientView> {
    return viewOf(await this.#require(clientId));
  }

  /** The stored record (with the secret's hash), for the OP; null when there is no such client. */
  find(clientId: string): Promise<OidcClientRecord | null> {
    return this.#store.oidcClients.get(clientId);
  }

  async list(accountId: string): Promise<OidcClientView[]> {
    await this.#requireAccount(accountId);
    return (await this.#store.oidcClients.list(accountId)).map(viewOf);
  }

  async update(clientId: string, input: OidcClientInput): Promise<OidcClientView> {
    const current = await this.#require(clientId);
    const bad: InvalidParam[] = [];
    const settings = checkSettings(input, current.settings, bad);
    if (bad.length) throw errors.invalidRequestParameter(bad);
    await this.#store.oidcClients.update(clientId, { name: input.name ?? current.name, settings });
    return this.get(clientId);
  }

  /**
   * The service's name per language, logo and help, contact and privacy links on the login pages of this
   * client; what it leaves out comes from the account. Checked as the account's branding is.
   */
  async setBranding(clientId: string, change: BrandingChange): Promise<OidcClientView> {
    const current = await this.#require(clientId);
    const branding = applyBranding(current.settings.branding ?? {}, change);
    await this.#store.oidcClients.update(clientId, { name: current.name, settings: { ...current.settings, branding } });
    return this.get(clientId);
  }

  /** A new secret (the old one stops working at once); shown once. */
  async rotateSecret(clientId: string, fixed?: string): Promise<{ clientId: string; secret: string }> {
    const current = await this.#require(clientId);
    if (current.settings.authMethod === 'private_key_jwt')
      throw errors.conflict('This client authenticates with private_key_jwt: it has no secret.');
    const secret = fixed ?? newClientSecret();
    await this.#store.oidcClients.update(clientId, { name: current.name, settings: current.settings, secretHash: hashSecret(secret) });
    return { clientId, secret };
  }

  async delete(clientId: string): Promise<void> {
    if (!(await this.#store.oidcClients.delete(clientId))) throw errors.notFound(`OIDC client ${clientId} was not found.`);
  }

  /** Development bootstrap: an existing client given these redirect URIs and (when given) this secret. */
  async ensure(accountId: string, clientId: string, secret: string | undefined, redirectUris: string[]): Promise<void> {
    const existing = await this.#require(clientId);
    if (existing.accountId !== accountId) throw errors.conflict(`OIDC client ${clientId} belongs to another account.`);
    const bad: InvalidParam[] = [];
    const settings = checkSettings({ redirectUris }, existing.settings, bad);
    if (bad.length) throw errors.invalidRequestParameter(bad);
    const keep = secret === undefined || (existing.secretHash !== null && verifySecret(secret, existing.secretHash));
    await this.#store.oidcClients.update(clientId, {
      name: existing.name,
      settings,
      ...(keep ? {} : { secretHash: hashSecret(secret) }),
    });
  }

  async #require(clientId: string): Promise<OidcClientRecord> {
    const c = await this.#store.oidcClients.get(clientId);
    if (!c) throw errors.notFound(`OIDC client ${clientId} was not found.`);
    return c;
  }

  async #requireAccount(accountId: string): Promise<void> {
    if (!(await this.#store.accounts.get(accountId))) throw errors.notFound(`Account ${accountId} was not found.`);
  }
}
