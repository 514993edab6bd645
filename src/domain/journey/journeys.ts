// The person's journey through a redirect-flow session: open the authenticationUrl, (choose a provider),
// go to the provider, come back, and be sent to the matching callback URL. Each entry point is a short
// pipeline of the named steps in ./steps.ts; every decision returns a plain JourneyStep that the HTTP
// layer turns into a redirect or a page. Knows nothing of HTTP.
import type { Logger } from 'pino';
import { type Environment, isFinal, type SessionError } from '../../model/session.ts';
import type { SessionRecord } from '../../store/index.ts';
import type { ProviderErrorCode, ProviderOutcome } from '../providers/adapter.ts';
import type { ProviderCatalog } from '../providers/catalog.ts';
import { findProvider, PROVIDERS } from '../providers/registry.ts';
import { autostartLink } from '../providers/sbid/bankid.ts';
import type { DecoupledOrders } from './orders.ts';
import { claimedState, type Outcome, type Sessions, sessionErrorType } from '../sessions/sessions.ts';
import {
  browserBindingOf,
  type DecoupledView,
  type JourneyStep,
  loadOpen,
  type ProviderChoice,
  rejectClosed,
  type StepContext,
  startAtProvider,
  choiceOf,
  summarize,
  usableProviders,
  whereItStands,
} from './steps.ts';

export type { JourneyStep, ProviderChoice, SessionSummary } from './steps.ts';

/** Session error codes the journey itself ends with (the provider's are PROVIDER_ERROR_CODES; docs/errors.md). */
export const JOURNEY_ERROR_CODES = ['session_error'] as const;
type JourneyErrorCode = (typeof JOURNEY_ERROR_CODES)[number];

const failed = (code: ProviderErrorCode | JourneyErrorCode, detail: string): SessionError => ({
  type: sessionErrorType(code),
  title: 'Authentication failed',
  detail,
  code,
});

/** A provider's answer → the session's outcome. */
function outcomeOf(result: ProviderOutcome, provider: string, environment: Environment): Outcome {
  switch (result.kind) {
    case 'success':
      return { status: 'SUCCESS', provider, loa: result.loa, attributes: result.attributes, subjectKey: result.subjectKey, environment };
    case 'abort':
      return { status: 'ABORT', provider, environment };
    case 'error':
      return { status: 'ERROR', provider, environment, error: failed(result.code, result.detail) };
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface JourneysDeps {
  sessions: Sessions;
  catalog: ProviderCatalog;
  /** Our callback URL for a redirect provider, on the session's request domain when it has one. */
  callbackUrl: (providerId: string, requestDomain?: string) => string;
  /** The session's own page (authenticationUrl): where a same-device BankID order comes back to. */
  pageUrl: (sessionId: string, requestDomain?: string) => string;
  /** Decoupled eIDs' orders (Swedish BankID): started from the page, polled in the background. */
  orders: DecoupledOrders;
  log: Logger;
  /** How long a second load of a callback waits for the first one's outcome (the provider's timeout and some). */
  settleTimeoutMs?: number;
}

export class Journeys {
  readonly #ctx: StepContext;
  readonly #callbackUrl: JourneysDeps['callbackUrl'];
  readonly #settleTimeoutMs: number;
  readonly #pageUrl: JourneysDeps['pageUrl'];
  readonly #orders: DecoupledOrders;

  constructor(deps: JourneysDeps) {
    this.#ctx = { sessions: deps.sessions, catalog: deps.catalog, log: deps.log };
    this.#callbackUrl = deps.callbackUrl;
    this.#pageUrl = deps.pageUrl;
    this.#orders = deps.orders;
    this.#settleTimeoutMs = deps.settleTimeoutMs ?? 15_000;
  }

  /**
   * GET authenticationUrl: with one provider go straight to it, with several show the chooser. An embedded
   * session's authenticationUrl is framed: see #frame.
   */
  async open(sessionId: string, browser: string, opts: { framed?: boolean; person?: Environment } = {}): Promise<JourneyStep> {
    const found = await this.#ctx.sessions.find(sessionId);
    if (found?.request.flow === 'embedded') return this.#frame(found);
    // Loaded inside a frame, a redirect session would go on to the provider in a frame nobody allowed:
    // stop here (the page says why, and the browser blocks it anyway with frame-ancestors 'none').
    if (found && opts.framed) return { kind: 'not_framable', session: summarize(found) };
    // A headless session's order belongs to the service's own UI: its authenticationUrl starts nothing.
    if (found?.request.flow === 'headless') return { kind: 'not_found' };
    const ordered = found && (await this.#orderStep(found, browser));
    if (ordered) return ordered;
    const s = await loadOpen(this.#ctx, sessionId, browser);
    if (!isRecord(s)) return s;
    const providers = await usableProviders(this.#ctx, s);
    const [only] = providers;
    if (!only) return { kind: 'unavailable', session: summarize(s) };
    if (providers.length === 1) {
      if (only.adapter.kind === 'decoupled') return this.#startOrder(s, browser, only, opts.person, false);
      return startAtProvider(this.#ctx, s, browser, only, this.#redirectUri(s, only.id));
    }
    return {
      kind: 'choose',
      session: summarize(s),
      providers: providers.map(choiceOf),
      formTargets: providers.map((p) => new URL(p.config.issuer).origin),
    };
  }

  /** The chooser's form: start the chosen provider, if the session allows it and the account has it. */
  async start(sessionId: string, browser: string, providerId: string, person?: Environment): Promise<JourneyStep> {
    const s = await loadOpen(this.#ctx, sessionId, browser);
    if (!isRecord(s)) return s;
    if (s.request.flow === 'headless') return { kind: 'not_found' };
    const chosen = (await usableProviders(this.#ctx, s)).find((p) => p.id === providerId);
    if (!chosen) return { kind: 'unavailable', session: summarize(s) };
    if (chosen.adapter.kind === 'decoupled') return this.#startOrder(s, browser, chosen, person, true);
    return startAtProvider(this.#ctx, s, browser, chosen, this.#redirectUri(s, chosen.id));
  }

  /**
   * The embedded flow's framed page. The frame needs no cookie: the provider's login (ID-porten must not
   * be framed) runs in a window of its own, which binds the journey to its browser like a redirect
   * journey, and the frame watches the session until it ends. So the flow works where browsers block
   * third-party cookies, and non-embedded sessions keep their SameSite=Lax binding.
   */
  async #frame(s: SessionRecord): Promise<JourneyStep> {
    const status = this.#ctx.sessions.statusOf(s);
    if (isFinal(status)) {
      const url = this.#ctx.sessions.callbackFor(s);
      return url ? { kind: 'redirect', url } : { kind: 'frame_result', session: summarize(s), status };
    }
    const providers = await usableProviders(this.#ctx, s);
    if (providers.length === 0) return { kind: 'unavailable', session: summarize(s) };
    return { kind: 'frame', session: summarize(s), providers: providers.map(choiceOf) };
  }

  /** Embedded: the provider's own window, opened from the frame; the journey is bound to this browser. */
  async startInWindow(sessionId: string, browser: string, providerId: string): Promise<JourneyStep> {
    const s = await this.#ctx.sessions.find(sessionId);
    if (s?.request.flow !== 'embedded') return { kind: 'not_found' };
    return this.start(sessionId, browser, providerId);
  }

  /** Whether the session is still open (the frame's watch); null for no such session. */
  async isOpen(sessionId: string): Promise<boolean | null> {
    const s = await this.#ctx.sessions.find(sessionId);
    return s ? !isFinal(this.#ctx.sessions.statusOf(s)) : null;
  }

  /**
   * A session of this browser with a decoupled order (Swedish BankID): while the order is open, its page
   * (QR code, autostart link, the person's progress); once the session has ended, on to its callback,
   * which is where the page's script and BankID's same-device return both land.
   */
  async #orderStep(s: SessionRecord, browser: string): Promise<JourneyStep | undefined> {
    if (!s.provider || findProvider(s.provider)?.configKind !== 'bankid-rp') return undefined;
    if (!s.browserBinding || s.browserBinding !== browserBindingOf(browser)) return undefined;
    const status = this.#ctx.sessions.statusOf(s);
    if (isFinal(status)) {
      const url = status === 'EXPIRED' ? undefined : this.#ctx.sessions.callbackFor(s);
      return url ? { kind: 'redirect', url } : undefined;
    }
    const view = await this.orderView(s);
    return view ? { kind: 'decoupled', session: summarize(s), order: view } : undefined;
  }

  /** The open order of a session as its page shows it (QR code now, autostart link, hint); undefined for none. */
  async orderView(s: SessionRecord): Promise<DecoupledView | undefined> {
    const launch = await this.#orders.launchOf(s);
    if (!launch) return undefined;
    const provider = s.provider ? await this.#ctx.catalog.find(s.accountId, s.provider) : null;
    const launchUrl = provider?.config.bankid?.launchUrl;
    const page = this.#pageUrl(s.id, s.request.requestDomain);
    return {
      qrData: launch.qrData,
      autostartHref: launchUrl && launch.autoStartToken ? autostartLink(launchUrl, launch.autoStartToken, page) : undefined,
      hint: launch.hint,
      statePath: `/login/${s.id}/bankid`,
      msToNextCode: launch.msToNextCode,
    };
  }

  /** The page's script, every second: the order's state for this browser, or where to go now that it ended. */
  async orderState(sessionId: string, browser: string | undefined): Promise<{ open: boolean; order?: DecoupledView } | null> {
    const s = await this.#ctx.sessions.find(sessionId);
    if (!s || !browser || s.browserBinding !== browserBindingOf(browser)) return null;
    if (isFinal(this.#ctx.sessions.statusOf(s))) return { open: false };
    const order = await this.orderView(s);
    return order ? { open: true, order } : { open: false };
  }

  /**
   * Starts a decoupled order for this browser: BankID gets the person's IP address and, for a same-device
   * start, our page to come back to. From the chooser's POST the browser is sent on to the page (a reload
   * must not start another order); on a GET the page is shown at once.
   */
  async #startOrder(
    s: SessionRecord,
    browser: string,
    chosen: Awaited<ReturnType<typeof usableProviders>>[number],
    person: Environment | undefined,
    fromForm: boolean,
  ): Promise<JourneyStep> {
    if (!person) return { kind: 'unavailable', session: summarize(s) };
    const page = this.#pageUrl(s.id, s.request.requestDomain);
    const r = await this.#orders.begin(s, chosen, {
      endUserIp: person.ipAddress,
      environment: person,
      returnUrl: page,
      browserBinding: browserBindingOf(browser),
    });
    if (r.kind === 'failed') return { kind: 'unavailable', session: summarize(s) };
    if (r.kind === 'lost') return whereItStands(this.#ctx, s.id, browser);
    if (fromForm) return { kind: 'redirect', url: page };
    const view = await this.orderView(r.session);
    return view ? { kind: 'decoupled', session: summarize(r.session), order: view } : { kind: 'unavailable', session: summarize(s) };
  }

  #redirectUri(s: SessionRecord, providerId: string): string {
    return this.#callbackUrl(providerId, s.request.requestDomain);
  }

  /** The person cancels on our page: ABORT, then the abort callback. */
  async abort(sessionId: string, browser: string, environment: Environment): Promise<JourneyStep> {
    const s = await loadOpen(this.#ctx, sessionId, browser);
    if (!isRecord(s)) return s;
    // A BankID order is cancelled at BankID too, while its sealed journey is still there to name it.
    if (s.provider && findProvider(s.provider)?.configKind === 'bankid-rp') await this.#orders.cancel(s);
    return this.#finish(s, { status: 'ABORT', environment }, browser);
  }

  /**
   * The provider sends the browser back. The state names the session (RFC 6749 §10.12); the browser must
   * be the one that started it, so a forwarded link cannot finish someone else's login and leaves the
   * session untouched. One request claims the journey before the code is exchanged: a second load of the
   * same callback (a double click, a reload) waits for that one's outcome instead of exchanging the code
   * again and failing the login.
   */
  async callback(
    providerId: string,
    callbackUrl: URL,
    browser: string | undefined,
    environment: Environment,
    journeyHint?: string,
  ): Promise<JourneyStep> {
    const state = callbackUrl.searchParams.get('state');
    const s = state ? await this.#ctx.sessions.findByJourneyState(state) : null;
    if (!s || !state) return this.#stateMismatch(providerId, browser, journeyHint);
    if (s.provider !== providerId) return { kind: 'not_found' };
    if (!browser || s.browserBinding !== browserBindingOf(browser)) return { kind: 'other_browser', session: summarize(s) };
    const ownOutcome = s.journeyState === claimedState(state);
    const closed = ownOutcome ? this.#closedForCallback(s) : rejectClosed(this.#ctx, s, browser);
    if (closed) return closed;
    const claimed = ownOutcome ? null : await this.#ctx.sessions.claimCallback(s.id, state);
    if (!claimed) return this.#awaitOutcome(s.id, browser);
    const provider = await this.#ctx.catalog.find(s.accountId, providerId);
    if (!provider) {
      // The account's provider configuration was removed while the person was at the provider: the code
      // they bring back cannot be redeemed, so the login fails now instead of hanging until it expires.
      const detail = 'The identity provider is no longer configured for this service.';
      this.#ctx.log.warn({ sessionId: s.id, providerId }, 'provider configuration removed during a journey');
      const error = failed('session_error', detail);
      return this.#finish(claimed, { status: 'ERROR', provider: providerId, environment, error }, browser, claimedState(state));
    }
    const { adapter } = provider;
    const journey = adapter.kind === 'redirect' ? adapter.parseJourney(this.#ctx.sessions.openJourney(claimed)) : null;
    if (adapter.kind !== 'redirect' || !journey) return { kind: 'unavailable', session: summarize(s) };
    // The redirect_uri of the token request is the one the journey started with (on its request domain).
    const expected = new URL(this.#redirectUri(s, providerId));
    expected.search = callbackUrl.search;
    const result = await adapter.finish({ config: provider.config, journey, callbackUrl: expected, requestedLoa: s.request.requestedLoa });
    if (result.kind === 'error') {
      this.#ctx.log.warn({ sessionId: s.id, providerId, code: result.code, detail: result.detail }, 'authentication failed');
    }
    return this.#finish(claimed, outcomeOf(result, providerId, environment), browser, claimedState(state));
  }

  /**
   * finishSession — the one conditional write that ends a journey; a lost race shows where the session
   * stands. A failing write (the database) is logged as an error and shown as such: the session is not
   * finished, and expires unless the person starts again.
   */
  async #finish(s: SessionRecord, outcome: Outcome, browser: string | undefined, journeyState?: string): Promise<JourneyStep> {
    let done: SessionRecord | null;
    try {
      done = await this.#ctx.sessions.finish(s, outcome, journeyState ? { journeyState } : {});
    } catch (err) {
      this.#ctx.log.error({ err, sessionId: s.id, status: outcome.status }, 'could not record the outcome of a login');
      return { kind: 'not_finished', session: summarize(s) };
    }
    if (!done) return whereItStands(this.#ctx, s.id, browser);
    this.#ctx.log.info({ sessionId: s.id, status: done.status }, 'session finished');
    return this.#afterFinish(done);
  }

  /** Where the browser goes once its session has ended: the callback, or (embedded) the window's last page. */
  #afterFinish(done: SessionRecord): JourneyStep {
    // An embedded session's provider window ends here; its frame goes on to returnUrl or shows the result.
    if (done.request.flow === 'embedded') return { kind: 'window_done', session: summarize(done) };
    const url = this.#ctx.sessions.callbackFor(done);
    return url ? { kind: 'redirect', url } : { kind: 'not_found' };
  }

  /**
   * A callback for a session this very callback ended (its state was claimed): its browser coming back
   * again (a reload, a double load that lost the race) goes where the login went. A session that ended
   * otherwise (cancelled, expired) shows its page through rejectClosed.
   */
  #closedForCallback(s: SessionRecord): JourneyStep | undefined {
    const status = this.#ctx.sessions.statusOf(s);
    if (status === 'EXPIRED') return { kind: 'expired', session: summarize(s), callback: this.#ctx.sessions.callbackFor(s) };
    if (isFinal(status)) return this.#afterFinish(s);
    return undefined;
  }

  /** Another request is exchanging this journey's code: wait (bounded) for its outcome, then follow it. */
  async #awaitOutcome(sessionId: string, browser: string): Promise<JourneyStep> {
    const deadline = Date.now() + this.#settleTimeoutMs;
    for (let wait = 50; Date.now() < deadline; wait = Math.min(wait * 2, 500)) {
      await delay(wait);
      const now = await this.#ctx.sessions.find(sessionId);
      if (!now) return { kind: 'not_found' };
      const closed = this.#closedForCallback(now);
      if (closed) return closed;
    }
    const s = await this.#ctx.sessions.find(sessionId);
    return (s && rejectClosed(this.#ctx, s, browser)) ?? { kind: 'not_found' };
  }

  /**
   * A callback whose state names no journey: forged (an attacker's link opened in this browser), or the
   * answer to a journey that was replaced. It never changes a session: a cross-site link must not be able
   * to fail someone's login in progress. When this browser's last journey is still open, the page offers
   * to try again or cancel; when it has ended, it says so.
   */
  async #stateMismatch(providerId: string, browser: string | undefined, journeyHint?: string): Promise<JourneyStep> {
    const s = journeyHint ? await this.#ctx.sessions.find(journeyHint) : null;
    if (!s || !browser || s.provider !== providerId || s.browserBinding !== browserBindingOf(browser)) return { kind: 'not_found' };
    this.#ctx.log.warn({ sessionId: s.id, providerId }, 'callback state does not match the journey');
    return rejectClosed(this.#ctx, s, browser) ?? { kind: 'state_mismatch', session: summarize(s) };
  }

  /** Every registered provider with an adapter, for the development landing page. */
  providerChoices(): ProviderChoice[] {
    return PROVIDERS.map((p) => ({ id: p.id, labels: p.labels, mark: p.mark, taglines: p.taglines }));
  }
}

const isRecord = (v: SessionRecord | JourneyStep): v is SessionRecord => 'accountId' in v;
