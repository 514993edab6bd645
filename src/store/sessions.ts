// Sessions at rest. Atomicity is part of the contract: `transition` is one conditional UPDATE, so of two
// concurrent attempts at the same transition exactly one gets a row back. Identity data and journey secrets
// arrive sealed (identityEnc, journeyEnc); this module never sees them in the clear.
import type { Loa, SessionError, SessionStatus, StoredSessionRequest } from '../model/session.ts';
import type { Sql } from './sql.ts';

export interface SessionRecord {
  id: string;
  accountId: string;
  status: SessionStatus;
  request: StoredSessionRequest;
  createdAt: Date;
  expiresAt: Date;
  finishedAt: Date | null;
  provider: string | null;
  loa: Loa | null;
  identityEnc: string | null;
  error: SessionError | null;
  browserBinding: string | null;
  journeyState: string | null;
  journeyEnc: string | null;
  /**
   * A session created with encryptionPublicKey, once final: the session as its client reads it, a compact
   * JWE to the client's key. Its identity is only here (identityEnc stays null): the broker cannot open it.
   */
  clientResult: string | null;
}

/**
 * A journey state with this prefix has been claimed by one callback request, which is exchanging the code:
 * a second load of the same callback finds the session but does not exchange the code again.
 */
export const CLAIMED_PREFIX = 'claimed:';

/** Columns a transition may set. */
export type SessionPatch = Partial<
  Pick<
    SessionRecord,
    | 'status'
    | 'finishedAt'
    | 'provider'
    | 'loa'
    | 'identityEnc'
    | 'error'
    | 'browserBinding'
    | 'journeyState'
    | 'journeyEnc'
    | 'clientResult'
  >
>;

export interface TransitionGuard {
  /** The write happens only while the session has one of these statuses. */
  from: readonly SessionStatus[];
  /** …and, when given, only while it has not expired at this instant. */
  notExpiredAt?: Date;
  /** …and, when given, only while its browser binding is null or equal to this. */
  browserBinding?: string;
  /** …and, when given, only while its journey state equals this. */
  journeyState?: string;
}

/** The row as PostgreSQL returns it: jsonb columns hold what this module wrote from the domain types. */
interface SessionRow {
  id: string;
  account_id: string;
  status: SessionStatus;
  request: StoredSessionRequest;
  created_at: Date;
  expires_at: Date;
  finished_at: Date | null;
  provider: string | null;
  loa: Loa | null;
  identity_enc: string | null;
  error: SessionError | null;
  browser_binding: string | null;
  journey_state: string | null;
  journey_enc: string | null;
  client_result: string | null;
}

const PATCH_COLUMNS: Record<keyof SessionPatch, string> = {
  status: 'status',
  finishedAt: 'finished_at',
  provider: 'provider',
  loa: 'loa',
  identityEnc: 'identity_enc',
  error: 'error',
  browserBinding: 'browser_binding',
  journeyState: 'journey_state',
  journeyEnc: 'journey_enc',
  clientResult: 'client_result',
};

// Reads list their columns: statements are prepared on PostgreSQL (src/store/sql.ts).
const COLUMNS =
  'id, account_id, status, request, created_at, expires_at, finished_at, provider, loa, identity_enc, error, browser_binding, journey_state, journey_enc, client_result';

const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  accountId: r.account_id,
  status: r.status,
  request: r.request,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  finishedAt: r.finished_at,
  provider: r.provider,
  loa: r.loa,
  identityEnc: r.identity_enc,
  error: r.error,
  browserBinding: r.browser_binding,
  journeyState: r.journey_state,
  journeyEnc: r.journey_enc,
  clientResult: r.client_result,
});

const one = (rows: SessionRow[]): SessionRecord | null => (rows[0] ? toSession(rows[0]) : null);

/** UPDATE … SET <patch> WHERE id AND status IN guard.from [AND not expired] [AND browser] [AND journey]. */
export function transitionStatement(id: string, guard: TransitionGuard, patch: SessionPatch): { text: string; params: unknown[] } {
  const sets: string[] = [];
  const params: unknown[] = [id, guard.from];
  for (const column of Object.keys(patch) as (keyof SessionPatch)[]) {
    const v = patch[column];
    params.push(column === 'error' && v !== null ? JSON.stringify(v) : v);
    sets.push(`${PATCH_COLUMNS[column]} = $${params.length}`);
  }
  if (sets.length === 0) throw new Error('empty patch');
  const where = ['id = $1', 'status = ANY($2)'];
  const when = (value: unknown, condition: (n: number) => string) => {
    params.push(value);
    where.push(condition(params.length));
  };
  if (guard.notExpiredAt) when(guard.notExpiredAt, (n) => `expires_at > $${n}`);
  if (guard.browserBinding !== undefined) when(guard.browserBinding, (n) => `(browser_binding IS NULL OR browser_binding = $${n})`);
  if (guard.journeyState !== undefined) when(guard.journeyState, (n) => `journey_state = $${n}`);
  return { text: `UPDATE sessions SET ${sets.join(', ')} WHERE ${where.join(' AND ')} RETURNING ${COLUMNS}`, params };
}

/** The INSERT of a new session, also run inside the statement that records its event (events.record). */
export function insertStatement(s: SessionRecord): { text: string; params: unknown[] } {
  return {
    text: 'INSERT INTO sessions (id, account_id, status, request, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    params: [s.id, s.accountId, s.status, JSON.stringify(s.request), s.createdAt, s.expiresAt],
  };
}

export function sessionQueries(sql: Sql) {
  return {
    async insert(s: SessionRecord): Promise<void> {
      const { text, params } = insertStatement(s);
      await sql.query(text, params);
    },

    async get(id: string): Promise<SessionRecord | null> {
      return one(await sql.query<SessionRow>(`SELECT ${COLUMNS} FROM sessions WHERE id = $1`, [id]));
    },

    /** The session whose journey has this state, whether or not a callback has claimed it (CLAIMED_PREFIX). */
    async findByJourneyState(state: string): Promise<SessionRecord | null> {
      return one(
        await sql.query<SessionRow>(`SELECT ${COLUMNS} FROM sessions WHERE journey_state IN ($1, $2)`, [
          state,
          `${CLAIMED_PREFIX}${state}`,
        ]),
      );
    },

    /** The one conditional write every state change goes through. Null when the guard did not hold. */
    async transition(id: string, guard: TransitionGuard, patch: SessionPatch): Promise<SessionRecord | null> {
      const { text, params } = transitionStatement(id, guard, patch);
      return one(await sql.query<SessionRow>(text, params));
    },

    /**
     * Writes EXPIRED on open sessions whose lifetime is over, at most `limit` per call, and returns them (each
     * needs its event, written by the caller in the same transaction). SKIP LOCKED: concurrent sweepers in
     * several processes take different rows, and a session a finish is writing is left to that finish.
     */
    async expireDue(now: Date, limit: number): Promise<SessionRecord[]> {
      const rows = await sql.query<SessionRow>(
        `UPDATE sessions SET status = 'EXPIRED', finished_at = expires_at, journey_enc = NULL
         WHERE status IN ('CREATED', 'WAITING_FOR_USER') AND id IN (
           SELECT id FROM sessions WHERE status IN ('CREATED', 'WAITING_FOR_USER') AND expires_at <= $1
           ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}`,
        [now, limit],
      );
      return rows.map(toSession);
    },

    /**
     * Deletes sessions finished or expired before the cutoff, at most `limit` per call. SKIP LOCKED lets
     * several processes purge at once without waiting on each other or deleting a row twice.
     */
    async purge(cutoff: Date, limit: number): Promise<number> {
      const rows = await sql.query(
        `DELETE FROM sessions WHERE id IN (
           SELECT id FROM sessions WHERE expires_at < $1 OR finished_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [cutoff, limit],
      );
      return rows.length;
    },
  };
}
