// Per-account provider configuration: the client settings in the store, the client secret or private key
// sealed. `<PREFIX>_*` settings (see the provider registry), when given, override the stored values for
// every account at resolve time, so one broker can be aimed at another issuer without a migration.
import { readFileSync } from 'node:fs';
import { exportJWK, importPKCS8, type JWK } from 'jose';
import { AAD, type Sealer } from '../../crypto.ts';
import { errors } from '../../errors/index.ts';
import {
  BANKID_API_PRESETS,
  BANKID_LAUNCH_URL,
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
import { PAGE_LANGUAGES, type PageLang } from '../../model/languages.ts';
import type { GenericOidcSettings } from '../../model/provider-config.ts';
import { LOAS, type Loa } from '../../model/session-constants.ts';
import { claimMappingProblems, genericIdProblem } from './generic/profile.ts';
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
  /** Swedish BankID (sbid): `test`, `production` or the RP API's URL; the CA, RP certificate and launch base. */
  bankidApi?: string | undefined;
  caFile?: string | undefined;
  pfxFile?: string | undefined;
  pfxPassphrase?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  launchUrl?: string | undefined;
}

/** `eidgate providers add-oidc` options: the client's, and the generic provider's own. */
export interface GenericProviderInput extends ProviderSettingsInput {
  scope?: string | undefined;
  /** LEVEL=ACR: send ACR for that level, and read it back as that level. */
  acr?: string[] | undefined;
  /** ACR=LEVEL: read another acr (or `*`: any other, or none) as a level. */
  acrMap?: string[] | undefined;
  /** The claim mapping as JSON, or a file holding it. */
  claims?: string | undefined;
  claimsFile?: string | undefined;
  /** LANG=TEXT: the chooser's label. */
  label?: string[] | undefined;
  idTokenAlg?: string | undefined;
}

/** Asymmetric JWS algorithms only: a shared-secret (HS*) or unsigned id_token is never accepted. */
export const ID_TOKEN_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'Ed25519', 'EdDSA'];

function requireProvider(id: string): void {
  if (!findProvider(id)) throw errors.badRequest(`unknown provider "${id}" (known: ${PROVIDER_IDS.join(', ')})`);
}

const isLoa = (v: string): v is Loa => (LOAS as readonly string[]).includes(v);

/** `KEY=VALUE` options into pairs; the option's name in the message. An acr may hold `=` (`urn:bankid:bid;LOA=4`). */
function pairs(option: string, values: string[] | undefined, at: 'first' | 'last' = 'first'): [string, string][] {
  return (values ?? []).map((v) => {
    const eq = at === 'first' ? v.indexOf('=') : v.lastIndexOf('=');
    if (eq <= 0 || eq === v.length - 1) throw errors.badRequest(`--${option} takes KEY=VALUE, not "${v}"`);
    return [v.slice(0, eq).trim(), v.slice(eq + 1).trim()];
  });
}

function readClaimMapping(o: GenericProviderInput): Record<string, string> | undefined {
  if (o.claims !== undefined && o.claimsFile !== undefined) throw errors.badRequest('give --claims or --claims-file, not both');
  const text = o.claimsFile !== undefined ? readFileSync(o.claimsFile, 'utf8') : o.claims;
  if (text === undefined) return undefined;
  let mapping: unknown;
  try {
    mapping = JSON.parse(text);
  } catch {
    throw errors.badRequest('the claim mapping is not JSON (e.g. {"nin": "pid", "name": "{given_name} {family_name}"})');
  }
  const problems = claimMappingProblems(mapping);
  if (problems.length > 0) throw errors.badRequest(`claim mapping: ${problems.join('; ')}`);
  return mapping as Record<string, string>;
}

/** The generic settings from the options, over the stored ones: what is not given is kept. */
function genericSettings(o: GenericProviderInput, current: GenericOidcSettings | undefined): GenericOidcSettings {
  const claims = readClaimMapping(o) ?? current?.claims;
  if (!claims) throw errors.badRequest('--claims or --claims-file is required: the claim mapping onto Signicat attributes');
  const scope = o.scope ?? current?.scope ?? 'openid profile';
  if (!scope.split(/\s+/).includes('openid')) throw errors.badRequest('--scope must include openid');
  const idTokenAlg = o.idTokenAlg ?? current?.idTokenAlg ?? 'RS256';
  if (!ID_TOKEN_ALGS.includes(idTokenAlg)) throw errors.badRequest(`--id-token-alg must be one of ${ID_TOKEN_ALGS.join(', ')}`);
  const labels: Partial<Record<PageLang, string>> = { ...current?.labels };
  for (const [lang, text] of pairs('label', o.label)) {
    if (!(PAGE_LANGUAGES as readonly string[]).includes(lang))
      throw errors.badRequest(`--label: ${lang} is not one of ${PAGE_LANGUAGES.join(', ')}`);
    if (text.length > 100) throw errors.badRequest('--label: at most 100 characters');
    labels[lang as PageLang] = text;
  }
  let acrValues: Partial<Record<Loa, string>> = current?.acrValues ?? {};
  let acrLevels: Record<string, Loa> = current?.acrLevels ?? {};
  if (o.acr !== undefined || o.acrMap !== undefined) {
    // Given at all, the levels are given whole: a stale acr must not keep reading as a level.
    acrValues = {};
    acrLevels = {};
    for (const [level, acr] of pairs('acr', o.acr)) {
      if (!isLoa(level)) throw errors.badRequest(`--acr: ${level} is not a level (${LOAS.join(', ')})`);
      acrValues[level] = acr;
      acrLevels[acr] = level;
    }
    for (const [acr, level] of pairs('acr-map', o.acrMap, 'last')) {
      if (!isLoa(level)) throw errors.badRequest(`--acr-map: ${level} is not a level (${LOAS.join(', ')})`);
      acrLevels[acr] = level;
    }
  }
  if (Object.keys(acrLevels).length === 0) {
    throw errors.badRequest('--acr LEVEL=ACR (or --acr-map ACR=LEVEL) is required: a login is accepted only at a known level');
  }
  return { labels, scope, acrValues, acrLevels, claims, idTokenAlg };
}

const cacheKey = (accountId: string, providerId: string) => `${accountId}\u0000${providerId}`;

function parseSecrets(value: unknown): ProviderSecrets {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const out: ProviderSecrets = {};
  if (typeof v.clientSecret === 'string') out.clientSecret = v.clientSecret;
  if (typeof v.privateKeyJwk === 'object' && v.privateKeyJwk !== null) out.privateKeyJwk = v.privateKeyJwk as JWK;
  for (const k of ['rpPfxBase64', 'rpPfxPassphrase', 'rpCertPem', 'rpKeyPem'] as const) if (typeof v[k] === 'string') out[k] = v[k];
  return out;
}

const toPublic = ({
  clientSecret,
  privateKeyJwk,
  rpPfxBase64,
  rpPfxPassphrase: _passphrase,
  rpCertPem,
  rpKeyPem: _key,
  ...settings
}: ProviderConfig): PublicProviderConfig => ({
  ...settings,
  hasSecret: Boolean(clientSecret),
  hasPrivateKey: Boolean(privateKeyJwk),
  ...(settings.bankid ? { hasRpCertificate: Boolean(rpPfxBase64 || rpCertPem) } : {}),
});

/** A Swedish BankID configuration must name its API, its CA and an RP certificate (PKCS#12 or PEM pair). */
function bankIdProblem(c: ProviderConfig): string | undefined {
  const b = c.bankid;
  if (!b) return 'sbid needs its BankID RP API settings (--bankid-api, --ca-file, an RP certificate)';
  if (!URL.canParse(b.apiUrl) || !b.apiUrl.startsWith('https:')) return `the BankID RP API URL must be https (${b.apiUrl})`;
  if (!b.caCertPem.includes('-----BEGIN CERTIFICATE-----')) return 'the BankID CA must be a PEM certificate (--ca-file)';
  if (!URL.canParse(b.launchUrl)) return `the BankID launch URL is not a URL (${b.launchUrl})`;
  const pfx = Boolean(c.rpPfxBase64);
  const pem = Boolean(c.rpCertPem && c.rpKeyPem);
  if (!pfx && !pem) return 'sbid needs an RP certificate: --pfx-file (and --pfx-passphrase), or --cert-file and --key-file';
  return undefined;
}

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
  /** Each account's generic providers' ids, on the same terms. */
  readonly #genericIds = new ExpiringCache<string[]>({ ttlMs: DIRECTORY_CACHE_MS, max: 10_000 });

  constructor(store: Store, sealer: Sealer, overrides: Record<string, ProviderOverride> = {}) {
    this.#store = store;
    this.#sealer = sealer;
    this.#overrides = overrides;
  }

  async save(accountId: string, c: ProviderConfig): Promise<void> {
    if (c.generic) {
      const problem = genericIdProblem(c.providerId, PROVIDER_IDS);
      if (problem) throw errors.badRequest(problem);
    } else requireProvider(c.providerId);
    const rpSecrets = { rpPfxBase64: c.rpPfxBase64, rpPfxPassphrase: c.rpPfxPassphrase, rpCertPem: c.rpCertPem, rpKeyPem: c.rpKeyPem };
    if (findProvider(c.providerId)?.configKind === 'bankid-rp') {
      const problem = bankIdProblem(c);
      if (problem) throw errors.badRequest(problem);
      const { clientSecret: _s, privateKeyJwk: _k, rpPfxBase64: _p, rpPfxPassphrase: _pp, rpCertPem: _c, rpKeyPem: _rk, ...plain } = c;
      this.#stored.delete(cacheKey(accountId, c.providerId));
      await this.#store.providerConfigs.upsert({
        accountId,
        providerId: c.providerId,
        settings: plain,
        secretEnc: this.#sealer.sealJson(rpSecrets, AAD.provider(accountId, c.providerId)),
      });
      return;
    }
    if (!isClientAuthMethod(c.clientAuth)) throw errors.badRequest(`client auth must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
    if (c.clientAuth === 'private_key_jwt' && !c.privateKeyJwk) throw errors.badRequest('private_key_jwt needs a private key');
    if (c.clientAuth !== 'private_key_jwt' && !c.clientSecret) throw errors.badRequest(`${c.clientAuth} needs a client secret`);
    const { clientSecret, privateKeyJwk, ...settings } = c;
    this.#stored.delete(cacheKey(accountId, c.providerId));
    this.#genericIds.delete(accountId);
    await this.#store.providerConfigs.upsert({
      accountId,
      providerId: c.providerId,
      settings,
      secretEnc: this.#sealer.sealJson({ clientSecret, privateKeyJwk }, AAD.provider(accountId, c.providerId)),
    });
  }

  /** Removes an account's configuration of a provider; new sessions can no longer name it. */
  async remove(accountId: string, providerId: string): Promise<void> {
    if (!findProvider(providerId) && genericIdProblem(providerId, PROVIDER_IDS)) requireProvider(providerId);
    this.#stored.delete(cacheKey(accountId, providerId));
    this.#genericIds.delete(accountId);
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
    // A registry id names the built-in provider only; any other id only an account's generic one.
    if (!findProvider(providerId)) return stored?.generic ? stored : null;
    if (stored?.generic) return null;
    if (findProvider(providerId)?.configKind === 'bankid-rp') return stored?.bankid ? stored : null;
    return applyOverride(providerId, stored, this.#overrides[providerId]);
  }

  /** The ids of the account's generic providers, in id order. */
  async genericIds(accountId: string): Promise<string[]> {
    return (
      (await this.#genericIds.getOrLoad(accountId, async () =>
        (
          await this.#store.providerConfigs.list(accountId)
        )
          .filter((r) => r.settings.generic && !findProvider(r.providerId))
          .map((r) => r.providerId),
      )) ?? []
    );
  }

  async list(accountId: string): Promise<PublicProviderConfig[]> {
    const out: PublicProviderConfig[] = [];
    for (const providerId of [...PROVIDER_IDS, ...(await this.genericIds(accountId))]) {
      const c = await this.resolve(accountId, providerId);
      if (c) out.push(toPublic(c));
    }
    return out;
  }

  /**
   * `eidgate providers add-oidc`: registers (or changes) an account's own OpenID Connect provider under `id`.
   * Options not given keep their stored values, so a mapping can change without the secret being typed again.
   */
  async addGeneric(accountId: string, id: string, o: GenericProviderInput): Promise<PublicProviderConfig> {
    const problem = genericIdProblem(id, PROVIDER_IDS);
    if (problem) throw errors.badRequest(problem);
    const current = await this.#load(accountId, id);
    const generic = genericSettings(o, current?.generic);
    const next = await this.#merged(id, o, current);
    await this.save(accountId, { ...next, generic });
    return toPublic({ ...next, generic });
  }

  /** The client settings from the options over the stored ones. */
  async #merged(providerId: string, o: ProviderSettingsInput, current: ProviderConfig | null): Promise<ProviderConfig> {
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
    return next;
  }

  /** `eidgate providers set`: merges the given options into the stored configuration of any registered provider. */
  async setFromCli(accountId: string, providerId: string, o: ProviderSettingsInput): Promise<PublicProviderConfig> {
    requireProvider(providerId);
    if (findProvider(providerId)?.configKind === 'bankid-rp') {
      const next = bankIdMerged(providerId, o, await this.#load(accountId, providerId));
      await this.save(accountId, next);
      return toPublic(next);
    }
    const next = await this.#merged(providerId, o, await this.#load(accountId, providerId));
    await this.save(accountId, next);
    return toPublic(next);
  }
}

/** `providers set ACCOUNT sbid`: the BankID options over the stored configuration (what is not given is kept). */
function bankIdMerged(providerId: string, o: ProviderSettingsInput, current: ProviderConfig | null): ProviderConfig {
  const api = o.bankidApi ?? current?.bankid?.apiUrl;
  if (!api) throw errors.badRequest('--bankid-api is required: test, production or the RP API URL');
  const apiUrl = (BANKID_API_PRESETS[api as keyof typeof BANKID_API_PRESETS] ?? api).replace(/\/+$/, '');
  const caCertPem = o.caFile !== undefined ? readFileSync(o.caFile, 'utf8') : current?.bankid?.caCertPem;
  if (!caCertPem) throw errors.badRequest("--ca-file is required: BankID's CA certificate (PEM) for the RP API");
  const pem = o.certFile !== undefined || o.keyFile !== undefined;
  const pfx = o.pfxFile !== undefined;
  if (pem && pfx) throw errors.badRequest('give --pfx-file or --cert-file and --key-file, not both');
  const secrets = pfx
    ? { rpPfxBase64: readFileSync(o.pfxFile ?? '').toString('base64'), rpPfxPassphrase: o.pfxPassphrase ?? '' }
    : pem
      ? { rpCertPem: readFileSync(o.certFile ?? '', 'utf8'), rpKeyPem: readFileSync(o.keyFile ?? '', 'utf8') }
      : {
          rpPfxBase64: current?.rpPfxBase64,
          rpPfxPassphrase: o.pfxPassphrase ?? current?.rpPfxPassphrase,
          rpCertPem: current?.rpCertPem,
          rpKeyPem: current?.rpKeyPem,
        };
  return {
    providerId,
    issuer: apiUrl,
    clientId: '',
    clientAuth: 'client_secret_basic',
    par: false,
    bankid: { apiUrl, caCertPem, launchUrl: o.launchUrl ?? current?.bankid?.launchUrl ?? BANKID_LAUNCH_URL },
    ...secrets,
  };
}

/** A PKCS#8 PEM file or a JWK (JSON) file. */
async function readPrivateKey(file: string): Promise<JWK> {
  const text = readFileSync(file, 'utf8');
  if (text.trim().startsWith('{')) return JSON.parse(text) as JWK;
  return { ...(await exportJWK(await importPKCS8(text, 'RS256', { extractable: true }))), alg: 'RS256' };
}
