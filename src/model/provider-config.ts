// An account's configuration of one provider: an OpenID Connect client at the provider. The secret parts
// (client secret, private key) are sealed at rest, apart from the rest.
import type { JWK } from 'jose';
import type { PageLang } from './languages.ts';
import type { Loa } from './session.ts';

export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];
export const isClientAuthMethod = (v: string): v is ClientAuthMethod => (CLIENT_AUTH_METHODS as readonly string[]).includes(v);

/**
 * An operator's own OpenID Connect eID (a generic provider, not in the registry): what the registry and a
 * profile say for a built-in one, as data. Stored with the client settings, so no migration.
 */
export interface GenericOidcSettings {
  /** The chooser's name per page language; a missing language falls back to English, then the id. */
  labels: Partial<Record<PageLang, string>>;
  scope: string;
  /** acr_values sent when a session asks for a level (the lowest configured level at or above it is sent). */
  acrValues: Partial<Record<Loa, string>>;
  /** The provider's acr → the level it stands for; `*` is any other acr, or none. */
  acrLevels: Record<string, Loa>;
  /** Signicat attribute → a claim name (`pid`, `address.country`) or a template (`{given_name} {family_name}`). */
  claims: Record<string, string>;
  /** The id_token signing algorithm the provider uses (RS256, ES256, PS256, …). */
  idTokenAlg: string;
}

/** BankID's RP API v6 base URLs, by name (https://www.bankid.com/utvecklare/guider). */
export const BANKID_API_PRESETS = {
  test: 'https://appapi2.test.bankid.com/rp/v6.0',
  production: 'https://appapi2.bankid.com/rp/v6.0',
} as const;

/** Where "Open BankID on this device" leads: BankID's universal link (with the simulator, its test app). */
export const BANKID_LAUNCH_URL = 'https://app.bankid.com/';

/**
 * A Swedish BankID relying party (the sbid provider): the RP API's base URL, the CA that issued its server
 * certificate, and where the person's device opens the app. The RP certificate is a secret (ProviderSecrets).
 */
export interface BankIdRpSettings {
  apiUrl: string;
  /** PEM: the only CA the RP API's server certificate may chain to (BankID's own, not the system's). */
  caCertPem: string;
  /** The autostart link's base: `<launchUrl>?autostarttoken=…&redirect=…`. */
  launchUrl: string;
}

/** The part stored in plain text. */
export interface ProviderClientSettings {
  providerId: string;
  issuer: string;
  clientId: string;
  clientAuth: ClientAuthMethod;
  par: boolean;
  /** Present only for an operator's generic OpenID Connect provider. */
  generic?: GenericOidcSettings;
  /** Present only for Swedish BankID (sbid): `issuer` then holds the RP API's base URL. */
  bankid?: BankIdRpSettings;
}

/** The part sealed at rest. */
export interface ProviderSecrets {
  clientSecret?: string;
  privateKeyJwk?: JWK;
  /** Swedish BankID: the RP certificate, as PKCS#12 (Base64) with its passphrase, or as PEM certificate and key. */
  rpPfxBase64?: string;
  rpPfxPassphrase?: string;
  rpCertPem?: string;
  rpKeyPem?: string;
}

export type ProviderConfig = ProviderClientSettings & ProviderSecrets;

/** What administration shows: never the secrets, only whether they are there. */
export type PublicProviderConfig = ProviderClientSettings & { hasSecret: boolean; hasPrivateKey: boolean; hasRpCertificate?: boolean };

/** Values from `<PREFIX>_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET`, `_CLIENT_AUTH` that override every account's. */
export interface ProviderOverride {
  issuer: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  clientAuth: ClientAuthMethod | undefined;
}
