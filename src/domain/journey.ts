// The person's journey through a redirect-flow session: open the authenticationUrl, (choose a provider),
// go to the provider, come back, and be sent to the matching callback URL. Every decision here returns a
// plain outcome; the HTTP layer turns outcomes into redirects or pages. Knows nothing of HTTP.
import type { Logger } from 'pino';
import { sha256 } from '../crypto.ts';
import type { SessionRecord } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { ProviderConfig, ProviderConfigs } from './providers/configs.ts';
import type { ProviderAdapter } from './providers/provider.ts';
import type { Loa } from './sessions/attributes.ts';
import { effectiveStatus, isFinal } from './sessions/lifecycle.ts';
import { sessionErrorType, type Environment, type SessionRequest, type Sessions } from './sessions/sessions.ts';

export interface ProviderChoice {
  id: string;
  label: string;
}

/** What the person should see or where they should go next. */
export type JourneyStep =
  | { kind: 'redirect'; url: string /** Set when a journey to a provider starts: the session it is for. */; journeySession?: string }
  | { kind: 'choose'; session: SessionRecord; providers: ProviderChoice[]; formTargets: string[] }
  | { kind: 'not_found' }
  | { kind: 'expired'; session: SessionRecord; callback: string }
  | { kind: 'finished'; session: SessionRecord; callback: string | undefined }
  | { kind: 'other_browser'; session: SessionRecord }
  | { kind: 'unavailable'; session: SessionRecord };

export const callbackPath = (providerId: string) => `/auth/callback/${providerId}`;

export class Journeys {
  readonly #sessions: Sessions;
  readonly #adapters: Map<string, ProviderAdapter>;
  readonly #configs: ProviderConfigs;
  readonly #publicUrl: string;
  readonly #clock: Clock;
  readonly #log: Logger;

  constructor(deps: {
    sessions: Sessions;
    adapters: ProviderAdapter[];
    configs: ProviderConfigs;
    publicUrl: string;
    clock: Clock;
    log: Logger;
  }) {
    this.#sessions = deps.sessions;
    this.#adapters = new Map(deps.adapters.map((a) => [a.id, a]));
    this.#configs = deps.configs;
    this.#publicUrl = deps.publicUrl;
    this.#clock = deps.clock;
    this.#log = deps.log;
  }

  /** A page of a session that can no longer be started: expired, finished, or bound to another browser. */
  #closed(s: SessionRecord, browser: string): JourneyStep | undefined {
    const status = effectiveStatus(s.status, s.expiresAt, this.#clock.now());
    if (status === 'EXPIRED') return { kind: 'expired', session: s, callback: this.#sessions.callbackFor(s)! };
    if (isFinal(status)) return { kind: 'finished', session: s, callback: this.#sessions.callbackFor(s) };
    if (s.browserBinding && s.browserBinding !== sha256(browser)) return { kind: 'other_browser', session: s };
    return undefined;
  }

  /** The providers this session may use that are configured for its account, with their configuration. */
  async #allowed(s: SessionRecord): Promise<(ProviderChoice & { adapter: ProviderAdapter; config: ProviderConfig })[]> {
    const req = s.request as unknown as SessionRequest;
    const ids = req.allowedProviders ?? [...this.#adapters.keys()];
    const out = [];
    for (const id of ids) {
      const adapter = this.#adapters.get(id);
      const config = adapter ? await this.#configs.resolve(s.accountId, id) : null;
      if (adapter && config) out.push({ id, label: adapter.label, adapter, config });
    }
    return out;
  }

  /** GET authenticationUrl: with one provider go straight to it, with several show the chooser. */
  async open(sessionId: string, browser: string): Promise<JourneyStep> {
    const s = await this.#sessions.record(sessionId);
    if (!s) return { kind: 'not_found' };
    const closed = this.#closed(s, browser);
    if (closed) return closed;
    const providers = await this.#allowed(s);
    if (providers.length === 0) return { kind: 'unavailable', session: s };
    if (providers.length === 1) return this.#startWith(s, browser, providers[0]!);
    const formTargets = providers.map((p) => new URL(p.config.issuer).origin);
    return { kind: 'choose', session: s, providers: providers.map(({ id, label }) => ({ id, label })), formTargets };
  }

  /** Starts the provider's authentication and binds the session to this browser and journey. */
  async start(sessionId: string, browser: string, providerId: string): Promise<JourneyStep> {
    const s = await this.#sessions.record(sessionId);
    if (!s) return { kind: 'not_found' };
    const closed = this.#closed(s, browser);
    if (closed) return closed;
    const chosen = (await this.#allowed(s)).find((p) => p.id === providerId);
    if (!chosen) return { kind: 'unavailable', session: s };
    return this.#startWith(s, browser, chosen);
  }

  async #startWith(
    s: SessionRecord,
    browser: string,
    chosen: { id: string; adapter: ProviderAdapter; config: ProviderConfig },
  ): Promise<JourneyStep> {
    const { id: providerId, adapter, config } = chosen;
    const sessionId = s.id;
    const req = s.request as unknown as SessionRequest;
    let started;
    try {
      started = await adapter.start({
        sessionId,
        config,
        redirectUri: `${this.#publicUrl}${callbackPath(providerId)}`,
        requestedLoa: req.requestedLoa as Loa | undefined,
        language: req.language,
      });
    } catch (err) {
      this.#log.warn({ err, sessionId, providerId }, 'provider could not start an authentication');
      return { kind: 'unavailable', session: s };
    }
    const bound = await this.#sessions.startJourney(sessionId, {
      browserBinding: sha256(browser),
      journeyState: started.state,
      journeyEnc: this.#sessions.sealJourney(sessionId, { ...started.journey, providerId }),
      provider: providerId,
    });
    if (!bound) {
      const now = await this.#sessions.record(sessionId);
      return (now && this.#closed(now, browser)) ?? { kind: 'not_found' };
    }
    return { kind: 'redirect', url: started.redirectUrl, journeySession: sessionId };
  }

  /** The person cancels on our page: ABORT, then the abort callback. */
  async abort(sessionId: string, browser: string, environment: Environment): Promise<JourneyStep> {
    const s = await this.#sessions.record(sessionId);
    if (!s) return { kind: 'not_found' };
    const closed = this.#closed(s, browser);
    if (closed) return closed;
    try {
      const done = await this.#sessions.finish(sessionId, { status: 'ABORT', environment });
      return { kind: 'redirect', url: this.#sessions.callbackFor(done)! };
    } catch {
      const now = (await this.#sessions.record(sessionId))!;
      return this.#closed(now, browser) ?? { kind: 'not_found' };
    }
  }

  /**
   * The provider sends the browser back. The state names the session; the browser must be the one that
   * started it (a forwarded link cannot finish someone else's login, and leaves the session untouched).
   */
  async callback(
    providerId: string,
    callbackUrl: URL,
    browser: string | undefined,
    environment: Environment,
    journeyHint?: string,
  ): Promise<JourneyStep> {
    const state = callbackUrl.searchParams.get('state');
    const s = state ? await this.#sessions.findByJourneyState(state) : null;
    if (!s) return this.#stateMismatch(providerId, browser, environment, journeyHint);
    if (s.provider !== providerId) return { kind: 'not_found' };
    if (!browser || !s.browserBinding || s.browserBinding !== sha256(browser)) return { kind: 'other_browser', session: s };
    const closed = this.#closed(s, browser);
    if (closed) return closed;
    const journey = this.#sessions.openJourney(s);
    const adapter = this.#adapters.get(providerId);
    const config = await this.#configs.resolve(s.accountId, providerId);
    if (!journey || !adapter || !config) return { kind: 'unavailable', session: s };
    const req = s.request as unknown as SessionRequest;
    const result = await adapter.finish({ config, journey, callbackUrl, requestedLoa: req.requestedLoa as Loa | undefined });
    const outcome =
      result.kind === 'success'
        ? {
            status: 'SUCCESS' as const,
            provider: providerId,
            loa: result.loa,
            attributes: result.attributes,
            subjectKey: result.subjectKey,
            environment,
          }
        : result.kind === 'abort'
          ? { status: 'ABORT' as const, provider: providerId, environment }
          : {
              status: 'ERROR' as const,
              provider: providerId,
              environment,
              error: { type: sessionErrorType(result.code), title: 'Authentication failed', detail: result.detail, code: result.code },
            };
    if (result.kind === 'error')
      this.#log.warn({ sessionId: s.id, providerId, code: result.code, detail: result.detail }, 'authentication failed');
    try {
      const done = await this.#sessions.finish(s.id, outcome, { journeyState: state! }, s);
      this.#log.info({ sessionId: s.id, status: done.status }, 'session finished');
      return { kind: 'redirect', url: this.#sessions.callbackFor(done)! };
    } catch {
      // Another request finished it first (double submit, replay): show where it stands.
      const now = (await this.#sessions.record(s.id))!;
      return this.#closed(now, browser) ?? { kind: 'not_found' };
    }
  }

  /**
   * A callback whose state names no journey. When this browser has a journey in progress with this
   * provider, the response was forged or mixed up: that login fails (ERROR), rather than waiting forever.
   */
  async #stateMismatch(
    providerId: string,
    browser: string | undefined,
    environment: Environment,
    journeyHint?: string,
  ): Promise<JourneyStep> {
    const s = journeyHint ? await this.#sessions.record(journeyHint) : null;
    if (!s || !browser || s.provider !== providerId || s.browserBinding !== sha256(browser) || this.#closed(s, browser))
      return { kind: 'not_found' };
    const code = 'invalid_callback';
    this.#log.warn({ sessionId: s.id, providerId, code }, 'callback state does not match the journey');
    try {
      const done = await this.#sessions.finish(s.id, {
        status: 'ERROR',
        provider: providerId,
        environment,
        error: {
          type: sessionErrorType(code),
          title: 'Authentication failed',
          detail: 'The state returned by the identity provider does not match this login.',
          code,
        },
      });
      return { kind: 'redirect', url: this.#sessions.callbackFor(done)! };
    } catch {
      return { kind: 'not_found' };
    }
  }

  providerLabels(): ProviderChoice[] {
    return [...this.#adapters.values()].map((a) => ({ id: a.id, label: a.label }));
  }
}
