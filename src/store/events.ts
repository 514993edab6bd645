// The event outbox and the webhook tables. An event is written by the transaction that makes the change it
// reports (see domain/sessions), and in the same statement one delivery row per matching subscription: what
// the delivery worker claims. Claims are FOR UPDATE SKIP LOCKED with a lease, so processes share the work and
// a process that dies mid-delivery leaves the row to the next one once its lease is over.
import type { EventEnvelope } from '../domain/events/envelope.ts';
import type { Sql } from './sql.ts';

export interface WebhookSubscription {
  id: string;
  accountId: string;
  url: string;
  /** Empty: every event. */
  eventNames: string[];
  /** Empty: every event; else events carrying at least one of these tags. */
  tags: string[];
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretUntil: Date | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
}

export type DeliveryState = 'pending' | 'delivered' | 'expired' | 'gone';

export interface DeliveryRecord {
  eventId: string;
  subscriptionId: string;
  eventName: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date;
  expiresAt: Date;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** A delivery claimed for one attempt, with what the attempt needs. */
export interface ClaimedDelivery {
  eventId: string;
  subscriptionId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  expiresAt: Date;
  envelope: EventEnvelope;
  url: string;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretUntil: Date | null;
}

export interface AttemptRecord {
  eventId: string;
  attempt: number;
  at: Date;
  statusCode: number | null;
  outcome: string;
  latencyMs: number;
  error: string | null;
}

interface SubscriptionRow {
  id: string;
  account_id: string;
  url: string;
  event_names: string[];
  tags: string[];
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_until: Date | null;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: Date;
}

const SUBSCRIPTION_COLUMNS =
  'id, account_id, url, event_names, tags, secret_enc, previous_secret_enc, previous_secret_until, enabled, disabled_reason, created_at';

const toSubscription = (r: SubscriptionRow): WebhookSubscription => ({
  id: r.id,
  accountId: r.account_id,
  url: r.url,
  eventNames: r.event_names,
  tags: r.tags,
  secretEnc: r.secret_enc,
  previousSecretEnc: r.previous_secret_enc,
  previousSecretUntil: r.previous_secret_until,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  createdAt: r.created_at,
});

export type SubscriptionPatch = Partial<Pick<WebhookSubscription, 'url' | 'eventNames' | 'tags' | 'enabled' | 'disabledReason'>>;
const PATCH_COLUMNS: Record<keyof SubscriptionPatch, string> = {
  url: 'url',
  eventNames: 'event_names',
  tags: 'tags',
  enabled: 'enabled',
  disabledReason: 'disabled_reason',
};

export function eventQueries(sql: Sql) {
  return {
    /**
     * Writes the event and, in the same statement, a pending delivery for every enabled subscription of the
     * account whose filters match (event names; tags: at least one in common). Returns the deliveries made.
     */
    async record(e: EventEnvelope, change?: { text: string; params: unknown[] }): Promise<number> {
      // With `change`, the state change that causes the event runs in the same statement (a data-modifying
      // WITH): atomic without a transaction, and one round trip instead of four (BEGIN, two writes, COMMIT).
      const n = change?.params.length ?? 0;
      const p = (i: number) => `$${i + n}`;
      const rows = await sql.query(
        `WITH ${change ? `change AS (${change.text}), ` : ''}e AS (
           INSERT INTO events (id, account_id, event_name, envelope, created_at, expires_at)
           VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}) RETURNING id)
         INSERT INTO webhook_deliveries (event_id, subscription_id, state, next_attempt_at, expires_at)
         SELECT e.id, s.id, 'pending', ${p(5)}, ${p(6)} FROM e, webhook_subscriptions s
         WHERE s.account_id = ${p(2)} AND s.enabled
           AND (cardinality(s.event_names) = 0 OR ${p(3)} = ANY(s.event_names))
           AND (cardinality(s.tags) = 0 OR s.tags && ${p(7)}::text[])
         RETURNING subscription_id`,
        [
          ...(change?.params ?? []),
          e.id,
          e.accountId,
          e.eventName,
          JSON.stringify(e),
          new Date(e.timestamp),
          new Date(e.expiresAt),
          e.tags,
        ],
      );
      return rows.length;
    },

    /** An event for one subscription only, whatever its filters (the ping on create). */
    async recordFor(e: EventEnvelope, subscriptionId: string): Promise<void> {
      await sql.query(
        `WITH e AS (
           INSERT INTO events (id, account_id, event_name, envelope, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)
         INSERT INTO webhook_deliveries (event_id, subscription_id, state, next_attempt_at, expires_at)
         SELECT e.id, $7, 'pending', $5, $6 FROM e`,
        [e.id, e.accountId, e.eventName, JSON.stringify(e), new Date(e.timestamp), new Date(e.expiresAt), subscriptionId],
      );
    },

    async get(id: string): Promise<EventEnvelope | null> {
      const [row] = await sql.query<{ envelope: EventEnvelope }>('SELECT envelope FROM events WHERE id = $1', [id]);
      return row?.envelope ?? null;
    },

    /** The account's events in the order they were written. */
    async list(accountId: string, limit = 1000): Promise<EventEnvelope[]> {
      const rows = await sql.query<{ envelope: EventEnvelope }>('SELECT envelope FROM events WHERE account_id = $1 ORDER BY seq LIMIT $2', [
        accountId,
        limit,
      ]);
      return rows.map((r) => r.envelope);
    },

    /**
     * The message-bus sink's claim: up to `limit` unpublished, unexpired events whose next attempt is due (the
     * ping of a webhook subscription is not for the bus), each with its attempt counter up and its next
     * attempt moved to `leaseUntil`, in one statement. FOR UPDATE SKIP LOCKED: two processes never claim the
     * same event at the same moment; one that dies after claiming leaves it to the next once the lease is over.
     */
    async claimForBus(
      now: Date,
      leaseUntil: Date,
      limit: number,
      exceptName: string,
    ): Promise<{ envelope: EventEnvelope; attempt: number }[]> {
      const rows = await sql.query<{ envelope: EventEnvelope; bus_attempts: number; seq: string }>(
        `WITH due AS (
           SELECT id FROM events
           WHERE bus_published_at IS NULL AND expires_at > $1 AND COALESCE(bus_next_attempt_at, created_at) <= $1 AND event_name <> $4
           ORDER BY seq LIMIT $3
           FOR UPDATE SKIP LOCKED)
         UPDATE events e SET bus_attempts = e.bus_attempts + 1, bus_next_attempt_at = $2
         FROM due WHERE e.id = due.id
         RETURNING e.envelope, e.bus_attempts, e.seq::text AS seq`,
        [now, leaseUntil, limit, exceptName],
      );
      return rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1)).map((r) => ({ envelope: r.envelope, attempt: r.bus_attempts }));
    },

    async markPublished(id: string, at: Date): Promise<void> {
      await sql.query('UPDATE events SET bus_published_at = $2 WHERE id = $1', [id, at]);
    },

    async retryPublishAt(id: string, at: Date): Promise<void> {
      await sql.query('UPDATE events SET bus_next_attempt_at = $2 WHERE id = $1 AND bus_published_at IS NULL', [id, at]);
    },

    /** Deletes events that expired before the cutoff, with their deliveries and attempts. */
    async purge(cutoff: Date, limit: number): Promise<number> {
      const rows = await sql.query(
        `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id`,
        [cutoff, limit],
      );
      return rows.length;
    },
  };
}

export function webhookQueries(sql: Sql) {
  return {
    async insert(s: WebhookSubscription): Promise<void> {
      await sql.query(
        `INSERT INTO webhook_subscriptions (id, account_id, url, event_names, tags, secret_enc, enabled, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [s.id, s.accountId, s.url, s.eventNames, s.tags, s.secretEnc, s.enabled, s.createdAt],
      );
    },

    async get(id: string): Promise<WebhookSubscription | null> {
      const [row] = await sql.query<SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE id = $1`, [id]);
      return row ? toSubscription(row) : null;
    },

    async list(accountId?: string): Promise<WebhookSubscription[]> {
      const rows = accountId
        ? await sql.query<SubscriptionRow>(
            `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE account_id = $1 ORDER BY created_at, id`,
            [accountId],
          )
        : await sql.query<SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions ORDER BY created_at, id`);
      return rows.map(toSubscription);
    },

    async update(id: string, patch: SubscriptionPatch): Promise<WebhookSubscription | null> {
      const params: unknown[] = [id];
      const sets: string[] = [];
      for (const k of Object.keys(patch) as (keyof SubscriptionPatch)[]) {
        params.push(patch[k]);
        sets.push(`${PATCH_COLUMNS[k]} = $${params.length}`);
      }
      if (sets.length === 0) return this.get(id);
      const [row] = await sql.query<SubscriptionRow>(
        `UPDATE webhook_subscriptions SET ${sets.join(', ')} WHERE id = $1 RETURNING ${SUBSCRIPTION_COLUMNS}`,
        params,
      );
      return row ? toSubscription(row) : null;
    },

    /** A new signing secret; the one it replaces keeps signing too until `previousUntil`. */
    async rotateSecret(id: string, secretEnc: string, previousEnc: string, previousUntil: Date): Promise<boolean> {
      const rows = await sql.query(
        `UPDATE webhook_subscriptions SET secret_enc = $2, previous_secret_enc = $3, previous_secret_until = $4 WHERE id = $1 RETURNING id`,
        [id, secretEnc, previousEnc, previousUntil],
      );
      return rows.length === 1;
    },

    async delete(id: string): Promise<boolean> {
      const rows = await sql.query('DELETE FROM webhook_subscriptions WHERE id = $1 RETURNING id', [id]);
      return rows.length === 1;
    },

    /** Pending deliveries past their event's expiresAt stop here, without another attempt. */
    async expireDeliveries(now: Date, limit: number): Promise<number> {
      const rows = await sql.query(
        `UPDATE webhook_deliveries SET state = 'expired' WHERE (event_id, subscription_id) IN (
           SELECT event_id, subscription_id FROM webhook_deliveries
           WHERE state = 'pending' AND expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING event_id`,
        [now, limit],
      );
      return rows.length;
    },

    /**
     * Claims up to `limit` due deliveries of enabled subscriptions for one attempt each: the attempt counter
     * goes up and the next attempt moves to `leaseUntil`, in one statement. Rows another process holds are
     * skipped, so two processes never claim the same delivery; a process that dies after claiming leaves the
     * row to be claimed again once the lease is over (at least once).
     */
    async claim(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
      const rows = await sql.query<{
        event_id: string;
        subscription_id: string;
        attempts: number;
        expires_at: Date;
        envelope: EventEnvelope;
        url: string;
        secret_enc: string;
        previous_secret_enc: string | null;
        previous_secret_until: Date | null;
      }>(
        `WITH due AS (
           SELECT d.event_id, d.subscription_id FROM webhook_deliveries d
           JOIN webhook_subscriptions s ON s.id = d.subscription_id
           WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND d.expires_at > $1 AND s.enabled
           ORDER BY d.next_attempt_at LIMIT $3
           FOR UPDATE OF d SKIP LOCKED)
         UPDATE webhook_deliveries w SET attempts = w.attempts + 1, next_attempt_at = $2
         FROM due, events e, webhook_subscriptions s
         WHERE w.event_id = due.event_id AND w.subscription_id = due.subscription_id
           AND e.id = w.event_id AND s.id = w.subscription_id
         RETURNING w.event_id, w.subscription_id, w.attempts, w.expires_at, e.envelope, s.url, s.secret_enc,
           s.previous_secret_enc, s.previous_secret_until`,
        [now, leaseUntil, limit],
      );
      return rows.map((r) => ({
        eventId: r.event_id,
        subscriptionId: r.subscription_id,
        attempt: r.attempts,
        expiresAt: r.expires_at,
        envelope: r.envelope,
        url: r.url,
        secretEnc: r.secret_enc,
        previousSecretEnc: r.previous_secret_enc,
        previousSecretUntil: r.previous_secret_until,
      }));
    },

    /**
     * Records an attempt in the log and its consequence on the delivery, in one statement. The delivery is
     * changed only while it is still this attempt's (a process that outlived its lease does not overwrite
     * what the one that took over did).
     */
    async settle(
      d: { eventId: string; subscriptionId: string; attempt: number },
      result: { at: Date; statusCode: number | null; outcome: string; latencyMs: number; error: string | null },
      next: { state: DeliveryState; nextAttemptAt: Date; deliveredAt: Date | null },
    ): Promise<boolean> {
      const rows = await sql.query(
        `WITH a AS (
           INSERT INTO webhook_attempts (event_id, subscription_id, attempt, at, status_code, outcome, latency_ms, error)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8))
         UPDATE webhook_deliveries SET state = $9, next_attempt_at = $10, delivered_at = $11
         WHERE event_id = $1 AND subscription_id = $2 AND attempts = $3 AND state = 'pending'
         RETURNING event_id`,
        [
          d.eventId,
          d.subscriptionId,
          d.attempt,
          result.at,
          result.statusCode,
          result.outcome,
          result.latencyMs,
          result.error,
          next.state,
          next.nextAttemptAt,
          next.deliveredAt,
        ],
      );
      return rows.length === 1;
    },

    async deliveries(subscriptionId: string, limit: number): Promise<DeliveryRecord[]> {
      const rows = await sql.query<{
        event_id: string;
        subscription_id: string;
        event_name: string;
        state: DeliveryState;
        attempts: number;
        next_attempt_at: Date;
        expires_at: Date;
        delivered_at: Date | null;
        created_at: Date;
      }>(
        `SELECT d.event_id, d.subscription_id, e.event_name, d.state, d.attempts, d.next_attempt_at, d.expires_at,
                d.delivered_at, e.created_at
         FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
         WHERE d.subscription_id = $1 ORDER BY e.created_at DESC, d.event_id LIMIT $2`,
        [subscriptionId, limit],
      );
      return rows.map((r) => ({
        eventId: r.event_id,
        subscriptionId: r.subscription_id,
        eventName: r.event_name,
        state: r.state,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at,
        expiresAt: r.expires_at,
        deliveredAt: r.delivered_at,
        createdAt: r.created_at,
      }));
    },

    async attempts(subscriptionId: string, limit: number): Promise<AttemptRecord[]> {
      const rows = await sql.query<{
        event_id: string;
        attempt: number;
        at: Date;
        status_code: number | null;
        outcome: string;
        latency_ms: number;
        error: string | null;
      }>(
        `SELECT event_id, attempt, at, status_code, outcome, latency_ms, error FROM webhook_attempts
         WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2`,
        [subscriptionId, limit],
      );
      return rows.map((r) => ({
        eventId: r.event_id,
        attempt: r.attempt,
        at: r.at,
        statusCode: r.status_code,
        outcome: r.outcome,
        latencyMs: r.latency_ms,
        error: r.error,
      }));
    },

    /** Makes a delivery due again now, until `expiresAt` (a redelivery asked for by the operator or the account). */
    async redeliver(eventId: string, subscriptionId: string, now: Date, expiresAt: Date): Promise<boolean> {
      const rows = await sql.query(
        `INSERT INTO webhook_deliveries (event_id, subscription_id, state, next_attempt_at, expires_at)
         VALUES ($1, $2, 'pending', $3, $4)
         ON CONFLICT (event_id, subscription_id)
           DO UPDATE SET state = 'pending', next_attempt_at = $3, expires_at = $4, delivered_at = NULL
         RETURNING event_id`,
        [eventId, subscriptionId, now, expiresAt],
      );
      return rows.length === 1;
    },
  };
}
