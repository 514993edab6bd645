// The OpenID Provider's protocol state (oidc-provider's models: sessions, interactions, codes, tokens, grants,
// PAR requests): one row per model instance, the payload sealed by the caller, the lookup keys oidc-provider
// asks by (grant, uid, user code) in columns of their own. Every process of a deployment shares it.
import type { Sql } from './sql.ts';

export interface OidcPayloadRecord {
  payloadEnc: string;
  consumedAt: Date | null;
  expiresAt: Date | null;
}

export interface OidcPayloadWrite {
  model: string;
  id: string;
  payloadEnc: string;
  grantId?: string | undefined;
  uid?: string | undefined;
  userCode?: string | undefined;
  expiresAt: Date | null;
}

interface Row {
  payload_enc: string;
  consumed_at: Date | null;
  expires_at: Date | null;
}

const toRecord = (r: Row): OidcPayloadRecord => ({ payloadEnc: r.payload_enc, consumedAt: r.consumed_at, expiresAt: r.expires_at });
// Expired rows are never answered, whether or not the purge has reached them yet.
const LIVE = '(expires_at IS NULL OR expires_at > now())';

export function oidcPayloadQueries(sql: Sql) {
  const one = async (where: string, params: unknown[]) => {
    const [row] = await sql.query<Row>(`SELECT payload_enc, consumed_at, expires_at FROM oidc_payloads WHERE ${where} AND ${LIVE}`, params);
    return row ? toRecord(row) : undefined;
  };
  return {
    async upsert(w: OidcPayloadWrite): Promise<void> {
      await sql.query(
        `INSERT INTO oidc_payloads (model, id, payload_enc, grant_id, uid, user_code, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (model, id) DO UPDATE SET payload_enc = EXCLUDED.payload_enc, grant_id = EXCLUDED.grant_id,
           uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
        [w.model, w.id, w.payloadEnc, w.grantId ?? null, w.uid ?? null, w.userCode ?? null, w.expiresAt],
      );
    },
    find: (model: string, id: string) => one('model = $1 AND id = $2', [model, id]),
    /** Returns the row's id too: the payload's seal is bound to it. */
    async findBy(model: string, column: 'uid' | 'user_code', value: string): Promise<(OidcPayloadRecord & { id: string }) | undefined> {
      const [row] = await sql.query<Row & { id: string }>(
        `SELECT id, payload_enc, consumed_at, expires_at FROM oidc_payloads WHERE model = $1 AND ${column} = $2 AND ${LIVE} LIMIT 1`,
        [model, value],
      );
      return row ? { ...toRecord(row), id: row.id } : undefined;
    },
    async destroy(model: string, id: string): Promise<void> {
      await sql.query('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2', [model, id]);
    },
    /**
     * Marks a one-time artefact (a code) used. Only the first consume of a row wins: null for the winner,
     * otherwise the row's grant (or '' without one), so the loser can revoke what the winner was given.
     */
    async consume(model: string, id: string): Promise<string | null> {
      const won = await sql.query(
        'UPDATE oidc_payloads SET consumed_at = now() WHERE model = $1 AND id = $2 AND consumed_at IS NULL RETURNING 1 AS won',
        [model, id],
      );
      if (won.length > 0) return null;
      const [row] = await sql.query<{ grant_id: string | null }>('SELECT grant_id FROM oidc_payloads WHERE model = $1 AND id = $2', [
        model,
        id,
      ]);
      return row?.grant_id ?? '';
    },
    /** Everything issued under one grant, of every model (a replayed code revokes its tokens). */
    async revokeByGrantId(grantId: string): Promise<void> {
      await sql.query('DELETE FROM oidc_payloads WHERE grant_id = $1', [grantId]);
    },
    /** Deletes one batch of rows expired before `now`; returns how many. */
    async purgeExpired(now: Date, limit: number): Promise<number> {
      const rows = await sql.query(
        `DELETE FROM oidc_payloads WHERE ctid IN (SELECT ctid FROM oidc_payloads WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1 AS gone`,
        [now, limit],
      );
      return rows.length;
    },
  };
}

export interface OidcKeyRecord {
  kid: string;
  alg: string;
  privateJwkEnc: string;
}

export function oidcKeyQueries(sql: Sql) {
  return {
    async list(): Promise<OidcKeyRecord[]> {
      const rows = await sql.query<{ kid: string; alg: string; private_jwk_enc: string }>(
        'SELECT kid, alg, private_jwk_enc FROM oidc_keys ORDER BY created_at, kid',
      );
      return rows.map((r) => ({ kid: r.kid, alg: r.alg, privateJwkEnc: r.private_jwk_enc }));
    },
    /** Inserts a key for an algorithm unless one exists (several processes starting at once agree on the first). */
    async insertIfNone(k: OidcKeyRecord, lock: number): Promise<void> {
      await sql.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [lock]);
        const existing = await tx.query('SELECT kid FROM oidc_keys WHERE alg = $1 LIMIT 1', [k.alg]);
        if (existing.length > 0) return;
        await tx.query('INSERT INTO oidc_keys (kid, alg, private_jwk_enc) VALUES ($1, $2, $3)', [k.kid, k.alg, k.privateJwkEnc]);
      });
    },
  };
}
