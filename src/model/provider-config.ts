// An account's configuration of one provider: an OpenID Connect client at the provider. The secret parts
// (client secret, private key) are sealed at rest, apart from the rest.
import type { JWK } from 'jose';

export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];
export const isClientAuthMethod = (v: string): v is ClientAuthMethod => (CLIENT_AUTH_METHODS as readonly string[]).includes(v);

/** The part stored in plain text. */
export interface ProviderClientSettings {
  providerId: string;
  issuer: string;
  clientId: string;
  clientAuth: ClientAuthMethod;
  par: boolean;
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
