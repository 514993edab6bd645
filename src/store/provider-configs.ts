// Per-account provider configuration: the plain settings as JSON, the secrets sealed by the caller.
import type { ProviderClientSettings } from '../model/provider-config.ts';
import type { Sql } from './sql.ts';

export interface ProviderConfigRecord {
  accountId: string;
  providerId: string;
  settings: ProviderClientSettings;
  secretEnc: string | null;
}

interface ProviderConfigRow {
  account_id: string;
  provider_id: string;
  config: ProviderClientSettings;
  secret_enc: string | null;
}

const COLUMNS = 'account_id, provider_id, config, secret_enc';
const toRecord = (r: ProviderConfigRow): ProviderConfigRecord => ({
  accountId: r.account_id,
  providerId: r.provider_id,
  settings: r.config,
  secretEnc: r.secret_enc,
});

export function providerConfigQueries(sql: Sql) {
  return {
    async get(accountId: string, providerId: string): Promise<ProviderConfigRecord | null> {
      const rows = await sql.query<ProviderConfigRow>(
        `SELECT ${COLUMNS} FROM provider_configs WHERE account_id = $1 AND provider_id = $2`,
        [accountId, providerId],
      );
      return rows[0] ? toRecord(rows[0]) : null;
    },

    async list(accountId: string): Promise<ProviderConfigRecord[]> {
      const rows = await sql.query<ProviderConfigRow>(
        `SELECT ${COLUMNS} FROM provider_configs WHERE account_id = $1 ORDER BY provider_id`,
        [accountId],
      );
      return rows.map(toRecord);
    },

    async upsert(p: ProviderConfigRecord): Promise<void> {
      await sql.query(
        `INSERT INTO provider_configs (account_id, provider_id, config, secret_enc) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, provider_id) DO UPDATE SET config = EXCLUDED.config, secret_enc = EXCLUDED.secret_enc`,
        [p.accountId, p.providerId, JSON.stringify(p.settings), p.secretEnc],
      );
    },

    /** True when a configuration was there to delete. */
    async delete(accountId: string, providerId: string): Promise<boolean> {
      const rows = await sql.query('DELETE FROM provider_configs WHERE account_id = $1 AND provider_id = $2 RETURNING provider_id', [
        accountId,
        providerId,
      ]);
      return rows.length > 0;
    },
  };
}
