// Idempotency keys of session creation. The store records and reads keys; the policy (replay or refuse)
// is the domain's (Sessions.create in src/domain/sessions/sessions.ts).
import type { Sql } from './sql.ts';

export interface IdempotencyRecord {
  requestHash: string;
  sessionId: string;
}

export function idempotencyQueries(sql: Sql) {
  return {
    /** Claims the key for a session; false when the account used it before (then read it with `find`). */
    async claim(accountId: string, key: string, requestHash: string, sessionId: string): Promise<boolean> {
      const rows = await sql.query(
        `INSERT INTO idempotency_keys (account_id, key, request_hash, session_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, key) DO NOTHING RETURNING key`,
        [accountId, key, requestHash, sessionId],
      );
      return rows.length === 1;
    },

    async find(accountId: string, key: string): Promise<IdempotencyRecord | null> {
      const rows = await sql.query<{ request_hash: string; session_id: string }>(
        'SELECT request_hash, session_id FROM idempotency_keys WHERE account_id = $1 AND key = $2',
        [accountId, key],
      );
      return rows[0] ? { requestHash: rows[0].request_hash, sessionId: rows[0].session_id } : null;
    },

    async deleteCreatedBefore(cutoff: Date): Promise<number> {
      return (await sql.query('DELETE FROM idempotency_keys WHERE created_at < $1 RETURNING key', [cutoff])).length;
    },
  };
}
