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

/** The part stored in plain text. */
export interface ProviderClientSettings {
  providerId: string;
  issuer: string;
  clientId: string;
  clientAuth: ClientAuthMethod;
  par: boolean;
  /** Present only for an operator's generic OpenID Connect provider. */
  generic?: GenericOidcSettings;
}

/** The part sealed at rest. */
export interface ProviderSecrets {
  clientSecret?: string;
  privateKeyJwk?: JWK;
}

export type ProviderConfig = ProviderClientSettings & ProviderSecrets;

/** What administration shows: never the secrets, only whether they are there. */
export type PublicProviderConfig = ProviderClientSettings & { hasSecret: boolean; hasPrivateKey: boolean };

/** Values from `<PREFIX>_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET`, `_CLIENT_AUTH` that override every account's. */
export interface ProviderOverride {
  issuer: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  clientAuth: ClientAuthMethod | undefined;
}
