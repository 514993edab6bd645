// Every sealed column, read and rewritten as opaque text: what `eidgate keys reseal` walks after an
// encryption-key rotation, and the key check row that tells a start whether its key is the store's. The
// domain (domain/encryption-keys.ts) knows how each value is bound to its row; here are only the SQL texts.
import type { Sql } from './sql.ts';

/** The sealed columns, each with the columns that name its row (the AAD is built from them). */
export const SEALED_COLUMNS = {
  'sessions.identity_enc': { table: 'sessions', key: ['id'], column: 'identity_enc' },
  'sessions.journey_enc': { table: 'sessions', key: ['id'], column: 'journey_enc' },
  'provider_configs.secret_enc': { table: 'provider_configs', key: ['account_id', 'provider_id'], column: 'secret_enc' },
  'signing_keys.private_jwk_enc': { table: 'signing_keys', key: ['kid'], column: 'private_jwk_enc' },
  'encryption_key_check.pseudonym_key_enc': { table: 'encryption_key_check', key: ['id'], column: 'pseudonym_key_enc' },
  'webhook_subscriptions.secret_enc': { table: 'webhook_subscriptions', key: ['id'], column: 'secret_enc' },
  'webhook_subscriptions.previous_secret_enc': { table: 'webhook_subscriptions', key: ['id'], column: 'previous_secret_enc' },
  'oidc_payloads.payload_enc': { table: 'oidc_payloads', key: ['model', 'id'], column: 'payload_enc' },
  'oidc_keys.private_jwk_enc': { table: 'oidc_keys', key: ['kid'], column: 'private_jwk_enc' },
} as const;

export type SealedColumn = keyof typeof SEALED_COLUMNS;

export interface SealedValue {
  /** The row's key columns, as text, in the order SEALED_COLUMNS lists them. */
  key: string[];
  sealed: string;
}

interface Row {
  k0: string;
  k1?: string;
  sealed: string;
}

export function sealedColumnQueries(sql: Sql) {
  return {
    /** One batch of a column's values after `after` (a row key; omit it to start), in key order. */
    async page(name: SealedColumn, after: string[] | undefined, limit: number): Promise<SealedValue[]> {
      const { table, key, column } = SEALED_COLUMNS[name];
      const cols = key.map((k, i) => `${k}::text AS k${i}`).join(', ');
      // Keyset pagination on the key's text form: the same order on PGlite and PostgreSQL, and it never
      // skips or repeats a row however the column's values change meanwhile.
      const keyText = `(${key.map((k) => `${k}::text`).join(', ')})`;
      const params: unknown[] = [limit];
      let where = `${column} IS NOT NULL`;
      if (after) {
        where += ` AND ${keyText} > (${after.map((_, i) => `$${i + 2}::text`).join(', ')})`;
        params.push(...after);
      }
      const rows = await sql.query<Row>(
        `SELECT ${cols}, ${column} AS sealed FROM ${table} WHERE ${where} ORDER BY ${keyText.slice(1, -1)} LIMIT $1`,
        params,
      );
      return rows.map((r) => ({ key: r.k1 === undefined ? [r.k0] : [r.k0, r.k1], sealed: r.sealed }));
    },

    /** Replaces one value, only if it is still the one read: a value a broker rewrote meanwhile is left alone. */
    async replace(name: SealedColumn, key: string[], was: string, now: string): Promise<boolean> {
      const { table, key: cols, column } = SEALED_COLUMNS[name];
      const match = cols.map((k, i) => `${k}::text = $${i + 3}`).join(' AND ');
      const rows = await sql.query(`UPDATE ${table} SET ${column} = $2 WHERE ${column} = $1 AND ${match} RETURNING 1 AS done`, [
        was,
        now,
        ...key,
      ]);
      return rows.length === 1;
    },

    async keyCheck(): Promise<string | undefined> {
      const [row] = await sql.query<{ sealed: string }>('SELECT pseudonym_key_enc AS sealed FROM encryption_key_check WHERE id = 1');
      return row?.sealed;
    },

    /** Stores the key check once; a concurrent first start that got there first wins (its value is read back). */
    async createKeyCheck(sealed: string): Promise<void> {
      await sql.query('INSERT INTO encryption_key_check (id, pseudonym_key_enc) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [sealed]);
    },
  };
}
