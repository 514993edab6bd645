// API clients and their secrets (stored only as salted hashes).
import type { Sql } from './sql.ts';

export interface ClientSecretRecord {
  id: string;
  hash: string;
  hint: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiClient {
  clientId: string;
  accountId: string;
  name: string;
  permissions: string[];
  tokenLifetime: number;
  disabled: boolean;
  createdAt: Date;
  secrets: ClientSecretRecord[];
}

export type NewSecret = Pick<ClientSecretRecord, 'id' | 'hash' | 'hint'>;

interface ClientRow {
  client_id: string;
  account_id: string;
  name: string;
  permissions: string[];
  token_lifetime: number;
  disabled: boolean;
  created_at: Date;
  /** json_agg output: timestamps arrive as ISO strings. */
  secrets: { id: string; hash: string; hint: string; createdAt: string; revokedAt: string | null }[];
}

// One round trip: the token endpoint reads a client on every cache miss.
const SELECT_CLIENT = `SELECT c.client_id, c.account_id, c.name, c.permissions, c.token_lifetime, c.disabled, c.created_at,
       coalesce(json_agg(json_build_object('id', s.id, 'hash', s.hash, 'hint', s.hint,
         'createdAt', s.created_at, 'revokedAt', s.revoked_at) ORDER BY s.created_at)
         FILTER (WHERE s.id IS NOT NULL), '[]') AS secrets
  FROM api_clients c LEFT JOIN client_secrets s ON s.client_id = c.client_id`;

const toClient = (r: ClientRow): ApiClient => ({
  clientId: r.client_id,
  accountId: r.account_id,
  name: r.name,
  permissions: r.permissions,
  tokenLifetime: r.token_lifetime,
  disabled: r.disabled,
  createdAt: r.created_at,
  secrets: r.secrets.map((s) => ({
    id: s.id,
    hash: s.hash,
    hint: s.hint,
    createdAt: new Date(s.createdAt),
    revokedAt: s.revokedAt ? new Date(s.revokedAt) : null,
  })),
});

const INSERT_SECRET = 'INSERT INTO client_secrets (id, client_id, hash, hint) VALUES ($1, $2, $3, $4)';

const insertSecret = (on: Sql, clientId: string, s: NewSecret) => on.query(INSERT_SECRET, [s.id, clientId, s.hash, s.hint]);

async function get(on: Sql, clientId: string): Promise<ApiClient | null> {
  const rows = await on.query<ClientRow>(`${SELECT_CLIENT} WHERE c.client_id = $1 GROUP BY c.client_id`, [clientId]);
  return rows[0] ? toClient(rows[0]) : null;
}

export interface NewClient {
  clientId: string;
  accountId: string;
  name: string;
  permissions: string[];
  tokenLifetime: number;
  secret: NewSecret;
}

/** The client and its first secret, in the caller's transaction. */
async function createClient(tx: Sql, c: NewClient): Promise<ApiClient | null> {
  const rows = await tx.query<{ client_id: string }>(
    `INSERT INTO api_clients (client_id, account_id, name, permissions, token_lifetime)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (client_id) DO NOTHING RETURNING client_id`,
    [c.clientId, c.accountId, c.name, c.permissions, c.tokenLifetime],
  );
  if (!rows[0]) return null;
  await insertSecret(tx, c.clientId, c.secret);
  return get(tx, c.clientId);
}

export function clientQueries(sql: Sql) {
  return {
    /** Null when a client with this id exists already. */
    create: (c: NewClient) => sql.transaction((tx) => createClient(tx, c)),

    get: (clientId: string) => get(sql, clientId),

    async list(accountId?: string): Promise<ApiClient[]> {
      const rows = await sql.query<ClientRow>(
        `${SELECT_CLIENT} WHERE ($1::text IS NULL OR c.account_id = $1) GROUP BY c.client_id ORDER BY c.created_at, c.client_id`,
        [accountId ?? null],
      );
      return rows.map(toClient);
    },

    async setDisabled(clientId: string, disabled: boolean): Promise<boolean> {
      const rows = await sql.query('UPDATE api_clients SET disabled = $2 WHERE client_id = $1 RETURNING client_id', [clientId, disabled]);
      return rows.length === 1;
    },

    async addSecret(clientId: string, secret: NewSecret): Promise<void> {
      await insertSecret(sql, clientId, secret);
    },

    async revokeSecret(clientId: string, secretId: string, at: Date): Promise<boolean> {
      const rows = await sql.query(
        'UPDATE client_secrets SET revoked_at = $3 WHERE client_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id',
        [clientId, secretId, at],
      );
      return rows.length === 1;
    },

    /** Replaces every secret of a client with the given one (the fixed development secret). */
    async replaceSecrets(clientId: string, secret: NewSecret): Promise<void> {
      await sql.transaction(async (tx) => {
        await tx.query('DELETE FROM client_secrets WHERE client_id = $1', [clientId]);
        await insertSecret(tx, clientId, secret);
      });
    },
  };
}
