// Authentication sessions: create, read, cancel, finish. Knows nothing of HTTP: callers pass plain values
// and get session records back; the Signicat view is the HTTP edge's presenter. Identity data and journey
// secrets are sealed here and opened only where they are needed.
import { timingSafeEqual } from 'node:crypto';
import { AAD, newSessionId, type Sealer, sha256 } from '../../crypto.ts';
import { errors, type InvalidParam } from '../../errors/index.ts';
import type { IdentityAttributes } from '../../model/attributes.ts';
import {
  DEFAULT_SESSION_LIFETIME,
  type Environment,
  type FinalStatus,
  isFinal,
  type Loa,
  MIN_SESSION_LIFETIME,
  type SessionError,
  type SessionRequest,
  type StoredSessionRequest,
} from '../../model/session.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { withParams } from '../../shared/url.ts';
import {
  type Account,
  CLAIMED_PREFIX,
  insertStatement,
  type Queries,
  type SessionPatch,
  type SessionRecord,
  type Store,
  type TransitionGuard,
} from '../../store/index.ts';
import { DEFAULT_EVENT_TTL_SECONDS } from '../events/constants.ts';
import { sessionEvent } from '../events/envelope.ts';
import type { Clock } from '../clock.ts';
import { type ClientKey, checkEncryptionKey, encryptForClient } from './client-encryption.ts';
import { effectiveStatus, sourcesOf } from './lifecycle.ts';
import {
  checkAdditionalParameters,
  checkCallbackUrls,
  checkEmbeddedParents,
  checkFlow,
  checkHeadless,
  checkPrefilledInput,
  checkProviders,
  checkRequestDomain,
  checkReturnUrl,
  checkTheme,
  DEFAULT_REQUESTED_ATTRIBUTES,
  providersOf,
} from './validate.ts';

/** The sealed part of a session: who the person is and where they came from. */
export interface SealedIdentity {
  subject?: IdentityAttributes & { id: string };
  environment?: Environment;
}

export type Outcome =
  | { status: 'SUCCESS'; provider: string; loa: Loa; attributes: IdentityAttributes; subjectKey: string; environment: Environment }
  | { status: 'ABORT'; provider?: string; environment?: Environment }
  | { status: 'ERROR'; provider?: string; error: SessionError; environment?: Environment };

/** The journey state once a callback request has claimed it. */
export const claimedState = (state: string): string => `${CLAIMED_PREFIX}${state}`;

/** Base64 in the URL-safe alphabet, padding kept: how Signicat writes subject.id. */
export const urlSafe = (base64: string): string => base64.replace(/\+/g, '-').replace(/\//g, '_');

const withoutUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Signicat's eID Hub broker error codes: their `type` is Signicat's documented URI, so clients that compare it work. */
export const SIGNICAT_SESSION_ERROR_CODES = [
  'session_error',
  'invalid_account_id',
  'invalid_redirect_url',
  'invalid_pushback_url',
  'invalid_message_id',
  'invalid_transaction_id',
] as const;
const SIGNICAT_BROKER_ERRORS = 'https://developer.signicat.com/docs/eid-hub/error-codes.html#broker-error-codes';

/** session.error.type: Signicat's URI for Signicat's codes, ours (urn:eidgate:session-error:<code>) for eidgate's own. */
export const sessionErrorType = (code: string): string =>
  (SIGNICAT_SESSION_ERROR_CODES as readonly string[]).includes(code) ? SIGNICAT_BROKER_ERRORS : `urn:eidgate:session-error:${code}`;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

function parseIdentity(value: unknown): SealedIdentity {
  // Written by `finish` below from typed values; only its top-level shape is checked here.
  return typeof value === 'object' && value !== null ? (value as SealedIdentity) : {};
}

export interface SessionsDeps {
  store: Store;
  sealer: Sealer;
  clock: Clock;
  findAccount: (id: string) => Promise<Account | null>;
  /** Whether the account has configured a provider: a built-in one, or one of its generic providers. */
  isProviderConfigured: (accountId: string, providerId: string) => Promise<boolean>;
  /** The ids of the account's generic OpenID Connect providers. */
  genericProviderIds: (accountId: string) => Promise<string[]>;
  /** The host of PUBLIC_URL: a requestDomain equal to it needs no configuration. */
  publicHost: string;
  /** How long an event's deliveries are retried (its expiresAt); default one day. */
  eventTtlSeconds?: number;
  /**
   * The session as its client reads it (the GET answer), with the identity: what `finish` encrypts to a
   * session's encryptionPublicKey. Needed only for such sessions; the edge's presenter provides it.
   */
  presentForClient?: (session: SessionRecord, identity: SealedIdentity) => unknown;
}

/** Sessions the expiry sweeper writes per transaction. */
const EXPIRY_BATCH = 500;

export class Sessions {
  readonly #store: Store;
  readonly #sealer: Sealer;
  readonly #clock: Clock;
  readonly #findAccount: SessionsDeps['findAccount'];
  readonly #isProviderConfigured: SessionsDeps['isProviderConfigured'];
  readonly #genericProviderIds: SessionsDeps['genericProviderIds'];
  readonly #publicHost: string;
  readonly #eventTtlSeconds: number;
  readonly #presentForClient: SessionsDeps['presentForClient'];

  constructor(deps: SessionsDeps) {
    this.#presentForClient = deps.presentForClient;
    this.#eventTtlSeconds = deps.eventTtlSeconds ?? DEFAULT_EVENT_TTL_SECONDS;
    this.#publicHost = deps.publicHost.toLowerCase();
    this.#store = deps.store;
    this.#sealer = deps.sealer;
    this.#clock = deps.clock;
    this.#findAccount = deps.findAccount;
    this.#isProviderConfigured = deps.isProviderConfigured;
    this.#genericProviderIds = deps.genericProviderIds;
  }

  /** The account a call acts on: the token's, and a signicat-accountId naming another one is refused. */
  resolveAccount(tokenAccountId: string, requested: string | undefined): string {
    if (requested !== undefined && requested !== tokenAccountId) {
      throw errors.forbidden('The access token does not belong to the account named by signicat-accountId.');
    }
    return tokenAccountId;
  }

  /**
   * Creates a session. With an idempotency key, the key and the session are written in one transaction:
   * the same key with the same body gives back the session it created; with another body it is refused.
   */
  async create(
    accountId: string,
    request: SessionRequest,
    idempotencyKey?: string,
    // The OpenID Provider's logins come back to the broker itself (domain/oidc-login.ts), on PUBLIC_URL's host.
    opts: { brokerCallbacks?: boolean } = {},
  ): Promise<{ session: SessionRecord; replayed: boolean }> {
    const account = await this.#findAccount(accountId);
    if (!account) throw errors.forbidden('The account of this access token does not exist.');
    const bad: InvalidParam[] = [];
    const flowServed = checkFlow(request, bad);
    checkHeadless(request, bad);
    const callbackDomains = opts.brokerCallbacks ? [...account.callbackDomains, this.#publicHost] : account.callbackDomains;
    const callbackUrls = checkCallbackUrls(request, callbackDomains, bad);
    const returnUrl = checkReturnUrl(request, account.callbackDomains, bad);
    const embeddedParentDomains = checkEmbeddedParents(request, bad);
    const requestDomain = checkRequestDomain(request, account, this.#publicHost, bad);
    checkPrefilledInput(request, bad);
    checkAdditionalParameters(request.additionalParameters, providersOf(request), bad);
    checkTheme(request, account, bad);
    const encryptionPublicKey = await checkEncryptionKey(request.encryptionPublicKey, bad);
    if (flowServed) {
      await checkProviders(
        request,
        {
          isConfigured: (providerId) => this.#isProviderConfigured(accountId, providerId),
          genericIds: () => this.#genericProviderIds(accountId),
        },
        bad,
      );
    }
    if (bad.length > 0) throw errors.invalidRequestParameter(bad);
    const now = this.#clock.now();
    const lifetime = Math.max(MIN_SESSION_LIFETIME, request.sessionLifetime ?? DEFAULT_SESSION_LIFETIME);
    const requestedAttributes = request.requestedAttributes?.length ? request.requestedAttributes : [...DEFAULT_REQUESTED_ATTRIBUTES];
    // The stored request is what the session answers with: defaults filled in, URLs normalised, and
    // undefined members left out (the store keeps JSON).
    const stored: StoredSessionRequest = { ...request, requestedAttributes, sessionLifetime: lifetime };
    Object.assign(stored, withoutUndefined({ callbackUrls, returnUrl, embeddedParentDomains, requestDomain, encryptionPublicKey }));
    const session: SessionRecord = {
      id: newSessionId(),
      accountId,
      status: 'CREATED',
      request: stored,
      createdAt: now,
      expiresAt: new Date(now.getTime() + lifetime * 1000),
      finishedAt: null,
      provider: null,
      loa: null,
      identityEnc: null,
      error: null,
      browserBinding: null,
      journeyState: null,
      journeyEnc: null,
      clientResult: null,
    };
    if (!idempotencyKey) {
      // The session and its created event in one statement: atomic, one round trip.
      await this.#store.events.record(sessionEvent(session, now, this.#eventTtlSeconds), insertStatement(session));
      return { session, replayed: false };
    }
    const requestHash = sha256(canonicalJson(request));
    return this.#store.transaction(async (tx) => {
      if (await tx.idempotency.claim(accountId, idempotencyKey, requestHash, session.id)) {
        await tx.sessions.insert(session);
        await this.#recordEvent(tx, session, now);
        return { session, replayed: false };
      }
      const prior = await tx.idempotency.find(accountId, idempotencyKey);
      if (!prior || prior.requestHash !== requestHash) {
        throw errors.idempotencyConflict('This Idempotency-Key was already used with a different request body.');
      }
      const existing = await tx.sessions.get(prior.sessionId);
      if (!existing) throw errors.idempotencyConflict('The session created with this Idempotency-Key no longer exists.');
      return { session: existing, replayed: true };
    });
  }

  /** A session by id; null for an id that is not a UUID or names no session. */
  async find(id: string): Promise<SessionRecord | null> {
    if (!isUuid(id)) return null;
    return this.#store.sessions.get(id);
  }

  /** A session of the account; another account's session does not exist (404). */
  async requireForAccount(accountId: string, id: string): Promise<SessionRecord> {
    const s = await this.find(id);
    if (!s || s.accountId !== accountId) throw errors.notFound(`Session ${id} was not found.`);
    return s;
  }

  statusOf(s: SessionRecord) {
    return effectiveStatus(s.status, s.expiresAt, this.#clock.now());
  }

  async cancel(accountId: string, id: string): Promise<SessionRecord> {
    await this.requireForAccount(accountId, id);
    const now = this.#clock.now();
    const done = await this.#transitionWithEvent(
      id,
      { from: sourcesOf('CANCELLED'), notExpiredAt: now },
      { status: 'CANCELLED', finishedAt: now },
      now,
    );
    if (done) return done;
    const current = await this.#store.sessions.get(id);
    const status = current ? this.statusOf(current) : 'not found';
    throw errors.conflict(`Session ${id} is ${status} and can no longer be cancelled.`);
  }

  /**
   * Finishes an open session with the outcome of a journey. Exactly one finish wins: the write is
   * conditional on the session still being open, unexpired and (when given) on this journey. Returns the
   * finished session, or null when the guard did not hold (another request finished it first, or it expired).
   */
  async finish(session: SessionRecord, outcome: Outcome, guard: { journeyState?: string } = {}): Promise<SessionRecord | null> {
    const now = this.#clock.now();
    const sealed: SealedIdentity = { environment: outcome.environment };
    if (outcome.status === 'SUCCESS') {
      const id = urlSafe(this.#sealer.pseudonym(session.accountId, outcome.provider, outcome.subjectKey));
      sealed.subject = { id, ...outcome.attributes };
    }
    const to: FinalStatus = outcome.status;
    const patch: SessionPatch = {
      status: to,
      finishedAt: now,
      provider: outcome.provider ?? null,
      loa: outcome.status === 'SUCCESS' ? outcome.loa : null,
      error: outcome.status === 'ERROR' ? outcome.error : null,
      journeyEnc: null,
    };
    const key = this.clientKeyOf(session);
    if (key) {
      // Sealed to the client only: the identity is in the JWE of the final answer and nowhere else, so
      // from here on the broker cannot read it (nor can anyone holding its encryption key).
      patch.identityEnc = null;
      patch.clientResult = await this.#sealFinalResult(key, { ...session, ...patch }, sealed);
    } else {
      patch.identityEnc = this.#sealer.sealJson(sealed, AAD.session(session.id));
    }
    return this.#transitionWithEvent(
      session.id,
      { from: sourcesOf(to), notExpiredAt: now, ...(guard.journeyState ? { journeyState: guard.journeyState } : {}) },
      patch,
      now,
    );
  }

  #sealFinalResult(key: ClientKey, finished: SessionRecord, identity: SealedIdentity): Promise<string> {
    if (!this.#presentForClient) throw new Error('Sessions needs presentForClient to finish a session with encryptionPublicKey');
    return encryptForClient(key, JSON.stringify(this.#presentForClient(finished, identity)));
  }

  /** The client's key when the session was created with encryptionPublicKey (checked and normalised at create). */
  clientKeyOf(session: SessionRecord): ClientKey | undefined {
    return session.request.encryptionPublicKey as ClientKey | undefined;
  }

  /** A text (the session as the client reads it) as a compact JWE to the session's client key. */
  encryptForClient(session: SessionRecord, plaintext: string): Promise<string> {
    const key = this.clientKeyOf(session);
    if (!key) throw new Error(`session ${session.id} has no client key`);
    return encryptForClient(key, plaintext);
  }

  /**
   * A transition that has an event (created, a final status): the conditional write and the event (with its
   * deliveries) commit together or not at all, so no event reports a change that did not happen and no
   * change goes unreported.
   */
  #transitionWithEvent(id: string, guard: TransitionGuard, patch: SessionPatch, now: Date): Promise<SessionRecord | null> {
    return this.#store.transaction(async (tx) => {
      const done = await tx.sessions.transition(id, guard, patch);
      if (done) await this.#recordEvent(tx, done, now);
      return done;
    });
  }

  async #recordEvent(tx: Queries, session: SessionRecord, now: Date): Promise<void> {
    await tx.events.record(sessionEvent(session, now, this.#eventTtlSeconds));
  }

  /**
   * The expiry sweeper: open sessions whose lifetime is over become EXPIRED in the store, each with its
   * event, in the same transaction. Readers saw them as EXPIRED already (effectiveStatus); this is what makes
   * the expiry an event. Safe in every process at once (the store skips rows another sweeper holds).
   * Returns how many sessions it expired.
   */
  async expireDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.#clock.now();
      const n = await this.#store.transaction(async (tx) => {
        const expired = await tx.sessions.expireDue(now, EXPIRY_BATCH);
        for (const session of expired) await this.#recordEvent(tx, session, now);
        return expired.length;
      });
      total += n;
      if (n < EXPIRY_BATCH) return total;
    }
  }

  /** Binds an open session to a journey (browser and provider state), conditionally like every write. */
  startJourney(
    id: string,
    patch: { browserBinding: string; journeyState: string; journey: unknown; provider: string },
  ): Promise<SessionRecord | null> {
    return this.#store.sessions.transition(
      id,
      {
        from: sourcesOf('WAITING_FOR_USER').concat('WAITING_FOR_USER'),
        notExpiredAt: this.#clock.now(),
        browserBinding: patch.browserBinding,
      },
      {
        // The person is handed to the identity provider: Signicat's WAITING_FOR_USER, in the same write.
        status: 'WAITING_FOR_USER',
        browserBinding: patch.browserBinding,
        journeyState: patch.journeyState,
        provider: patch.provider,
        journeyEnc: this.#sealer.sealJson(patch.journey, AAD.journey(id)),
      },
    );
  }

  /**
   * Binds an open session to a decoupled provider's order (Swedish BankID) and queues the order for polling,
   * in one transaction: the sealed journey (order secrets, QR secret, where the person came from) on the
   * session, and a row the pollers claim. The redirect flow is WAITING_FOR_USER from here, bound to the
   * browser; headless stays CREATED until the person has the order open in the app.
   */
  startOrder(
    id: string,
    o: { provider: string; reference: string; journey: unknown; browserBinding?: string; waiting: boolean; firstPollMs: number },
  ): Promise<SessionRecord | null> {
    return this.#store.transaction(async (tx) => {
      const patch: SessionPatch = { provider: o.provider, journeyEnc: this.#sealer.sealJson(o.journey, AAD.journey(id)) };
      if (o.waiting) patch.status = 'WAITING_FOR_USER';
      if (o.browserBinding) patch.browserBinding = o.browserBinding;
      const guard: TransitionGuard = { from: ['CREATED', 'WAITING_FOR_USER'], notExpiredAt: this.#clock.now() };
      if (o.browserBinding) guard.browserBinding = o.browserBinding;
      const bound = await tx.sessions.transition(id, guard, patch);
      if (!bound) return null;
      // A second start on the same session (a reload after the app failed) replaces the earlier order.
      await tx.orders.delete(id);
      await tx.orders.insert({ sessionId: id, providerId: o.provider, reference: o.reference, firstPollMs: o.firstPollMs });
      return bound;
    });
  }

  /** The person has the order open in the app: CREATED → WAITING_FOR_USER (no event; only final statuses have one). */
  markWaiting(id: string): Promise<SessionRecord | null> {
    return this.#store.sessions.transition(id, { from: ['CREATED'], notExpiredAt: this.#clock.now() }, { status: 'WAITING_FOR_USER' });
  }

  /**
   * Claims the journey for the callback request that will exchange the provider's code: exactly one of
   * several loads of the same callback gets the session back; the others wait for its outcome.
   */
  claimCallback(id: string, state: string): Promise<SessionRecord | null> {
    return this.#store.sessions.transition(
      id,
      { from: ['CREATED', 'WAITING_FOR_USER'], notExpiredAt: this.#clock.now(), journeyState: state },
      { journeyState: claimedState(state) },
    );
  }

  findByJourneyState(state: string): Promise<SessionRecord | null> {
    return this.#store.sessions.findByJourneyState(state);
  }

  /** The adapter's journey payload, opened; the adapter's parseJourney gives it its type. */
  openJourney(session: SessionRecord): unknown {
    return session.journeyEnc ? this.#sealer.openJson(session.journeyEnc, AAD.journey(session.id)) : null;
  }

  /**
   * Who the person is and where they came from; opened only to present a session to its account. Empty for
   * a session with encryptionPublicKey: its identity is in clientResult, which only the client opens.
   */
  openIdentity(session: SessionRecord): SealedIdentity {
    return session.identityEnc ? parseIdentity(this.#sealer.openJson(session.identityEnc, AAD.session(session.id))) : {};
  }

  /**
   * Where the browser goes once the session is final (no identity is opened for this): the matching
   * callback URL; for an embedded session the returnUrl, where the frame ends. Undefined when the session
   * names neither (an embedded session without returnUrl shows its result in the frame).
   */
  callbackFor(session: SessionRecord): string | undefined {
    const status = this.statusOf(session);
    if (!isFinal(status)) return undefined;
    const { request } = session;
    if (request.flow === 'embedded') {
      return request.returnUrl && withParams(request.returnUrl, { sessionId: session.id, sessionNonce: this.nonceOf(session) });
    }
    if (!request.callbackUrls) return undefined;
    const kind = status === 'SUCCESS' ? 'success' : status === 'ABORT' || status === 'CANCELLED' ? 'abort' : 'error';
    return withParams(request.callbackUrls[kind], { sessionId: session.id, externalReference: request.externalReference });
  }

  /**
   * The session's nonce (Signicat's sessionNonce): the frame of an embedded session brings it to returnUrl,
   * and the backend may pass it on GET to check that the browser that came back is the one that finished.
   * Derived from the id with a key of ours, so nothing is stored and nobody else can compute it.
   */
  nonceOf(session: SessionRecord): string {
    return urlSafe(this.#sealer.pseudonym('session-nonce', session.id));
  }

  /** Whether a value is the session's nonce (compared in constant time). */
  isNonceOf(session: SessionRecord, candidate: string): boolean {
    const expected = Buffer.from(this.nonceOf(session));
    const given = Buffer.from(candidate);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** Signicat's transactionId: a stable id of the session's transaction, derived like the nonce. */
  transactionIdOf(session: SessionRecord): string {
    return urlSafe(this.#sealer.pseudonym('transaction-id', session.id)).slice(0, 22);
  }
}
