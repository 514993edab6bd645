// Authentication sessions: create, read, cancel and finish. Knows nothing of HTTP: callers pass the
// authenticated API client's claims and plain values, and get plain objects back.
import { newSessionId, sha256, type Sealer } from '../../crypto.ts';
import { errors, type InvalidParam } from '../../errors.ts';
import type { Account, SessionRecord, Store } from '../../store/store.ts';
import type { Clock } from '../clock.ts';
import type { AttributeName, IdentityAttributes, Loa, Nin } from './attributes.ts';
import { effectiveStatus, isFinal, sourcesOf, type FinalStatus, type SessionStatus } from './lifecycle.ts';

export const DEFAULT_SESSION_LIFETIME = 1200;
export const MIN_SESSION_LIFETIME = 300;

export interface CallbackUrls {
  success: string;
  abort: string;
  error: string;
}

export interface SessionRequest {
  flow: 'redirect' | 'headless' | 'embedded';
  requestedAttributes: AttributeName[];
  allowedProviders?: string[];
  callbackUrls: CallbackUrls;
  language?: string;
  requestedLoa?: Loa;
  externalReference?: string;
  usageReference?: string;
  sessionLifetime?: number;
  tags?: string[];
}

export interface SessionError {
  type: string;
  title: string;
  detail: string;
  code: string;
}

export interface Environment {
  ipAddress: string;
  userAgent: string;
}

/** The sealed part of a session: who the person is and where they came from. */
interface SealedIdentity {
  subject?: IdentityAttributes & { id: string };
  environment?: Environment;
}

export interface SessionView {
  id: string;
  accountId: string;
  authenticationUrl: string;
  status: SessionStatus;
  statusDetail?: string;
  provider?: string;
  subject?: Record<string, unknown>;
  loa?: string;
  environment?: Environment;
  error?: SessionError;
  callbackUrls: CallbackUrls;
  flow: string;
  requestedAttributes: string[];
  allowedProviders?: string[];
  language?: string;
  requestedLoa?: string;
  externalReference?: string;
  usageReference?: string;
  tags?: string[];
  sessionLifetime: number;
  expiresAt: string;
}

export type Outcome =
  | { status: 'SUCCESS'; provider: string; loa: Loa; attributes: IdentityAttributes; subjectKey: string; environment: Environment }
  | { status: 'ABORT'; provider?: string; environment?: Environment }
  | { status: 'ERROR'; provider?: string; error: SessionError; environment?: Environment };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** ISO 8601 with an explicit offset, as Signicat writes it (…+00:00). */
export const isoWithOffset = (d: Date): string => d.toISOString().replace('Z', '+00:00');

export const sessionErrorType = (code: string): string => `urn:eidgate:session-error:${code}`;

/**
 * Appends parameters to a URL, keeping the ones it has as the caller wrote them. Callback URLs are stored
 * normalised (`URL.href`), so appending to the string is what the URL API would do; it was ~10 µs per
 * session read through URLSearchParams (profiled). A name already in the query is replaced via the URL API.
 */
export function withParams(url: string, params: Record<string, string | undefined>): string {
  const hash = url.indexOf('#');
  let base = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const q = base.indexOf('?');
    if (q >= 0 && base.includes(name, q) && new URLSearchParams(base.slice(q)).has(name)) {
      const u = new URL(base);
      u.searchParams.set(name, value);
      base = u.href;
      continue;
    }
    const separator = q < 0 ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
    base += separator + new URLSearchParams([[name, value]]).toString();
  }
  return base + fragment;
}

export class Sessions {
  readonly #store: Store;
  readonly #sealer: Sealer;
  readonly #clock: Clock;
  readonly #publicUrl: string;

  readonly #findAccount: (id: string) => Promise<Account | null>;

  constructor(deps: {
    store: Store;
    sealer: Sealer;
    clock: Clock;
    publicUrl: string;
    findAccount?: (id: string) => Promise<Account | null>;
  }) {
    this.#store = deps.store;
    this.#findAccount = deps.findAccount ?? ((id) => deps.store.getAccount(id));
    this.#sealer = deps.sealer;
    this.#clock = deps.clock;
    this.#publicUrl = deps.publicUrl;
  }

  /** The account a call acts on: the token's, and a signicat-accountId naming another one is refused. */
  resolveAccount(tokenAccountId: string, requested: string | undefined): string {
    if (requested !== undefined && requested !== tokenAccountId) {
      throw errors.forbidden('The access token does not belong to the account named by signicat-accountId.');
    }
    return tokenAccountId;
  }

  async create(accountId: string, request: SessionRequest, idempotencyKey?: string): Promise<{ view: SessionView; replayed: boolean }> {
    const account = await this.#findAccount(accountId);
    if (!account) throw errors.forbidden('The account of this access token does not exist.');
    const callbackUrls = this.#validate(request, account.callbackDomains);
    const now = this.#clock.now();
    const lifetime = Math.max(MIN_SESSION_LIFETIME, request.sessionLifetime ?? DEFAULT_SESSION_LIFETIME);
    const stored: SessionRequest = { ...request, callbackUrls, sessionLifetime: lifetime };
    const record: SessionRecord = {
      id: newSessionId(),
      accountId,
      status: 'CREATED',
      request: stored as unknown as Record<string, unknown>,
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
    };
    const idem = idempotencyKey ? { key: idempotencyKey, requestHash: sha256(canonicalJson(request)) } : undefined;
    const { session, replayed } = await this.#store.insertSession(record, idem);
    return { view: this.view(session), replayed };
  }

  /**
   * Field checks a JSON schema cannot express: callback domains and schemes, supported flows. Returns the
   * callback URLs normalised (`URL.href`), as they are stored.
   */
  #validate(r: SessionRequest, domains: string[]): CallbackUrls {
    const bad: InvalidParam[] = [];
    const normalised = { ...r.callbackUrls };
    if (r.flow !== 'redirect') bad.push({ name: 'flow', reason: `${r.flow} is not supported by eidgate yet; use redirect` });
    for (const kind of ['success', 'abort', 'error'] as const) {
      const name = `callbackUrls.${kind}`;
      let u: URL;
      try {
        u = new URL(r.callbackUrls[kind]);
      } catch {
        bad.push({ name, reason: 'must be an absolute URL' });
        continue;
      }
      const loopback = LOOPBACK_HOSTS.has(u.hostname);
      if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
        bad.push({ name, reason: 'must use https (http is allowed only on localhost)' });
      } else if (u.username || u.password) {
        bad.push({ name, reason: 'must not carry credentials' });
      } else if (!domains.includes(u.hostname.replace(/^\[|\]$/g, ''))) {
        bad.push({ name, reason: `host ${u.hostname} is not an allowed callback domain of this account` });
      }
      normalised[kind] = u.href;
    }
    if (bad.length > 0) throw errors.invalidRequestParameter(bad);
    return normalised;
  }

  /** Reads a session of the account; another account's session does not exist (404). */
  async get(accountId: string, id: string): Promise<SessionView> {
    return this.view(await this.#load(accountId, id));
  }

  async record(id: string): Promise<SessionRecord | null> {
    if (!isUuid(id)) return null;
    return this.#store.getSession(id);
  }

  async #load(accountId: string, id: string): Promise<SessionRecord> {
    const s = await this.record(id);
    if (!s || s.accountId !== accountId) throw errors.notFound(`Session ${id} was not found.`);
    return s;
  }

  async cancel(accountId: string, id: string): Promise<SessionView> {
    await this.#load(accountId, id);
    const now = this.#clock.now();
    const done = await this.#store.transitionSession(
      id,
      { from: sourcesOf('CANCELLED'), notExpiredAt: now },
      { status: 'CANCELLED', finishedAt: now },
    );
    if (done) return this.view(done);
    const current = this.view((await this.#store.getSession(id))!);
    throw errors.conflict(`Session ${id} is ${current.status} and can no longer be cancelled.`);
  }

  /**
   * Finishes an open session with the outcome of a journey. Exactly one finish wins: the write is
   * conditional on the session still being open, unexpired and on this journey. Losers get a conflict.
   * `loaded` is the session as the caller already read it (the write re-checks everything that matters).
   */
  async finish(id: string, outcome: Outcome, guard: { journeyState?: string } = {}, loaded?: SessionRecord): Promise<SessionRecord> {
    const now = this.#clock.now();
    const sealed: SealedIdentity = { environment: outcome.environment };
    let loa: string | null = null;
    let error: SessionError | null = null;
    const session = loaded ?? (await this.#store.getSession(id));
    if (!session) throw errors.notFound(`Session ${id} was not found.`);
    if (outcome.status === 'SUCCESS') {
      sealed.subject = { id: this.#sealer.pseudonym(session.accountId, outcome.provider, outcome.subjectKey), ...outcome.attributes };
      loa = outcome.loa;
    } else if (outcome.status === 'ERROR') {
      error = outcome.error;
    }
    const done = await this.#store.transitionSession(
      id,
      {
        from: sourcesOf(outcome.status as FinalStatus),
        notExpiredAt: now,
        ...(guard.journeyState ? { journeyState: guard.journeyState } : {}),
      },
      {
        status: outcome.status,
        finishedAt: now,
        provider: outcome.provider ?? null,
        loa,
        error: error as Record<string, unknown> | null,
        identityEnc: this.#sealer.seal(JSON.stringify(sealed), `session:${id}`),
        journeyEnc: null,
      },
    );
    if (done) return done;
    const current = effectiveStatus(session.status, session.expiresAt, now);
    throw errors.conflict(`Session ${id} is already ${isFinal(current) ? current : 'on another journey'}; it was not changed.`);
  }

  /** Binds an open session to a journey (browser and provider state), conditionally like every write. */
  async startJourney(
    id: string,
    patch: { browserBinding: string; journeyState: string; journeyEnc: string; provider: string },
  ): Promise<SessionRecord | null> {
    return this.#store.transitionSession(
      id,
      { from: ['CREATED', 'WAITING_FOR_USER'], notExpiredAt: this.#clock.now(), browserBinding: patch.browserBinding },
      patch,
    );
  }

  findByJourneyState(state: string): Promise<SessionRecord | null> {
    return this.#store.findSessionByJourneyState(state);
  }

  sealJourney(id: string, data: Record<string, unknown>): string {
    return this.#sealer.seal(JSON.stringify(data), `journey:${id}`);
  }

  openJourney(session: SessionRecord): Record<string, string> | null {
    if (!session.journeyEnc) return null;
    return JSON.parse(this.#sealer.open(session.journeyEnc, `journey:${session.id}`));
  }

  /** Where the browser goes once the session is final. */
  callbackFor(session: SessionRecord): string | undefined {
    const status = effectiveStatus(session.status, session.expiresAt, this.#clock.now());
    const view = this.view(session);
    if (!isFinal(status)) return undefined;
    const kind = status === 'SUCCESS' ? 'success' : status === 'ABORT' || status === 'CANCELLED' ? 'abort' : 'error';
    return withParams(view.callbackUrls[kind], { externalReference: view.externalReference });
  }

  authenticationUrl(id: string): string {
    return `${this.#publicUrl}/login/${id}`;
  }

  /** Signicat's session object: null properties omitted, subject limited to the requested attributes. */
  view(s: SessionRecord): SessionView {
    const req = s.request as unknown as SessionRequest;
    const status = effectiveStatus(s.status, s.expiresAt, this.#clock.now());
    const sealed: SealedIdentity = s.identityEnc ? JSON.parse(this.#sealer.open(s.identityEnc, `session:${s.id}`)) : {};
    const cb = (u: string) => withParams(u, { sessionId: s.id });
    const view: SessionView = {
      id: s.id,
      accountId: s.accountId,
      authenticationUrl: this.authenticationUrl(s.id),
      status,
      callbackUrls: { success: cb(req.callbackUrls.success), abort: cb(req.callbackUrls.abort), error: cb(req.callbackUrls.error) },
      flow: req.flow,
      requestedAttributes: req.requestedAttributes,
      sessionLifetime: req.sessionLifetime ?? DEFAULT_SESSION_LIFETIME,
      expiresAt: isoWithOffset(s.expiresAt),
    };
    if (s.provider && isFinal(status)) view.provider = s.provider;
    if (status === 'SUCCESS' && sealed.subject) {
      view.subject = pickSubject(sealed.subject, req.requestedAttributes);
      if (s.loa) view.loa = s.loa;
    }
    if (sealed.environment) view.environment = sealed.environment;
    if (status === 'ERROR' && s.error) {
      view.error = s.error as unknown as SessionError;
      view.statusDetail = view.error.detail;
    }
    if (status === 'EXPIRED' && s.status !== 'EXPIRED') view.statusDetail = 'The session expired before the person finished.';
    for (const k of ['allowedProviders', 'language', 'requestedLoa', 'externalReference', 'usageReference', 'tags'] as const) {
      if (req[k] !== undefined && req[k] !== null) (view as unknown as Record<string, unknown>)[k] = req[k];
    }
    return view;
  }
}

function pickSubject(subject: IdentityAttributes & { id: string }, requested: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: subject.id };
  for (const name of requested) {
    const v = subject[name as keyof IdentityAttributes];
    if (v !== undefined && v !== null) out[name] = v as string | Nin;
  }
  return out;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

/** JSON with sorted keys, so the same body in another key order hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
