// The orders of the simulated BankID and their collect state machine, with no HTTP in it.
//
//   pending outstandingTransaction ──(3 s)──▶ pending noClient
//        │ QR scanned / app opened with autoStartToken (within the start window)
//        ▼
//   pending started ──(a person's BankID chosen in the test app)──▶ pending userSign ──(confirm)──▶ complete
//   (with requirement.mrtd: started ──▶ pending userMrtd ──(passport or ID card "read")──▶ userSign)
//        │                                                              │
//        └── cancel in the app: failed userCancel ◀─────────────────────┤── BankID revoked: failed certificateErr
//   not started within the start window: failed startFailed;  not complete within the order TTL: failed expiredTransaction;
//   another order for the same person: failed cancelled (and that /auth answers alreadyInProgress).
//
// Time-based transitions are evaluated lazily, whenever an order is read, so no timer runs per order.
// A final result (complete or failed) is handed to collect once, as BankID documents ("the order cannot be
// collected twice"); after that, and after an RP cancel, the order is unknown (invalidParameters).
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export type PendingHint = 'outstandingTransaction' | 'noClient' | 'started' | 'userMrtd' | 'userSign';
export type FailedHint = 'userCancel' | 'expiredTransaction' | 'certificateErr' | 'startFailed' | 'cancelled';

export interface Requirement {
  pinCode?: boolean;
  mrtd?: boolean;
  cardReader?: 'class1' | 'class2';
  certificatePolicies?: string[];
  personalNumber?: string;
}

export interface OrderRequest {
  kind: 'auth' | 'sign';
  endUserIp: string;
  returnUrl?: string;
  returnRisk?: boolean;
  requirement?: Requirement;
  userVisibleData?: string;
  userVisibleDataFormat?: string;
  userNonVisibleData?: string;
}

export interface Order {
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
  qrStartSecret: string;
  request: OrderRequest;
  createdAt: number;
  status: 'pending' | 'failed' | 'complete';
  hintCode: PendingHint | FailedHint | undefined;
  /** How the person's app picked the order up. */
  startedVia?: 'qr' | 'autostart';
  startedAt?: number;
  /** The capability the test app's pages carry (hidden field, URL): only the phone that started the order knows it. */
  appToken?: string;
  /** Where the app goes after approve/cancel on a same-device start: returnUrl, else the launch URL's redirect. */
  redirect?: string;
  /** The person chosen in the app (userSign onwards). */
  personalNumber?: string;
  finishedAt?: number;
  completionData?: Record<string, unknown>;
  /** Why the RP or the system ended it, for the test app's page. */
  endedBy?: 'rp-cancel' | 'collected';
}

export interface Clock {
  now(): number;
}

export const NO_CLIENT_AFTER_MS = 3000;
/** Completed orders can be collected for 3 minutes, failed ones for 5 (BankID's figures). */
const KEEP_COMPLETE_MS = 3 * 60_000;
const KEEP_FAILED_MS = 5 * 60_000;

/** The QR code content for an order at a whole number of seconds since it was created. */
export function qrContent(qrStartToken: string, qrStartSecret: string, seconds: number): string {
  const code = createHmac('sha256', qrStartSecret).update(String(seconds)).digest('hex');
  return `bankid.${qrStartToken}.${seconds}.${code}`;
}

export type ScanResult =
  | { ok: true; order: Order; appToken: string }
  | { ok: false; reason: 'malformed' | 'unknown' | 'forged' | 'stale' | 'notPending' | 'alreadyStarted'; order?: Order; detail?: string };

export class OrderBook {
  readonly #orders = new Map<string, Order>();
  readonly #byAutoStart = new Map<string, string>();
  readonly #byQr = new Map<string, string>();
  readonly #byAppToken = new Map<string, string>();
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #startWindowMs: number;

  constructor(opts: { clock?: Clock; orderTtlSeconds: number; startWindowSeconds: number }) {
    this.#clock = opts.clock ?? { now: () => Date.now() };
    this.#ttlMs = opts.orderTtlSeconds * 1000;
    this.#startWindowMs = opts.startWindowSeconds * 1000;
  }

  get size(): number {
    return this.#orders.size;
  }

  /**
   * Creates an order. With requirement.personalNumber and a pending order for the same person, no order is
   * created and the pending one is cancelled (BankID: alreadyInProgress; the other order fails `cancelled`).
   */
  create(request: OrderRequest): { order: Order } | { alreadyInProgress: true } {
    const pnr = request.requirement?.personalNumber;
    if (pnr) {
      const other = this.#pendingFor(pnr);
      if (other) {
        this.#fail(other, 'cancelled');
        return { alreadyInProgress: true };
      }
    }
    const order: Order = {
      orderRef: randomUUID(),
      autoStartToken: randomUUID(),
      qrStartToken: randomUUID(),
      qrStartSecret: randomUUID(),
      request,
      createdAt: this.#clock.now(),
      status: 'pending',
      hintCode: 'outstandingTransaction',
    };
    this.#orders.set(order.orderRef, order);
    this.#byAutoStart.set(order.autoStartToken, order.orderRef);
    this.#byQr.set(order.qrStartToken, order.orderRef);
    return { order };
  }

  /** The order as it is now (time-based transitions applied), or undefined if unknown, purged or cancelled. */
  get(orderRef: string): Order | undefined {
    const order = this.#orders.get(orderRef);
    if (!order) return undefined;
    this.#advance(order);
    if (this.#outlived(order)) {
      this.#forget(order);
      return undefined;
    }
    return order;
  }

  /** What collect answers: the order's state; a final state only once. */
  collect(orderRef: string): Order | undefined {
    const order = this.get(orderRef);
    if (!order || order.endedBy) return undefined;
    if (order.status !== 'pending') order.endedBy = 'collected';
    return order;
  }

  /** RP cancel: true if a pending order was cancelled; false if it is unknown or already final. */
  cancel(orderRef: string): boolean {
    const order = this.get(orderRef);
    if (!order || order.endedBy || order.status !== 'pending') return false;
    order.status = 'failed';
    order.hintCode = undefined;
    order.finishedAt = this.#clock.now();
    order.endedBy = 'rp-cancel';
    return true;
  }

  byAppToken(token: string): Order | undefined {
    const ref = this.#byAppToken.get(token);
    return ref ? this.get(ref) : undefined;
  }

  /** Same device: the app was opened with the order's autoStartToken. */
  startWithAutoStartToken(token: string, redirect: string | undefined): ScanResult {
    const ref = this.#byAutoStart.get(token);
    const order = ref ? this.get(ref) : undefined;
    if (!order) return { ok: false, reason: 'unknown' };
    return this.#start(order, 'autostart', order.request.returnUrl ?? redirect);
  }

  /** Another device: the app scanned the QR code; the code must be genuine and current. */
  startWithQr(content: string): ScanResult {
    const m = /^bankid\.([0-9a-fA-F-]{36})\.(0|[1-9]\d{0,6})\.([0-9a-f]{64})$/.exec(content);
    const [, token = '', time = '', code = ''] = m ?? [];
    if (!m) return { ok: false, reason: 'malformed' };
    const ref = this.#byQr.get(token);
    const order = ref ? this.get(ref) : undefined;
    if (!order) return { ok: false, reason: 'unknown' };
    const seconds = Number(time);
    const expected = Buffer.from(qrContent(order.qrStartToken, order.qrStartSecret, seconds).slice(-64));
    if (!timingSafeEqual(expected, Buffer.from(code))) return { ok: false, reason: 'forged', order };
    // The code for second t is current during [t, t+1) of the order's life; one second either side is
    // tolerated for clock and network skew, no more.
    const elapsedMs = this.#clock.now() - order.createdAt;
    if (seconds * 1000 > elapsedMs + 1000 || (seconds + 2) * 1000 <= elapsedMs) {
      return { ok: false, reason: 'stale', order, detail: `code for second ${seconds}, order is ${Math.floor(elapsedMs / 1000)} s old` };
    }
    return this.#start(order, 'qr', undefined);
  }

  /**
   * The person picked a BankID in the app: the order moves to userSign (or first to userMrtd when the RP
   * required a passport/ID-card check); any other pending order for them is cancelled.
   */
  chooseIdentity(order: Order, personalNumber: string): boolean {
    this.#advance(order);
    if (order.status !== 'pending' || order.hintCode !== 'started') return false;
    const other = this.#pendingFor(personalNumber);
    if (other && other !== order) this.#fail(other, 'cancelled');
    order.personalNumber = personalNumber;
    order.hintCode = order.request.requirement?.mrtd ? 'userMrtd' : 'userSign';
    return true;
  }

  /** The person's passport or national ID card was read (simulated): userMrtd → userSign. */
  mrtdDone(order: Order): boolean {
    this.#advance(order);
    if (order.status !== 'pending' || order.hintCode !== 'userMrtd') return false;
    order.hintCode = 'userSign';
    return true;
  }

  /** The person confirmed in the app. */
  complete(order: Order, completionData: Record<string, unknown>): boolean {
    this.#advance(order);
    if (order.status !== 'pending' || order.hintCode !== 'userSign') return false;
    order.status = 'complete';
    order.hintCode = undefined;
    order.completionData = completionData;
    order.finishedAt = this.#clock.now();
    return true;
  }

  /** The person cancelled in the app, or their BankID turned out unusable. */
  failInApp(order: Order, hint: 'userCancel' | 'certificateErr'): boolean {
    this.#advance(order);
    const inApp = order.hintCode === 'started' || order.hintCode === 'userMrtd' || order.hintCode === 'userSign';
    if (order.status !== 'pending' || !inApp) return false;
    this.#fail(order, hint);
    return true;
  }

  /** Forgets orders whose result can no longer be collected. */
  purge(): void {
    for (const order of this.#orders.values()) {
      this.#advance(order);
      if (this.#outlived(order)) this.#forget(order);
    }
  }

  /** A finished order is kept (and collectable) 3 minutes when complete, 5 when failed. */
  #outlived(order: Order): boolean {
    if (order.status === 'pending' || order.finishedAt === undefined) return false;
    const keep = order.status === 'complete' ? KEEP_COMPLETE_MS : KEEP_FAILED_MS;
    return this.#clock.now() - order.finishedAt >= keep;
  }

  #forget(order: Order): void {
    this.#orders.delete(order.orderRef);
    this.#byAutoStart.delete(order.autoStartToken);
    this.#byQr.delete(order.qrStartToken);
    if (order.appToken) this.#byAppToken.delete(order.appToken);
  }

  #pendingFor(personalNumber: string): Order | undefined {
    for (const o of this.#orders.values()) {
      this.#advance(o);
      if (o.status !== 'pending' || o.endedBy) continue;
      if (o.personalNumber === personalNumber || o.request.requirement?.personalNumber === personalNumber) return o;
    }
    return undefined;
  }

  #start(order: Order, via: 'qr' | 'autostart', redirect: string | undefined): ScanResult {
    if (order.status !== 'pending' || order.endedBy) return { ok: false, reason: 'notPending', order };
    if (order.startedVia) return { ok: false, reason: 'alreadyStarted', order };
    order.startedVia = via;
    order.startedAt = this.#clock.now();
    order.hintCode = 'started';
    order.redirect = via === 'autostart' ? redirect : undefined;
    const appToken = randomUUID();
    order.appToken = appToken;
    this.#byAppToken.set(appToken, order.orderRef);
    return { ok: true, order, appToken };
  }

  #fail(order: Order, hint: FailedHint): void {
    order.status = 'failed';
    order.hintCode = hint;
    order.finishedAt = this.#clock.now();
  }

  #advance(order: Order): void {
    if (order.status !== 'pending') return;
    const now = this.#clock.now();
    const startDeadline = order.createdAt + this.#startWindowMs;
    const expiry = order.createdAt + this.#ttlMs;
    if (!order.startedVia && now >= startDeadline && startDeadline < expiry) {
      this.#fail(order, 'startFailed');
      order.finishedAt = startDeadline;
    } else if (now >= expiry) {
      this.#fail(order, 'expiredTransaction');
      order.finishedAt = expiry;
    } else if (order.hintCode === 'outstandingTransaction' && now - order.createdAt >= NO_CLIENT_AFTER_MS) {
      order.hintCode = 'noClient';
    }
  }
}
