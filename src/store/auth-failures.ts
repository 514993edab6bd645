// Failed authentications, counted per key (an API client, a source address) in fixed windows, with the
// lockout a key earns when it reaches its limit. In the database, so every broker process on one
// PostgreSQL counts the same failures and honours the same lockouts (an attacker cannot spread guesses
// over processes). Only failures write; a request that authenticates reads a cached lockout state.
import type { Sql } from './sql.ts';

export interface FailureRule {
  windowMs: number;
  limit: number;
  lockMs: number;
}

export function authFailureQueries(sql: Sql) {
  return {
    /**
     * Counts one failure for the key: a new window when the last one is over. Reaching the limit sets
     * locked_until. Returns the lockout end, or null. One statement, so concurrent failures all count.
     */
    async record(key: string, now: Date, rule: FailureRule): Promise<Date | null> {
      const rows = await sql.query<{ locked_until: Date | null }>(
        `INSERT INTO auth_failures AS f (key, window_start, failures, locked_until)
           VALUES ($1, $2, 1, CASE WHEN $3::int <= 1 THEN $2::timestamptz + make_interval(secs => $5::float8 / 1000) END)
         ON CONFLICT (key) DO UPDATE SET
           window_start = CASE WHEN f.window_start <= $2::timestamptz - make_interval(secs => $4::float8 / 1000) THEN $2 ELSE f.window_start END,
           failures = CASE WHEN f.window_start <= $2::timestamptz - make_interval(secs => $4::float8 / 1000) THEN 1 ELSE f.failures + 1 END,
           locked_until = CASE
             WHEN (CASE WHEN f.window_start <= $2::timestamptz - make_interval(secs => $4::float8 / 1000) THEN 1 ELSE f.failures + 1 END) >= $3
               THEN GREATEST(f.locked_until, $2::timestamptz + make_interval(secs => $5::float8 / 1000))
             ELSE f.locked_until END
         RETURNING locked_until`,
        [key, now, rule.limit, rule.windowMs, rule.lockMs],
      );
      const until = rows[0]?.locked_until ?? null;
      return until && until.getTime() > now.getTime() ? until : null;
    },

    /** The keys among these that are locked at `now`, with the end of their lockout. */
    async locked(keys: string[], now: Date): Promise<Map<string, Date>> {
      const rows = await sql.query<{ key: string; locked_until: Date }>(
        'SELECT key, locked_until FROM auth_failures WHERE key = ANY($1) AND locked_until > $2',
        [keys, now],
      );
      return new Map(rows.map((r) => [r.key, r.locked_until]));
    },

    /** Forgets counters whose window and lockout are both over (the purge job). */
    async purge(before: Date): Promise<number> {
      const rows = await sql.query(
        'DELETE FROM auth_failures WHERE window_start < $1 AND (locked_until IS NULL OR locked_until < $1) RETURNING key',
        [before],
      );
      return rows.length;
    },
  };
}
