// The person's journey through a redirect-flow session: open the authenticationUrl, (choose a provider),
// go to the provider, come back, and be sent to the matching callback URL. Each entry point is a short
// pipeline of the named steps in ./steps.ts; every decision returns a plain JourneyStep that the HTTP
// layer turns into a redirect or a page. Knows nothing of HTTP.
import type { Logger } from 'pino';
import type { Environment, SessionError } from '../../model/session.ts';
import type { SessionRecord } from '../../store/index.ts';
import type { ProviderAdapter, ProviderOutcome } from '../providers/adapter.ts';
import type { ProviderConfigs } from '../providers/configs.ts';
import { PROVIDERS } from '../providers/registry.ts';
import { type Outcome, type Sessions, sessionErrorType } from '../sessions/sessions.ts';
import {
  browserBindingOf,
  type JourneyStep,
  loadOpen,
  type ProviderChoice,
  rejectClosed,
  type StepContext,
  startAtProvider,
  summarize,
  usableProviders,
  whereItStands,
} from './steps.ts';

export type { JourneyStep, ProviderChoice, SessionSummary } from './steps.ts';

const failed = (code: string, detail: string): SessionError => ({
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

export interface JourneysDeps {
  sessions: Sessions;
  adapters: ReadonlyMap<string, ProviderAdapter>;
  configs: ProviderConfigs;
  /** Our callback URL for a redirect provider. */
  callbackUrl: (providerId: string) => string;
  log: Logger;
}

export class Journeys {
  readonly #ctx: StepContext;
  readonly #callbackUrl: (providerId: string) => string;

  constructor(deps: JourneysDeps) {
    this.#ctx = { sessions: deps.sessions, configs: deps.configs, adapters: deps.adapters, log: deps.log };
    this.#callbackUrl = deps.callbackUrl;
  }

  /** GET authenticationUrl: with one provider go straight to it, with several show the chooser. */
  async open(sessionId: string, browser: string): Promise<JourneyStep> {
    const s = await loadOpen(this.#ctx, sessionId, browser);
    if (!isRecord(s)) return s;
    const providers = await usableProviders(this.#ctx, s);
    const [only] = providers;
    if (!only) return { kind: 'unavailable', session: summarize(s) };
    if (providers.length === 1) return startAtProvider(this.#ctx, s, browser, only, this.#callbackUrl(only.id));
    return {
      kind: 'choose',
      session: summarize(s),
      providers: providers.map(({ id, definition }) => ({ id, labels: definition.labels })),
      formTargets: providers.map((p) => new URL(p.config.issuer).origin),
    };
  }

  /** The chooser's form: start the chosen provider, if the session allows it and the account has it. */
  async start(sessionId: string, browser: string, providerId: string): Promise<JourneyStep> {
    const s = await loadOpen(this.#ctx, sessionId, browser);
    if (!isRecord(s)) return s;
    const chosen = (await usableProviders(this.#ctx, s)).find((p) => p.id === providerId);
    if (!chosen) return { kind: 'unavailable', session: summarize(s) };
    return startAtProvider(this.#ctx, s, browser, chosen, this.#callbackUrl(chosen.id));
  }

  /** The person cancels on our page: ABORT, then the abort callback. */
  async abort(sessionId: string, browser: string, environment: Environment): Promise<JourneyStep> {
    const s = await loadOpen(this.#ctx, sessionId, browser);
    if (!isRecord(s)) return s;
    return this.#finish(s, { status: 'ABORT', environment }, browser);
  }

  /**
   * The provider sends the browser back. The state names the session (RFC 6749 §10.12); the browser must
   * be the one that started it, so a forwarded link cannot finish someone else's login and leaves the
   * session untouched.
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
    if (!s || !state) return this.#stateMismatch(providerId, browser, environment, journeyHint);
    if (s.provider !== providerId) return { kind: 'not_found' };
    if (!browser || s.browserBinding !== browserBindingOf(browser)) return { kind: 'other_browser', session: summarize(s) };
    const closed = rejectClosed(this.#ctx, s, browser);
    if (closed) return closed;
    const adapter = this.#ctx.adapters.get(providerId);
    const config = await this.#ctx.configs.resolve(s.accountId, providerId);
    if (adapter?.kind !== 'redirect' || !config) return { kind: 'unavailable', session: summarize(s) };
    const journey = adapter.parseJourney(this.#ctx.sessions.openJourney(s));
    if (!journey) return { kind: 'unavailable', session: summarize(s) };
    const result = await adapter.finish({ config, journey, callbackUrl, requestedLoa: s.request.requestedLoa });
    if (result.kind === 'error') {
      this.#ctx.log.warn({ sessionId: s.id, providerId, code: result.code, detail: result.detail }, 'authentication failed');
    }
    return this.#finish(s, outcomeOf(result, providerId, environment), browser, state);
  }

  /** finishSession — the one conditional write that ends a journey; a lost race shows where the session stands. */
  async #finish(s: SessionRecord, outcome: Outcome, browser: string | undefined, journeyState?: string): Promise<JourneyStep> {
    const done = await this.#ctx.sessions.finish(s, outcome, journeyState ? { journeyState } : {});
    if (!done) return whereItStands(this.#ctx, s.id, browser);
    this.#ctx.log.info({ sessionId: s.id, status: done.status }, 'session finished');
    const url = this.#ctx.sessions.callbackFor(done);
    return url ? { kind: 'redirect', url } : { kind: 'not_found' };
  }

  /**
   * A callback whose state names no journey. When this browser has a journey in progress with this
   * provider, the response was forged or mixed up: that login fails (ERROR) rather than waiting forever.
   */
  async #stateMismatch(
    providerId: string,
    browser: string | undefined,
    environment: Environment,
    journeyHint?: string,
  ): Promise<JourneyStep> {
    const s = journeyHint ? await this.#ctx.sessions.find(journeyHint) : null;
    if (!s || !browser || s.provider !== providerId || s.browserBinding !== browserBindingOf(browser)) return { kind: 'not_found' };
    if (rejectClosed(this.#ctx, s, browser)) return { kind: 'not_found' };
    const code = 'invalid_callback';
    this.#ctx.log.warn({ sessionId: s.id, providerId, code }, 'callback state does not match the journey');
    const detail = 'The state returned by the identity provider does not match this login.';
    const step = await this.#finish(s, { status: 'ERROR', provider: providerId, environment, error: failed(code, detail) }, browser);
    return step.kind === 'redirect' ? step : { kind: 'not_found' };
  }

  /** Every registered provider with an adapter, for the development landing page. */
  providerChoices(): ProviderChoice[] {
    return PROVIDERS.filter((p) => this.#ctx.adapters.has(p.id)).map((p) => ({ id: p.id, labels: p.labels }));
  }
}

const isRecord = (v: SessionRecord | JourneyStep): v is SessionRecord => 'accountId' in v;
