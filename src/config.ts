// One typed source of configuration. Environment variables win over the optional JSON config file;
// both are validated here, once, and unknown keys are refused so that a typo never silently falls back
// to a default. Nothing else in the code base reads process.env.
import { readFileSync } from 'node:fs';
import { PROVIDERS } from './domain/providers/registry.ts';
import { DEFAULT_EVENT_TTL_SECONDS } from './domain/events/constants.ts';
import { isWebhookSecret } from './domain/webhooks/secret.ts';
import { CLIENT_AUTH_METHODS, isClientAuthMethod, type ProviderOverride } from './model/provider-config.ts';

export type Environment = 'development' | 'production';

export interface Config {
  env: Environment;
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  /** 32-byte key (base64) for identity data and signing keys at rest. Generated per data dir in development. */
  encryptionKey: string | undefined;
  /** Earlier encryption keys, kept for opening what they sealed until `eidgate keys reseal` has run. */
  oldEncryptionKeys: string[];
  /** Production on the embedded store: an explicit opt-in (one process, one writer, no scale-out). */
  allowEmbeddedStore: boolean;
  /** How long a start waits for an unreachable PostgreSQL before giving up (0: one attempt). */
  databaseConnectTimeoutSeconds: number;
  sessionRetentionSeconds: number;
  purgeIntervalSeconds: number;
  trustProxy: boolean;
  simulator: { enabled: boolean; port: number };
  dev: {
    accountId: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    /** Subscribes the development account to every event at start (with webhookSecret, `whsec_…`). */
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
    /** The development OIDC client of the OpenID Provider (its redirect URIs comma-separated in the environment). */
    oidcClientId: string | undefined;
    oidcClientSecret: string | undefined;
    oidcRedirectUris: string[] | undefined;
  };
  events: {
    /** An event's expiresAt: its deliveries are retried until then. */
    ttlSeconds: number;
    /** The bound on one delivery attempt. */
    webhookTimeoutMs: number;
    /** How often each process looks for due deliveries and expired sessions. */
    pollIntervalMs: number;
    /** Production: webhooks may point at private, loopback and link-local addresses (off: no SSRF). */
    allowPrivateAddresses: boolean;
    /** The NATS JetStream sink: every event also published there (NATS_URL set). */
    nats: { url: string; stream: string; subjectPrefix: string } | undefined;
  };
  /** Per provider id, the `<PREFIX>_*` overrides that were set (see the provider registry). */
  providerOverrides: Record<string, ProviderOverride>;
  providerTimeoutMs: number;
  /** A request's headers and body must arrive within this time (slow clients cannot hold connections). */
  requestTimeoutMs: number;
  /** Opens the admin API (Authorization: Bearer); without it the admin API is off, except for the local CLI. */
  adminToken: string | undefined;
}

/** Every key a deployment may set: environment name, config-file key, parser. */
const KEYS = {
  EIDGATE_ENV: 'env',
  PORT: 'port',
  HOST: 'host',
  PUBLIC_URL: 'publicUrl',
  DATABASE_URL: 'databaseUrl',
  DATA_DIR: 'dataDir',
  LOG_LEVEL: 'logLevel',
  EIDGATE_ENCRYPTION_KEY: 'encryptionKey',
  EIDGATE_OLD_ENCRYPTION_KEYS: 'oldEncryptionKeys',
  EIDGATE_ALLOW_EMBEDDED_STORE: 'allowEmbeddedStore',
  DATABASE_CONNECT_TIMEOUT_SECONDS: 'databaseConnectTimeoutSeconds',
  SESSION_RETENTION_SECONDS: 'sessionRetentionSeconds',
  PURGE_INTERVAL_SECONDS: 'purgeIntervalSeconds',
  TRUST_PROXY: 'trustProxy',
  SIMULATOR: 'simulator',
  SIMULATOR_PORT: 'simulatorPort',
  EIDGATE_DEV_ACCOUNT_ID: 'devAccountId',
  EIDGATE_DEV_CLIENT_ID: 'devClientId',
  EIDGATE_DEV_CLIENT_SECRET: 'devClientSecret',
  EIDGATE_DEV_WEBHOOK_URL: 'devWebhookUrl',
  EIDGATE_DEV_WEBHOOK_SECRET: 'devWebhookSecret',
  EIDGATE_DEV_OIDC_CLIENT_ID: 'devOidcClientId',
  EIDGATE_DEV_OIDC_CLIENT_SECRET: 'devOidcClientSecret',
  EIDGATE_DEV_OIDC_REDIRECT_URIS: 'devOidcRedirectUris',
  EVENT_TTL_SECONDS: 'eventTtlSeconds',
  WEBHOOK_TIMEOUT_MS: 'webhookTimeoutMs',
  WEBHOOK_POLL_INTERVAL_MS: 'webhookPollIntervalMs',
  EIDGATE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'webhookAllowPrivateAddresses',
  NATS_URL: 'natsUrl',
  NATS_STREAM: 'natsStream',
  NATS_SUBJECT_PREFIX: 'natsSubjectPrefix',
  PROVIDER_TIMEOUT_MS: 'providerTimeoutMs',
  REQUEST_TIMEOUT_MS: 'requestTimeoutMs',
  EIDGATE_ADMIN_TOKEN: 'adminToken',
} as const;

/** Every registered provider's overrides: IDPORTEN_ISSUER → idportenIssuer, and so on. */
const OVERRIDE_FIELDS = { ISSUER: 'Issuer', CLIENT_ID: 'ClientId', CLIENT_SECRET: 'ClientSecret', CLIENT_AUTH: 'ClientAuth' } as const;
/** Only OpenID Connect providers take these; a BankID relying party is configured per account (providers set). */
const OIDC_PROVIDERS = PROVIDERS.filter((p) => p.configKind === 'oidc');
const PROVIDER_KEYS: Record<string, string> = Object.fromEntries(
  OIDC_PROVIDERS.flatMap((p) => Object.entries(OVERRIDE_FIELDS).map(([env, key]) => [`${p.envPrefix}_${env}`, `${p.id}${key}`])),
);
const ALL_KEYS: Record<string, string> = { ...KEYS, ...PROVIDER_KEYS };

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

type Raw = Record<string, string | undefined>;

/** Reads EIDGATE_CONFIG (a JSON file with the camelCase keys above) and the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Raw = {};
  const problems: string[] = [];
  const file = env.EIDGATE_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError([`EIDGATE_CONFIG: cannot read ${file} as JSON (${(e as Error).message})`]);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError([`EIDGATE_CONFIG: ${file} must hold a JSON object`]);
    }
    const known = new Set<string>(Object.values(ALL_KEYS));
    for (const [k, v] of Object.entries(parsed)) {
      if (!known.has(k)) problems.push(`${file}: unknown key "${k}" (known: ${[...known].join(', ')})`);
      else raw[k] = v === null || v === undefined ? undefined : String(v);
    }
  }
  for (const [envName, key] of Object.entries(ALL_KEYS)) {
    const v = env[envName];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  return parseConfig(raw, problems);
}

function parseConfig(raw: Raw, problems: string[]): Config {
  const int = (key: string, name: string, def: number, min: number, max: number): number => {
    const v = raw[key];
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}: "${v}" is not a whole number between ${min} and ${max}`);
      return def;
    }
    return n;
  };
  const bool = (key: string, name: string, def: boolean): boolean => {
    const v = raw[key];
    if (v === undefined) return def;
    if (['1', 'true', 'on', 'yes'].includes(v.toLowerCase())) return true;
    if (['0', 'false', 'off', 'no'].includes(v.toLowerCase())) return false;
    problems.push(`${name}: "${v}" is not one of true/false/on/off/1/0`);
    return def;
  };
  const url = (key: string, name: string): string | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      return v.replace(/\/+$/, '');
    } catch {
      problems.push(`${name}: "${v}" is not an http(s) URL`);
      return undefined;
    }
  };

  const envRaw = raw.env ?? 'development';
  if (envRaw !== 'development' && envRaw !== 'production') {
    problems.push(`EIDGATE_ENV: "${envRaw}" must be development or production`);
  }
  const env: Environment = envRaw === 'production' ? 'production' : 'development';
  const port = int('port', 'PORT', 8080, 0, 65535);
  const host = raw.host ?? '127.0.0.1';
  const publicUrl = url('publicUrl', 'PUBLIC_URL') ?? `http://localhost:${port}`;
  const databaseUrl = raw.databaseUrl;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL: must start with postgres:// or postgresql://');
  }
  const isKey = (k: string) => /^[A-Za-z0-9+/]{43}=?$/.test(k) && Buffer.from(k, 'base64').length === 32;
  const encryptionKey = raw.encryptionKey;
  if (encryptionKey !== undefined && !isKey(encryptionKey)) {
    problems.push('EIDGATE_ENCRYPTION_KEY: must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  }
  const oldEncryptionKeys = (raw.oldEncryptionKeys ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  oldEncryptionKeys.forEach((k, i) => {
    if (!isKey(k)) problems.push(`EIDGATE_OLD_ENCRYPTION_KEYS: key ${i + 1} must be 32 bytes, base64-encoded`);
  });
  if (oldEncryptionKeys.length > 0 && encryptionKey === undefined) {
    problems.push('EIDGATE_OLD_ENCRYPTION_KEYS: needs EIDGATE_ENCRYPTION_KEY (the key that seals from now on)');
  }
  const providerOverrides: Record<string, ProviderOverride> = {};
  for (const p of OIDC_PROVIDERS) {
    const clientAuth = raw[`${p.id}ClientAuth`];
    if (clientAuth !== undefined && !isClientAuthMethod(clientAuth)) {
      problems.push(`${p.envPrefix}_CLIENT_AUTH: "${clientAuth}" must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
    }
    const o: ProviderOverride = {
      issuer: url(`${p.id}Issuer`, `${p.envPrefix}_ISSUER`),
      clientId: raw[`${p.id}ClientId`],
      clientSecret: raw[`${p.id}ClientSecret`],
      clientAuth: clientAuth !== undefined && isClientAuthMethod(clientAuth) ? clientAuth : undefined,
    };
    if (o.issuer || o.clientId || o.clientSecret || o.clientAuth) providerOverrides[p.id] = o;
  }
  const devSecret = raw.devClientSecret;
  if (devSecret !== undefined && devSecret.length < 32) {
    problems.push('EIDGATE_DEV_CLIENT_SECRET: must be at least 32 characters (secrets are hashed without stretching)');
  }
  const devAccountId = raw.devAccountId;
  if (devAccountId !== undefined && !/^a-[A-Za-z0-9-]{4,60}$/.test(devAccountId)) {
    problems.push('EIDGATE_DEV_ACCOUNT_ID: must look like a-xxxx (a- then letters, digits or dashes)');
  }
  const devWebhookUrl = url('devWebhookUrl', 'EIDGATE_DEV_WEBHOOK_URL');
  const devWebhookSecret = raw.devWebhookSecret;
  if (devWebhookSecret !== undefined && !isWebhookSecret(devWebhookSecret)) {
    problems.push('EIDGATE_DEV_WEBHOOK_SECRET: must be a Standard Webhooks secret: whsec_ then 24 to 64 bytes in base64');
  }
  if ((devWebhookUrl === undefined) !== (devWebhookSecret === undefined)) {
    problems.push('EIDGATE_DEV_WEBHOOK_URL and EIDGATE_DEV_WEBHOOK_SECRET: set both or neither');
  }
  const devOidcSecret = raw.devOidcClientSecret;
  if (devOidcSecret !== undefined && devOidcSecret.length < 32) {
    problems.push('EIDGATE_DEV_OIDC_CLIENT_SECRET: must be at least 32 characters (secrets are hashed without stretching)');
  }
  const devOidcRedirectUris = raw.devOidcRedirectUris
    ?.split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const u of devOidcRedirectUris ?? []) {
    if (!URL.canParse(u)) problems.push(`EIDGATE_DEV_OIDC_REDIRECT_URIS: ${u} is not an absolute URL`);
  }
  const adminToken = raw.adminToken;
  if (adminToken !== undefined && adminToken.length < 32) {
    problems.push('EIDGATE_ADMIN_TOKEN: must be at least 32 characters (openssl rand -base64 32)');
  }
  const simulatorEnabled = bool('simulator', 'SIMULATOR', env === 'development');
  if (env === 'production' && simulatorEnabled) {
    problems.push('SIMULATOR: the ID-porten simulator may not run with EIDGATE_ENV=production');
  }
  const allowEmbeddedStore = bool('allowEmbeddedStore', 'EIDGATE_ALLOW_EMBEDDED_STORE', false);
  if (env === 'production') {
    // What the README promises for production, enforced: a start that breaks one of these stops here.
    if (encryptionKey === undefined) problems.push('EIDGATE_ENCRYPTION_KEY: required with EIDGATE_ENV=production');
    if (!publicUrl.startsWith('https:')) {
      problems.push(`PUBLIC_URL: must be https with EIDGATE_ENV=production (is ${publicUrl}); TLS may end at your proxy`);
    }
    if (databaseUrl === undefined && !allowEmbeddedStore) {
      problems.push(
        'DATABASE_URL: required with EIDGATE_ENV=production (or EIDGATE_ALLOW_EMBEDDED_STORE=true for one process on the embedded store)',
      );
    }
    for (const [name, v] of [
      ['EIDGATE_DEV_ACCOUNT_ID', devAccountId],
      ['EIDGATE_DEV_CLIENT_ID', raw.devClientId],
      ['EIDGATE_DEV_CLIENT_SECRET', devSecret],
      ['EIDGATE_DEV_WEBHOOK_URL', raw.devWebhookUrl],
      ['EIDGATE_DEV_WEBHOOK_SECRET', devWebhookSecret],
      ['EIDGATE_DEV_OIDC_CLIENT_ID', raw.devOidcClientId],
      ['EIDGATE_DEV_OIDC_CLIENT_SECRET', devOidcSecret],
      ['EIDGATE_DEV_OIDC_REDIRECT_URIS', raw.devOidcRedirectUris],
    ] as const) {
      if (v !== undefined) problems.push(`${name}: there is no development account with EIDGATE_ENV=production`);
    }
  }

  const config: Config = {
    env,
    port,
    host,
    publicUrl,
    databaseUrl,
    dataDir: raw.dataDir ?? './.eidgate',
    logLevel: raw.logLevel ?? 'info',
    encryptionKey,
    oldEncryptionKeys,
    allowEmbeddedStore,
    databaseConnectTimeoutSeconds: int('databaseConnectTimeoutSeconds', 'DATABASE_CONNECT_TIMEOUT_SECONDS', 30, 0, 3600),
    sessionRetentionSeconds: int('sessionRetentionSeconds', 'SESSION_RETENTION_SECONDS', 3 * 86400, 60, 365 * 86400),
    purgeIntervalSeconds: int('purgeIntervalSeconds', 'PURGE_INTERVAL_SECONDS', 300, 1, 86400),
    trustProxy: bool('trustProxy', 'TRUST_PROXY', false),
    simulator: { enabled: simulatorEnabled, port: int('simulatorPort', 'SIMULATOR_PORT', port === 0 ? 0 : port + 1, 0, 65535) },
    dev: {
      accountId: devAccountId,
      clientId: raw.devClientId,
      clientSecret: devSecret,
      webhookUrl: devWebhookUrl,
      webhookSecret: devWebhookSecret,
      oidcClientId: raw.devOidcClientId,
      oidcClientSecret: devOidcSecret,
      oidcRedirectUris: devOidcRedirectUris,
    },
    events: {
      ttlSeconds: int('eventTtlSeconds', 'EVENT_TTL_SECONDS', DEFAULT_EVENT_TTL_SECONDS, 60, 7 * 86400),
      webhookTimeoutMs: int('webhookTimeoutMs', 'WEBHOOK_TIMEOUT_MS', 10000, 100, 60000),
      pollIntervalMs: int('webhookPollIntervalMs', 'WEBHOOK_POLL_INTERVAL_MS', 1000, 50, 60000),
      allowPrivateAddresses: bool('webhookAllowPrivateAddresses', 'EIDGATE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES', false),
      nats: natsConfig(raw, problems),
    },
    providerOverrides,
    providerTimeoutMs: int('providerTimeoutMs', 'PROVIDER_TIMEOUT_MS', 10000, 100, 120000),
    requestTimeoutMs: int('requestTimeoutMs', 'REQUEST_TIMEOUT_MS', 30000, 100, 600000),
    adminToken,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const NATS_URL_RE = /^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/;
const NATS_STREAM_RE = /^[A-Za-z0-9_-]{1,64}$/;
const NATS_PREFIX_RE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** The NATS sink: on when NATS_URL is set; the stream and subject prefix must be names NATS accepts. */
function natsConfig(raw: Record<string, string | undefined>, problems: string[]): Config['events']['nats'] {
  const url = raw.natsUrl;
  const stream = raw.natsStream ?? 'EIDGATE_EVENTS';
  const subjectPrefix = raw.natsSubjectPrefix ?? 'eidgate.events';
  if (url === undefined) {
    if (raw.natsStream !== undefined || raw.natsSubjectPrefix !== undefined)
      problems.push('NATS_STREAM and NATS_SUBJECT_PREFIX: need NATS_URL');
    return undefined;
  }
  if (!NATS_URL_RE.test(url)) problems.push('NATS_URL: must be nats://host:port (or tls://), several separated by commas');
  if (!NATS_STREAM_RE.test(stream)) problems.push('NATS_STREAM: letters, digits, _ and - only');
  if (!NATS_PREFIX_RE.test(subjectPrefix)) problems.push('NATS_SUBJECT_PREFIX: dot-separated tokens of letters, digits, _ and -');
  return { url, stream, subjectPrefix };
}
