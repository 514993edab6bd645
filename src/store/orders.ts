// Orders at a decoupled provider (Swedish BankID) that the broker polls. A row per open order: when it is
// next due, and a lease. A process claims due rows with one conditional UPDATE (FOR UPDATE SKIP LOCKED) and
// keeps the lease from poll to poll, so exactly one process polls an order for its whole life; a process that
// dies stops renewing its lease, and once it runs out another process takes the order over. Times are the
// database's, so processes need not agree on a clock.
import type { Sql } from './sql.ts';

export interface OrderRecord {
  sessionId: string;
  providerId: string;
  /** The provider's name for the order (BankID's orderRef). */
  reference: string;
  /** The provider's last hint for the person (BankID's hintCode), if any. */
  hint: string | null;
  polls: number;
}

interface OrderRow {
  session_id: string;
  provider_id: string;
  reference: string;
  hint: string | null;
  polls: number;
}

const COLUMNS = 'session_id, provider_id, reference, hint, polls';
const toRecord = (r: OrderRow): OrderRecord => ({
  sessionId: r.session_id,
  providerId: r.provider_id,
  reference: r.reference,
  hint: r.hint,
  polls: r.polls,
});

export function orderQueries(sql: Sql) {
  return {
    /** A new order, first due after `firstPollMs`. */
    async insert(o: { sessionId: string; providerId: string; reference: string; firstPollMs: number }): Promise<void> {
      await sql.query(
        `INSERT INTO decoupled_orders (session_id, provider_id, reference, next_poll_at)
         VALUES ($1, $2, $3, now() + $4::int * interval '1 millisecond')`,
        [o.sessionId, o.providerId, o.reference, o.firstPollMs],
      );
    },

    async get(sessionId: string): Promise<OrderRecord | null> {
      const rows = await sql.query<OrderRow>(`SELECT ${COLUMNS} FROM decoupled_orders WHERE session_id = $1`, [sessionId]);
      return rows[0] ? toRecord(rows[0]) : null;
    },

    /**
     * Claims up to `limit` due orders for `owner`: due (next_poll_at passed) and either its own, new, or
     * leased by a process whose lease ran out. The claim pushes next_poll_at past the lease, so the same
     * process does not poll an order again while a poll of it is in flight. SKIP LOCKED: processes claiming
     * at once take different rows.
     */
    async claimDue(owner: string, leaseMs: number, limit: number): Promise<OrderRecord[]> {
      const rows = await sql.query<OrderRow>(
        `UPDATE decoupled_orders SET lease_owner = $1, lease_until = now() + $2::int * interval '1 millisecond',
           next_poll_at = now() + $2::int * interval '1 millisecond'
         WHERE session_id IN (
           SELECT session_id FROM decoupled_orders
           WHERE next_poll_at <= now() AND (lease_owner = $1 OR lease_owner IS NULL OR lease_until < now())
           ORDER BY next_poll_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}`,
        [owner, leaseMs, limit],
      );
      return rows.map(toRecord);
    },

    /**
     * After a poll: the new hint and the next time it is due; the lease is renewed past it, so the order
     * stays with this process while it lives. Only the lease holder's write counts.
     */
    async reschedule(sessionId: string, owner: string, hint: string | null, delayMs: number, leaseMs: number): Promise<boolean> {
      const rows = await sql.query(
        `UPDATE decoupled_orders SET hint = $3, polls = polls + 1, next_poll_at = now() + $4::int * interval '1 millisecond',
           lease_until = now() + ($4::int + $5::int) * interval '1 millisecond'
         WHERE session_id = $1 AND lease_owner = $2 RETURNING session_id`,
        [sessionId, owner, hint, delayMs, leaseMs],
      );
      return rows.length > 0;
    },

    /** Who holds an order's lease (tests and operators: which process polls it). */
    async leaseOf(sessionId: string): Promise<{ owner: string | null; polls: number } | null> {
      const rows = await sql.query<{ lease_owner: string | null; polls: number }>(
        'SELECT lease_owner, polls FROM decoupled_orders WHERE session_id = $1',
        [sessionId],
      );
      return rows[0] ? { owner: rows[0].lease_owner, polls: rows[0].polls } : null;
    },

    /** The order is over (complete, failed, cancelled, expired): nobody polls it again. */
    async delete(sessionId: string): Promise<boolean> {
      const rows = await sql.query('DELETE FROM decoupled_orders WHERE session_id = $1 RETURNING session_id', [sessionId]);
      return rows.length > 0;
    },
  };
}
