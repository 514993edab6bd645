// Webhook subscriptions of an account: where its events go, which ones, and the secret that signs them
// (Standard Webhooks, `whsec_…`). The secret is shown once, when it is made, and kept sealed; a rotation keeps
// the previous secret signing beside the new one for an overlap, so receivers can switch without a gap.
import { randomUUID } from 'node:crypto';
import { AAD, type Sealer } from '../../crypto.ts';
import { errors, type InvalidParam } from '../../errors/index.ts';
import type { AttemptRecord, DeliveryRecord, Store, WebhookSubscription } from '../../store/index.ts';
import type { Clock } from '../clock.ts';
import { EVENT_NAMES, pingEvent } from '../events/envelope.ts';
import { isWebhookSecret, newWebhookSecret } from './secret.ts';
import { checkWebhookUrl, type UrlPolicy } from './url-policy.ts';

export const DEFAULT_ROTATION_OVERLAP_SECONDS = 86400;
const MAX_ROTATION_OVERLAP_SECONDS = 7 * 86400;
export const MAX_SUBSCRIPTIONS_PER_ACCOUNT = 20;

/** A subscription as the API and the CLI show it: no secret, only whether a previous one still signs. */
export interface SubscriptionView {
  id: string;
  accountId: string;
  url: string;
  eventNames: string[];
  tags: string[];
  enabled: boolean;
  disabledReason: string | null;
  previousSecretValidUntil: string | null;
  createdAt: string;
}

export const viewOf = (s: WebhookSubscription, now: Date): SubscriptionView => ({
  id: s.id,
  accountId: s.accountId,
  url: s.url,
  eventNames: s.eventNames,
  tags: s.tags,
  enabled: s.enabled,
  disabledReason: s.disabledReason,
  previousSecretValidUntil:
    s.previousSecretUntil && s.previousSecretUntil.getTime() > now.getTime() ? s.previousSecretUntil.toISOString() : null,
  createdAt: s.createdAt.toISOString(),
});

export interface SubscriptionInput {
  url?: string | undefined;
  eventNames?: string[] | undefined;
  tags?: string[] | undefined;
  enabled?: boolean | undefined;
}

export interface DeliveryLog {
  deliveries: {
    eventId: string;
    eventName: string;
    state: DeliveryRecord['state'];
    attempts: number;
    nextAttemptAt: string | null;
    expiresAt: string;
    deliveredAt: string | null;
  }[];
  attempts: {
    eventId: string;
    attempt: number;
    at: string;
    statusCode: number | null;
    outcome: string;
    latencyMs: number;
    error: string | null;
  }[];
}

export interface WebhooksDeps {
  store: Store;
  sealer: Sealer;
  clock: Clock;
  policy: UrlPolicy;
  eventTtlSeconds: number;
}

export class Webhooks {
  readonly #store: Store;
  readonly #sealer: Sealer;
  readonly #clock: Clock;
  readonly #policy: UrlPolicy;
  readonly #ttl: number;

  constructor(deps: WebhooksDeps) {
    this.#store = deps.store;
    this.#sealer = deps.sealer;
    this.#clock = deps.clock;
    this.#policy = deps.policy;
    this.#ttl = deps.eventTtlSeconds;
  }

  async #check(input: SubscriptionInput): Promise<void> {
    const bad: InvalidParam[] = [];
    if (input.url !== undefined) bad.push(...(await checkWebhookUrl(input.url, this.#policy)));
    for (const [i, name] of (input.eventNames ?? []).entries()) {
      if (!EVENT_NAMES.includes(name)) bad.push({ name: `eventNames[${i}]`, reason: `is not one of ${EVENT_NAMES.join(', ')}` });
    }
    if (bad.length > 0) throw errors.invalidRequestParameter(bad);
  }

  /**
   * A new subscription, enabled, with its ping already queued. The secret is the caller's (development
   * bootstrap) or a new one; it is returned here and never again.
   */
  async create(
    accountId: string,
    input: SubscriptionInput & { url: string },
    secret?: string,
  ): Promise<{ subscription: SubscriptionView; secret: string }> {
    await this.#check(input);
    if (secret !== undefined && !isWebhookSecret(secret))
      throw errors.badRequest('The secret must be whsec_ and 24 to 64 bytes in base64.');
    if ((await this.#store.accounts.get(accountId)) === null) throw errors.notFound(`No account ${accountId}.`);
    const existing = await this.#store.webhooks.list(accountId);
    if (existing.length >= MAX_SUBSCRIPTIONS_PER_ACCOUNT) {
      throw errors.conflict(`An account has at most ${MAX_SUBSCRIPTIONS_PER_ACCOUNT} webhook subscriptions.`);
    }
    const now = this.#clock.now();
    const id = `wh-${randomUUID()}`;
    const plain = secret ?? newWebhookSecret();
    const record: WebhookSubscription = {
      id,
      accountId,
      url: input.url,
      eventNames: [...new Set(input.eventNames ?? [])],
      tags: [...new Set(input.tags ?? [])],
      secretEnc: this.#sealer.seal(plain, AAD.webhookSecret(id)),
      previousSecretEnc: null,
      previousSecretUntil: null,
      enabled: input.enabled ?? true,
      disabledReason: null,
      createdAt: now,
    };
    await this.#store.transaction(async (tx) => {
      await tx.webhooks.insert(record);
      await tx.events.recordFor(pingEvent(accountId, id, now, this.#ttl), id);
    });
    return { subscription: viewOf(record, now), secret: plain };
  }

  async list(accountId?: string): Promise<SubscriptionView[]> {
    const now = this.#clock.now();
    return (await this.#store.webhooks.list(accountId)).map((s) => viewOf(s, now));
  }

  /** The subscription, for its account (or any, for the operator: accountId undefined). */
  async #require(id: string, accountId: string | undefined): Promise<WebhookSubscription> {
    const s = await this.#store.webhooks.get(id);
    if (!s || (accountId !== undefined && s.accountId !== accountId)) throw errors.notFound(`Webhook subscription ${id} was not found.`);
    return s;
  }

  async get(id: string, accountId?: string): Promise<SubscriptionView> {
    return viewOf(await this.#require(id, accountId), this.#clock.now());
  }

  async update(id: string, input: SubscriptionInput, accountId?: string): Promise<SubscriptionView> {
    await this.#require(id, accountId);
    await this.#check(input);
    const updated = await this.#store.webhooks.update(id, {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.eventNames !== undefined ? { eventNames: [...new Set(input.eventNames)] } : {}),
      ...(input.tags !== undefined ? { tags: [...new Set(input.tags)] } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled, disabledReason: input.enabled ? null : 'disabled by the account' } : {}),
    });
    if (!updated) throw errors.notFound(`Webhook subscription ${id} was not found.`);
    return viewOf(updated, this.#clock.now());
  }

  async remove(id: string, accountId?: string): Promise<void> {
    await this.#require(id, accountId);
    await this.#store.webhooks.delete(id);
  }

  /** A new secret, returned once; the current one keeps signing beside it for `overlapSeconds`. */
  async rotateSecret(
    id: string,
    overlapSeconds = DEFAULT_ROTATION_OVERLAP_SECONDS,
    accountId?: string,
  ): Promise<{ subscription: SubscriptionView; secret: string }> {
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_ROTATION_OVERLAP_SECONDS) {
      throw errors.invalidRequestParameter([
        { name: 'overlapSeconds', reason: `must be a whole number from 0 to ${MAX_ROTATION_OVERLAP_SECONDS}` },
      ]);
    }
    const s = await this.#require(id, accountId);
    const now = this.#clock.now();
    const secret = newWebhookSecret();
    const until = new Date(now.getTime() + overlapSeconds * 1000);
    await this.#store.webhooks.rotateSecret(id, this.#sealer.seal(secret, AAD.webhookSecret(id)), s.secretEnc, until);
    return { subscription: viewOf({ ...s, previousSecretEnc: s.secretEnc, previousSecretUntil: until }, now), secret };
  }

  /** Sets the secret to a given one (development bootstrap: EIDGATE_DEV_WEBHOOK_SECRET), with no overlap. */
  async setSecret(id: string, secret: string): Promise<void> {
    if (!isWebhookSecret(secret)) throw errors.badRequest('The secret must be whsec_ and 24 to 64 bytes in base64.');
    const s = await this.#require(id, undefined);
    await this.#store.webhooks.rotateSecret(id, this.#sealer.seal(secret, AAD.webhookSecret(id)), s.secretEnc, this.#clock.now());
  }

  /** The delivery log: the latest deliveries and attempts (status, latency; never a body or a secret). */
  async log(id: string, accountId?: string, limit = 50): Promise<DeliveryLog> {
    await this.#require(id, accountId);
    const [deliveries, attempts] = await Promise.all([
      this.#store.webhooks.deliveries(id, limit),
      this.#store.webhooks.attempts(id, limit),
    ]);
    return {
      deliveries: deliveries.map((d) => ({
        eventId: d.eventId,
        eventName: d.eventName,
        state: d.state,
        attempts: d.attempts,
        nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt.toISOString() : null,
        expiresAt: d.expiresAt.toISOString(),
        deliveredAt: d.deliveredAt?.toISOString() ?? null,
      })),
      attempts: attempts.map((a: AttemptRecord) => ({ ...a, at: a.at.toISOString() })),
    };
  }

  /** Delivers an event to the subscription again (at least once more), retried for another event lifetime. */
  async redeliver(id: string, eventId: string, accountId?: string): Promise<void> {
    const s = await this.#require(id, accountId);
    const event = await this.#store.events.get(eventId);
    if (!event || event.accountId !== s.accountId) throw errors.notFound(`Event ${eventId} was not found.`);
    const now = this.#clock.now();
    await this.#store.webhooks.redeliver(eventId, id, now, new Date(now.getTime() + this.#ttl * 1000));
  }
}
