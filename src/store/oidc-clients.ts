import type { Branding } from './accounts.ts';
// The accounts' OpenID Connect clients: the relying parties that log people in through eidgate's OpenID
// Provider. The secret is stored as a hash only (see domain/oidc-clients.ts); the rest is one JSON document.
import type { Sql } from './sql.ts';

export interface OidcClientSettings {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** private_key_jwt: the client's public keys (a JWK Set) or where to fetch them. */
  jwks?: { keys: Record<string, unknown>[] } | undefined;
  jwksUri?: string | undefined;
  allowedProviders: string[];
  defaultLevel?: 'low' | 'substantial' | 'high' | undefined;
  allowedLevels: ('low' | 'substantial' | 'high')[];
  claims: string[];
  idTokenLifetime: number;
  idTokenAlg: 'RS256' | 'ES256';
  pkceRequired: boolean;
  subjectType: 'pairwise' | 'public';
  /** The service's name, logo and links on the login pages of this client, over the account's (issue 18). */
  branding?: Branding | undefined;
}

export interface OidcClientRecord {
  clientId: string;
  accountId: string;
  name: string;
  secretHash: string | null;
  settings: OidcClientSettings;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  client_id: string;
  account_id: string;
  name: string;
  secret_hash: string | null;
  settings: OidcClientSettings;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'client_id, account_id, name, secret_hash, settings, created_at, updated_at';
const toRecord = (r: Row): OidcClientRecord => ({
  clientId: r.client_id,
  accountId: r.account_id,
  name: r.name,
  secretHash: r.secret_hash,
  settings: r.settings,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function oidcClientQueries(sql: Sql) {
  return {
    async insert(c: Omit<OidcClientRecord, 'createdAt' | 'updatedAt'>): Promise<void> {
      await sql.query('INSERT INTO oidc_clients (client_id, account_id, name, secret_hash, settings) VALUES ($1, $2, $3, $4, $5)', [
        c.clientId,
        c.accountId,
        c.name,
        c.secretHash,
        JSON.stringify(c.settings),
      ]);
    },
    async get(clientId: string): Promise<OidcClientRecord | null> {
      const [row] = await sql.query<Row>(`SELECT ${COLUMNS} FROM oidc_clients WHERE client_id = $1`, [clientId]);
      return row ? toRecord(row) : null;
    },
    async list(accountId: string): Promise<OidcClientRecord[]> {
      const rows = await sql.query<Row>(`SELECT ${COLUMNS} FROM oidc_clients WHERE account_id = $1 ORDER BY created_at, client_id`, [
        accountId,
      ]);
      return rows.map(toRecord);
    },
    async update(clientId: string, patch: { name: string; settings: OidcClientSettings; secretHash?: string | null }): Promise<void> {
      if (patch.secretHash === undefined) {
        await sql.query('UPDATE oidc_clients SET name = $2, settings = $3, updated_at = now() WHERE client_id = $1', [
          clientId,
          patch.name,
          JSON.stringify(patch.settings),
        ]);
      } else {
        await sql.query('UPDATE oidc_clients SET name = $2, settings = $3, secret_hash = $4, updated_at = now() WHERE client_id = $1', [
          clientId,
          patch.name,
          JSON.stringify(patch.settings),
          patch.secretHash,
        ]);
      }
    },
    async delete(clientId: string): Promise<boolean> {
      return (await sql.query('DELETE FROM oidc_clients WHERE client_id = $1 RETURNING 1 AS gone', [clientId])).length === 1;
    },
  };
}
