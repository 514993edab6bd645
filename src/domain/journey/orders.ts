// Decoupled journeys (Swedish BankID): the broker starts an order at the provider, the person acts in the
// app on their phone, and the broker polls the order in the background until it ends. Started from the
// hosted page (redirect flow) or at create (headless); polled by exactly one process at a time through the
// store's order rows (src/store/orders.ts); ended through the sessions' one conditional finish, so the
// final status, its event and its webhooks are the same as for every other provider.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Environment } from '../../model/session.ts';
import { isFinal } from '../../model/session.ts';
import type { OrderRecord, SessionRecord, Store } from '../../store/index.ts';
import { type DecoupledAdapter, ProviderFailure, type ProviderOutcome } from '../providers/adapter.ts';
import type { AccountProvider, ProviderCatalog } from '../providers/catalog.ts';
import { PERSON_ACTING, qrPayload } from '../providers/sbid/bankid.ts';
import { type Outcome, type Sessions, sessionErrorType } from '../sessions/sessions.ts';

/** What the broker seals with the adapter's journey: where the person came from (the session's environment). */
interface SealedOrder {
  adapter: unknown;
  environment: Environment;
  /** The QR and autostart data the person's device needs (qrStartSecret stays here, sealed). */
  launch: { autoStartToken?: string; qr?: { startToken: string; startSecret: string; startedAt: string } };
  /** How the order was started: on this device (the autostart link) or for a QR on another. */
  sameDevice: boolean;
}

const parseSealed = (v: unknown): SealedOrder | null =>
  typeof v === 'object' && v !== null && 'adapter' in v && 'environment' in v && 'launch' in v ? (v as SealedOrder) : null;

export interface OrdersDeps {
  sessions: Sessions;
  catalog: ProviderCatalog;
  store: Store;
  log: Logger;
  /** How often an order is polled (BankID: about every 2 s). */
  pollIntervalMs?: number;
  /** How long a process's claim on an order outlives its last poll before another may take it over. */
  leaseMs?: number;
  /** How often this process looks for due orders. */
  tickMs?: number;
}

/** What the person's device needs now: the QR code's current content and the autostart token. */
export interface LaunchNow {
  autoStartToken: string | undefined;
  qrData: string | undefined;
  hint: string | undefined;
  sameDevice: boolean;
  /** Milliseconds until the QR code's next second begins: when to draw the next code. */
  msToNextCode: number | undefined;
}

export type StartResult = { kind: 'started'; session: SessionRecord } | { kind: 'failed'; failure: ProviderFailure } | { kind: 'lost' };

export class DecoupledOrders {
  readonly #d: Required<Omit<OrdersDeps, 'log'>> & { log: Logger };
  /** This process's name on the leases it holds. */
  readonly owner = `${process.pid}-${randomUUID()}`;
  /** Polls this process made (tests and the benchmark read it). */
  polls = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(deps: OrdersDeps) {
    this.#d = { pollIntervalMs: 2000, leaseMs: 10_000, tickMs: 250, ...deps };
  }

  /**
   * Starts an order for the session at its decoupled provider and queues it for polling. A provider that
   * refuses or cannot be reached gives `failed` (the caller decides: a page, or the session's ERROR).
   */
  async begin(
    s: SessionRecord,
    provider: AccountProvider,
    o: { endUserIp: string; environment: Environment; returnUrl?: string; browserBinding?: string; sameDevice?: boolean },
  ): Promise<StartResult> {
    const adapter = provider.adapter as DecoupledAdapter<unknown>;
    let started: Awaited<ReturnType<typeof adapter.start>>;
    try {
      started = await adapter.start({
        sessionId: s.id,
        config: provider.config,
        redirectUri: o.returnUrl ?? '',
        requestedLoa: s.request.requestedLoa,
        language: s.request.language,
        parameters: {},
        endUserIp: o.endUserIp,
      });
    } catch (err) {
      if (!(err instanceof ProviderFailure)) throw err;
      this.#d.log.warn(
        { sessionId: s.id, providerId: provider.id, code: err.code, detail: err.message },
        'provider could not start an order',
      );
      return { kind: 'failed', failure: err };
    }
    const sealed: SealedOrder = {
      adapter: started.journey,
      environment: o.environment,
      launch: started.launch,
      sameDevice: o.sameDevice ?? false,
    };
    const bound = await this.#d.sessions.startOrder(s.id, {
      provider: provider.id,
      reference: started.reference,
      journey: sealed,
      waiting: Boolean(o.browserBinding),
      ...(o.browserBinding ? { browserBinding: o.browserBinding } : {}),
      firstPollMs: Math.min(1000, this.#d.pollIntervalMs),
    });
    if (!bound) {
      // The session ended (or moved to another browser) meanwhile: the order must not outlive it.
      await adapter.cancel({ config: provider.config, journey: started.journey }).catch(() => {});
      return { kind: 'lost' };
    }
    return { kind: 'started', session: bound };
  }

  /** The session's order as the person's device needs it now; undefined when it has none open. */
  async launchOf(s: SessionRecord, at: Date = new Date()): Promise<LaunchNow | undefined> {
    if (isFinal(this.#d.sessions.statusOf(s))) return undefined;
    const sealed = parseSealed(this.#d.sessions.openJourney(s));
    if (!sealed) return undefined;
    const order = await this.#d.store.orders.get(s.id);
    if (!order) return undefined;
    return {
      autoStartToken: sealed.launch.autoStartToken,
      qrData: sealed.launch.qr && qrPayload(sealed.launch.qr, at),
      hint: order.hint ?? undefined,
      sameDevice: sealed.sameDevice,
      msToNextCode: sealed.launch.qr && 1000 - ((at.getTime() - Date.parse(sealed.launch.qr.startedAt)) % 1000),
    };
  }

  /**
   * Headless: what the service's own UI needs while the session is open, from the sealed order alone (no
   * store read): the autostart token, and the QR code's content at this second.
   */
  idpDataOf(s: SessionRecord, at: Date = new Date()): Record<string, string> | undefined {
    if (isFinal(this.#d.sessions.statusOf(s))) return undefined;
    const sealed = parseSealed(this.#d.sessions.openJourney(s));
    if (!sealed) return undefined;
    const out: Record<string, string> = {};
    if (sealed.launch.autoStartToken) out.autoStartToken = sealed.launch.autoStartToken;
    if (sealed.launch.qr) out.qrData = qrPayload(sealed.launch.qr, at);
    return out;
  }

  /**
   * Headless: starts the order right at create, at the one provider the session names, for the person's IP
   * address the service gave (sbid_end_user_ip). A provider that refuses ends the session in ERROR, which
   * the create answer already shows.
   */
  async beginHeadless(s: SessionRecord): Promise<SessionRecord> {
    const providerId = s.request.allowedProviders?.[0] ?? '';
    const provider = await this.#d.catalog.find(s.accountId, providerId);
    const endUserIp = s.request.additionalParameters?.[`${providerId}_end_user_ip`] ?? '';
    const failWith = async (code: ProviderFailure['code'], detail: string) => {
      const error = { type: sessionErrorType(code), title: 'Authentication failed', detail, code };
      return (await this.#d.sessions.finish(s, { status: 'ERROR', provider: providerId, error })) ?? s;
    };
    if (provider?.adapter.kind !== 'decoupled') return failWith('provider_error', `${providerId} cannot start a headless order.`);
    const r = await this.begin(s, provider, { endUserIp, environment: { ipAddress: endUserIp, userAgent: '' } });
    if (r.kind === 'started') return r.session;
    if (r.kind === 'failed') return failWith(r.failure.code, r.failure.message);
    return (await this.#d.sessions.find(s.id)) ?? s;
  }

  /**
   * Cancels the session's order at the provider (the person cancelled, or the client did through the API)
   * and stops polling it. Best effort at the provider: an order that cannot be cancelled there expires there.
   */
  async cancel(s: SessionRecord): Promise<void> {
    const sealed = parseSealed(this.#d.sessions.openJourney(s));
    const had = await this.#d.store.orders.delete(s.id);
    if (!had || !sealed || !s.provider) return;
    await this.#cancelAt(s, sealed);
  }

  async #cancelAt(s: SessionRecord, sealed: SealedOrder): Promise<void> {
    const provider = s.provider ? await this.#d.catalog.find(s.accountId, s.provider) : null;
    if (provider?.adapter.kind !== 'decoupled') return;
    const journey = provider.adapter.parseJourney(sealed.adapter);
    if (!journey) return;
    try {
      await provider.adapter.cancel({ config: provider.config, journey });
    } catch (err) {
      this.#d.log.warn({ sessionId: s.id, err: (err as Error).message }, 'could not cancel the order at the provider');
    }
  }

  /** One round: claim the due orders and poll each once. Returns how many were polled. */
  async runOnce(): Promise<number> {
    const due = await this.#d.store.orders.claimDue(this.owner, this.#d.leaseMs, 50);
    await Promise.all(due.map((o) => this.#poll(o)));
    return due.length;
  }

  async #poll(order: OrderRecord): Promise<void> {
    const { sessions, store, log } = this.#d;
    const s = await sessions.find(order.sessionId);
    const sealed = s && parseSealed(sessions.openJourney(s));
    if (!s || !sealed || isFinal(sessions.statusOf(s))) {
      // The session ended without the order (cancelled, expired): cancel it at the provider, stop polling.
      await store.orders.delete(order.sessionId);
      if (s && sealed) await this.#cancelAt(s, sealed);
      return;
    }
    const provider = await this.#d.catalog.find(s.accountId, order.providerId);
    const journey = provider?.adapter.kind === 'decoupled' ? provider.adapter.parseJourney(sealed.adapter) : null;
    if (provider?.adapter.kind !== 'decoupled' || !journey) {
      await this.#end(
        s,
        order,
        { kind: 'error', code: 'provider_error', detail: 'The identity provider is no longer configured.' },
        sealed,
      );
      return;
    }
    let result: Awaited<ReturnType<typeof provider.adapter.collect>>;
    try {
      this.polls++;
      result = await provider.adapter.collect({ config: provider.config, journey, requestedLoa: s.request.requestedLoa });
    } catch (err) {
      if (!(err instanceof ProviderFailure)) throw err;
      // A failed poll is retried at the next interval; the order itself expires at the provider if it must.
      log.warn({ sessionId: s.id, code: err.code, detail: err.message }, 'polling the order failed; retrying');
      await store.orders.reschedule(order.sessionId, this.owner, order.hint, this.#d.pollIntervalMs, this.#d.leaseMs);
      return;
    }
    if (result.kind === 'pending') {
      await store.orders.reschedule(order.sessionId, this.owner, result.hint ?? null, this.#d.pollIntervalMs, this.#d.leaseMs);
      if (s.status === 'CREATED' && PERSON_ACTING.includes(result.hint as never)) await sessions.markWaiting(s.id);
      return;
    }
    await this.#end(s, order, result, sealed);
  }

  async #end(s: SessionRecord, order: OrderRecord, result: ProviderOutcome, sealed: SealedOrder): Promise<void> {
    const provider = order.providerId;
    const environment = sealed.environment;
    const outcome: Outcome =
      result.kind === 'success'
        ? { status: 'SUCCESS', provider, loa: result.loa, attributes: result.attributes, subjectKey: result.subjectKey, environment }
        : result.kind === 'abort'
          ? { status: 'ABORT', provider, environment }
          : {
              status: 'ERROR',
              provider,
              environment,
              error: { type: sessionErrorType(result.code), title: 'Authentication failed', detail: result.detail, code: result.code },
            };
    if (result.kind === 'error') this.#d.log.warn({ sessionId: s.id, code: result.code, detail: result.detail }, 'authentication failed');
    const done = await this.#d.sessions.finish(s, outcome);
    await this.#d.store.orders.delete(order.sessionId);
    if (done) this.#d.log.info({ sessionId: s.id, status: done.status }, 'session finished');
  }

  /** Polls in the background until stop(). */
  start(): void {
    const tick = () => {
      this.#running = this.runOnce()
        .catch((err) => this.#d.log.warn({ err }, 'polling orders failed; will retry'))
        .finally(() => {
          this.#running = undefined;
          if (this.#timer) this.#timer = setTimeout(tick, this.#d.tickMs).unref();
        });
    };
    this.#timer = setTimeout(tick, this.#d.tickMs).unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
