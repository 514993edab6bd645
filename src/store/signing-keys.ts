// The broker's access-token signing keys (private parts sealed by the caller).
import type { JWK } from 'jose';
import { LOCKS } from './locks.ts';
import type { Sql } from './sql.ts';

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: JWK;
  privateJwkEnc: string;
  createdAt: Date;
  retiredAt: Date | null;
}

export type NewSigningKey = Omit<SigningKeyRecord, 'createdAt' | 'retiredAt'>;

interface SigningKeyRow {
  kid: string;
  alg: string;
  public_jwk: JWK;
  private_jwk_enc: string;
  created_at: Date;
  retired_at: Date | null;
}

const COLUMNS = 'kid, alg, public_jwk, private_jwk_enc, created_at, retired_at';
const toKey = (r: SigningKeyRow): SigningKeyRecord => ({
  kid: r.kid,
  alg: r.alg,
  publicJwk: r.public_jwk,
  privateJwkEnc: r.private_jwk_enc,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
});

export function signingKeyQueries(sql: Sql) {
  return {
    async list(): Promise<SigningKeyRecord[]> {
      return (await sql.query<SigningKeyRow>(`SELECT ${COLUMNS} FROM signing_keys ORDER BY created_at, kid`)).map(toKey);
    },

    /** Inserts a key unless one not retired exists already (first start of several processes at once). */
    async insertFirst(k: NewSigningKey): Promise<void> {
      await sql.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.signingKeys]);
        const live = await tx.query('SELECT kid FROM signing_keys WHERE retired_at IS NULL LIMIT 1');
        if (live.length > 0) return;
        await tx.query('INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk_enc) VALUES ($1, $2, $3, $4)', [
          k.kid,
          k.alg,
          JSON.stringify(k.publicJwk),
          k.privateJwkEnc,
        ]);
      });
    },

    async insert(k: NewSigningKey, createdAt: Date): Promise<void> {
      await sql.query('INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk_enc, created_at) VALUES ($1, $2, $3, $4, $5)', [
        k.kid,
        k.alg,
        JSON.stringify(k.publicJwk),
        k.privateJwkEnc,
        createdAt,
      ]);
    },

    async retire(kids: string[], at: Date): Promise<void> {
      await sql.query('UPDATE signing_keys SET retired_at = $2 WHERE kid = ANY($1) AND retired_at IS NULL', [kids, at]);
    },

    async deleteRetiredBefore(cutoff: Date): Promise<number> {
      return (await sql.query('DELETE FROM signing_keys WHERE retired_at < $1 RETURNING kid', [cutoff])).length;
    },
  };
}
