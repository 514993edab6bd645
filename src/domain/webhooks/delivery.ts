// The webhook delivery worker. Runs in every broker process; the store's claim (FOR UPDATE SKIP LOCKED, then a
// lease) makes the processes share the due deliveries without two of them sending the same one at the same
// moment. At least once: a delivery is marked done only after a 2xx, so a process that dies mid-attempt
// leaves it to be sent again (same `webhook-id`) when its lease is over. Each request is signed following
// Standard Webhooks with the `standardwebhooks` library, so receivers verify it with the same library.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { AAD, type Sealer } from '../../crypto.ts';
import type { ClaimedDelivery, DeliveryState, Store } from '../../store/index.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { EventEnvelope } from '../events/envelope.ts';
import { guardedLookup, isInternalAddress, type UrlPolicy } from './url-policy.ts';
import { isIP } from 'node:net';

export interface DeliveryOptions {
  /** The whole attempt (connect, send, answer) is abandoned after this long. */
  timeoutMs: number;
  /** Deliveries claimed per round. */
  batchSize?: number;
  /** First retry after at most this long; each later one after at most twice the one before… */
  backoffBaseMs?: number;
  /** …up to this. */
  backoffCapMs?: number;
  /** [0, 1): the jitter source (tests may fix it). */
  random?: () => number;
}

export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_CAP_MS = 3_600_000;

/**
 * The wait before the attempt after attempt `n` (1-based): exponential, capped, with "equal jitter" (half
 * fixed, half random), so receivers that come back are not hit by every broker's retries at the same moment.
 */
export function backoffMs(n: number, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS, random: () => number = Math.random): number {
  const full = Math.min(cap, base * 2 ** Math.min(n - 1, 30));
  return Math.round(full / 2 + (full / 2) * random());
}

/** The envelope in Signicat's field order (the store keeps it as jsonb, which orders keys its own way). */
export function serializeEnvelope(e: EventEnvelope): string {
  const { id, timestamp, sender, eventName, eventData, accountId, organizationId, expiresAt, tags } = e;
  return JSON.stringify({ id, timestamp, sender, eventName, eventData, accountId, organizationId, expiresAt, tags });
}

export interface RoundResult {
  attempted: number;
  delivered: number;
  failed: number;
  expired: number;
}

export class WebhookDelivery {
  readonly #store: Store;
  readonly #sealer: Sealer;
  readonly #clock: Clock;
  readonly #wallClock: Clock;
  readonly #log: Logger;
  readonly #policy: UrlPolicy;
  readonly #timeoutMs: number;
  readonly #batch: number;
  readonly #base: number;
  readonly #cap: number;
  readonly #random: () => number;
  readonly #agent: Agent;

  /**
   * `clock` schedules (attempts, leases, expiry); `wallClock` stamps webhook-timestamp, which the receiver
   * compares with its own clock (Standard Webhooks allows five minutes), so it is always the real time.
   */
  constructor(
    deps: { store: Store; sealer: Sealer; clock: Clock; log: Logger; policy: UrlPolicy; wallClock?: Clock },
    opts: DeliveryOptions,
  ) {
    this.#wallClock = deps.wallClock ?? systemClock;
    this.#store = deps.store;
    this.#sealer = deps.sealer;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#policy = deps.policy;
    this.#timeoutMs = opts.timeoutMs;
    this.#batch = opts.batchSize ?? 50;
    this.#base = opts.backoffBaseMs ?? BACKOFF_BASE_MS;
    this.#cap = opts.backoffCapMs ?? BACKOFF_CAP_MS;
    this.#random = opts.random ?? Math.random;
    this.#agent = new Agent({
      connect: { timeout: opts.timeoutMs, lookup: guardedLookup(deps.policy) },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      // One connection per request: a receiver's keep-alive socket is not held between rounds.
      pipelining: 0,
    });
  }

  /** How long a claimed delivery belongs to the process that claimed it: longer than any attempt can take. */
  get leaseMs(): number {
    return this.#timeoutMs + 30_000;
  }

  /** One round: gives up on expired deliveries, then attempts every due one, batch by batch, until none is due. */
  async runOnce(): Promise<RoundResult> {
    const result: RoundResult = { attempted: 0, delivered: 0, failed: 0, expired: 0 };
    result.expired = await this.#store.webhooks.expireDeliveries(this.#clock.now(), 1000);
    for (;;) {
      const now = this.#clock.now();
      const claimed = await this.#store.webhooks.claim(now, new Date(now.getTime() + this.leaseMs), this.#batch);
      const outcomes = await Promise.all(claimed.map((d) => this.#attempt(d)));
      result.attempted += claimed.length;
      for (const o of outcomes) {
        if (o === 'delivered') result.delivered++;
        else if (o === 'expired') result.expired++;
        else result.failed++;
      }
      if (claimed.length < this.#batch) return result;
    }
  }

  #secrets(d: ClaimedDelivery, now: Date): string[] {
    const aad = AAD.webhookSecret(d.subscriptionId);
    const secrets = [this.#sealer.open(d.secretEnc, aad)];
    if (d.previousSecretEnc && d.previousSecretUntil && d.previousSecretUntil.getTime() > now.getTime()) {
      secrets.push(this.#sealer.open(d.previousSecretEnc, aad));
    }
    return secrets;
  }

  async #attempt(d: ClaimedDelivery): Promise<DeliveryState> {
    const at = this.#clock.now();
    const signedAt = this.#wallClock.now();
    const body = serializeEnvelope(d.envelope);
    // Standard Webhooks: webhook-id is the event's id (the same on every retry, so duplicates are
    // recognisable); during a rotation's overlap, one signature per valid secret, space-separated.
    const signature = this.#secrets(d, at)
      .map((s) => new Webhook(s).sign(d.eventId, signedAt, body))
      .join(' ');
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const host = new URL(d.url).hostname.replace(/^\[|\]$/g, '');
      if (!this.#policy.development && !this.#policy.allowPrivateAddresses && isIP(host) && isInternalAddress(host)) {
        throw new Error(`${host} is an internal address`);
      }
      const res = await request(d.url, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'eidgate-webhooks',
          'webhook-id': d.eventId,
          'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
        maxRedirections: 0,
      } as Parameters<typeof request>[1]);
      statusCode = res.statusCode;
      await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
    } catch (e) {
      error = describe(e);
    }
    const latencyMs = Math.round(performance.now() - started);
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const gone = statusCode === 410;
    let state: DeliveryState = 'pending';
    let nextAttemptAt = new Date(at.getTime() + backoffMs(d.attempt, this.#base, this.#cap, this.#random));
    if (ok) state = 'delivered';
    else if (gone) state = 'gone';
    else if (nextAttemptAt.getTime() >= d.expiresAt.getTime()) state = 'expired';
    if (state !== 'pending') nextAttemptAt = at;
    const outcome = ok ? 'delivered' : gone ? 'gone' : statusCode !== null ? 'http_error' : 'network_error';
    await this.#store.webhooks.settle(
      d,
      { at, statusCode, outcome, latencyMs, error },
      { state, nextAttemptAt, deliveredAt: ok ? at : null },
    );
    if (gone) {
      await this.#store.webhooks.update(d.subscriptionId, { enabled: false, disabledReason: 'the receiver answered 410 Gone' });
      this.#log.warn({ subscriptionId: d.subscriptionId }, 'webhook receiver answered 410 Gone: subscription disabled');
    } else if (!ok) {
      this.#log.info(
        { subscriptionId: d.subscriptionId, eventId: d.eventId, attempt: d.attempt, statusCode, error, state },
        state === 'expired' ? 'webhook delivery failed; the event expired, no more retries' : 'webhook delivery failed; will retry',
      );
    }
    return state === 'pending' ? 'pending' : state;
  }

  /** Closes the connection pool (after the last round). */
  async close(): Promise<void> {
    await this.#agent.close();
  }
}

function describe(e: unknown): string {
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code ?? err.name ?? 'Error';
  return `${code}: ${err.cause?.message ?? err.message ?? String(e)}`.slice(0, 300);
}
