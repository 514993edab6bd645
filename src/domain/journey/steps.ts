// The named steps a journey is made of. Each is small, does one check or one write, and says in its header
// the rule it enforces. They return either a value to go on with or the JourneyStep to answer with, so the
// journeys in ./journeys.ts read as short pipelines.
import { OIDC_CLIENT_TAG_PREFIX } from '../../model/session-constants.ts';
import type { Logger } from 'pino';
import { sha256 } from '../../crypto.ts';
import { type FinalStatus, isFinal } from '../../model/session.ts';
import { originsOf } from '../../shared/url.ts';
import type { SessionRecord } from '../../store/index.ts';
import { ProviderFailure } from '../providers/adapter.ts';
import type { AccountProvider, ProviderCatalog } from '../providers/catalog.ts';
import type { ProviderDefinition } from '../providers/registry.ts';
import type { Sessions } from '../sessions/sessions.ts';

/** What a page needs of the session: never the raw row or anything sealed. */
export interface SessionSummary {
  id: string;
  /** Whose service the pages are shown for (its branding). */
  accountId: string;
  /** The theme the session asked for (checked at create), else the account's default applies. */
  themeId: string | undefined;
  language: string | undefined;
  /** Origins of the session's callback URLs: the only places a form on our pages may lead to. */
  callbackOrigins: string[];
  /** Embedded sessions: the parents that may frame its pages (CSP frame-ancestors sources). */
  frameAncestors: string[] | undefined;
  /** A login at our OpenID Provider: the OIDC client it is for, whose branding goes over the account's. */
  oidcClientId: string | undefined;
}

export interface ProviderChoice {
  id: string;
  labels: ProviderDefinition['labels'];
  /** Short name for its badge, and one line under its name (none for an account's generic provider). */
  mark: string;
  taglines: ProviderDefinition['taglines'];
}

/** A provider as the chooser shows it. */
export const choiceOf = ({ id, definition }: UsableProvider): ProviderChoice => ({
  id,
  labels: definition.labels,
  mark: definition.mark ?? definition.labels.en,
  taglines: definition.taglines,
});

/** What the person should see or where they should go next. */
export type JourneyStep =
  | { kind: 'redirect'; url: string /** Set when a journey to a provider starts: the session it is for. */; journeySession?: string }
  | { kind: 'choose'; session: SessionSummary; providers: ProviderChoice[]; formTargets: string[] }
  | { kind: 'not_found' }
  | { kind: 'expired'; session: SessionSummary; callback: string | undefined }
  | { kind: 'finished'; session: SessionSummary; callback: string | undefined }
  | { kind: 'other_browser'; session: SessionSummary }
  | { kind: 'unavailable'; session: SessionSummary }
  /** Embedded: the framed page, offering each provider in a window of its own and watching the session. */
  | { kind: 'frame'; session: SessionSummary; providers: ProviderChoice[] }
  /** Embedded without returnUrl: the result, shown in the frame. */
  | { kind: 'frame_result'; session: SessionSummary; status: FinalStatus }
  /** Embedded: the provider's window is done; the frame carries on. */
  | { kind: 'window_done'; session: SessionSummary }
  /** A callback whose state matches no journey, while this browser's login is still open: retry or cancel. */
  | { kind: 'state_mismatch'; session: SessionSummary }
  /** The outcome could not be recorded (the store failed): said honestly, nothing claimed. */
  | { kind: 'not_finished'; session: SessionSummary }
  /** A redirect session opened inside a frame: not started. */
  | { kind: 'not_framable'; session: SessionSummary }
  /** A decoupled eID's order is open (Swedish BankID): the QR code, the link that opens the app here, the hint. */
  | { kind: 'decoupled'; session: SessionSummary; order: DecoupledView };

/** What the BankID page shows of an open order: never qrStartSecret, only the QR code's content at this second. */
export interface DecoupledView {
  qrData: string | undefined;
  /** Opens the app on this device (BankID's autostart link; in development the simulator's test app). */
  autostartHref: string | undefined;
  hint: string | undefined;
  /** Where the page's script reads the order's state every second. */
  statePath: string;
  /** When the QR code changes next (ms): the script reads again just after, so the code shown is never late. */
  msToNextCode: number | undefined;
}

export type UsableProvider = AccountProvider;

export interface StepContext {
  sessions: Sessions;
  /** The providers of each account: built-in ones it configured, and its generic ones. */
  catalog: ProviderCatalog;
  log: Logger;
}

export const summarize = (s: SessionRecord): SessionSummary => ({
  id: s.id,
  accountId: s.accountId,
  themeId: s.request.themeId,
  language: s.request.language,
  callbackOrigins: originsOf(callbackTargets(s)),
  frameAncestors: s.request.flow === 'embedded' ? s.request.embeddedParentDomains : undefined,
  oidcClientId: s.request.tags?.find((t) => t.startsWith(OIDC_CLIENT_TAG_PREFIX))?.slice(OIDC_CLIENT_TAG_PREFIX.length),
});

/** Every URL a session may send the browser to when it ends. */
const callbackTargets = ({ request }: SessionRecord): string[] => [
  ...(request.callbackUrls ? [request.callbackUrls.success, request.callbackUrls.abort, request.callbackUrls.error] : []),
  ...(request.returnUrl ? [request.returnUrl] : []),
];

/** The browser id as stored: a hash, so the row never holds the cookie value itself. */
export const browserBindingOf = (browser: string): string => sha256(browser);

/**
 * rejectClosed — a finished or expired session is never started again, and a session bound to another
 * browser cannot be continued from this one (a forwarded link cannot take over someone else's login).
 */
export function rejectClosed(ctx: StepContext, s: SessionRecord, browser: string | undefined): JourneyStep | undefined {
  const status = ctx.sessions.statusOf(s);
  if (status === 'EXPIRED') return { kind: 'expired', session: summarize(s), callback: ctx.sessions.callbackFor(s) };
  if (isFinal(status)) return { kind: 'finished', session: summarize(s), callback: ctx.sessions.callbackFor(s) };
  if (s.browserBinding && (!browser || s.browserBinding !== browserBindingOf(browser)))
    return { kind: 'other_browser', session: summarize(s) };
  return undefined;
}

/** loadOpen — the session named in the URL, still open and on this browser; or the page that says why not. */
export async function loadOpen(ctx: StepContext, sessionId: string, browser: string): Promise<SessionRecord | JourneyStep> {
  const s = await ctx.sessions.find(sessionId);
  if (!s) return { kind: 'not_found' };
  return rejectClosed(ctx, s, browser) ?? s;
}

/** whereItStands — after a lost race (double submit, replay), show the session as it now is. */
export async function whereItStands(ctx: StepContext, sessionId: string, browser: string | undefined): Promise<JourneyStep> {
  const now = await ctx.sessions.find(sessionId);
  return (now && rejectClosed(ctx, now, browser)) ?? { kind: 'not_found' };
}

/**
 * usableProviders — of the providers the session allows, those its account has configured (built-in ones in
 * registry order, then the account's generic ones); another account's generic provider is never among them.
 */
export async function usableProviders(ctx: StepContext, s: SessionRecord): Promise<UsableProvider[]> {
  if (!s.request.allowedProviders) return ctx.catalog.configured(s.accountId);
  const out: UsableProvider[] = [];
  for (const id of s.request.allowedProviders) {
    const p = await ctx.catalog.find(s.accountId, id);
    if (p) out.push(p);
  }
  return out;
}

/** The session's additionalParameters that belong to one provider: Signicat's `<provider id>_` keys. */
export const parametersOf = (s: SessionRecord, providerId: string): Record<string, string> =>
  Object.fromEntries(Object.entries(s.request.additionalParameters ?? {}).filter(([k]) => k.startsWith(`${providerId}_`)));

/**
 * startAtProvider — asks the adapter for the provider's authorization request (PKCE, state, nonce are the
 * adapter's), then binds the session to this browser and journey in one conditional write (OAuth 2.0
 * Security BCP §4.7: the state is bound to the user agent). A provider that cannot be reached shows the
 * "unavailable" page; a bug is not caught here.
 */
export async function startAtProvider(
  ctx: StepContext,
  s: SessionRecord,
  browser: string,
  chosen: UsableProvider,
  redirectUri: string,
): Promise<JourneyStep> {
  const { adapter } = chosen;
  if (adapter.kind !== 'redirect') {
    // Decoupled eIDs start from the API (headless) or their own page, not from a redirect journey.
    return { kind: 'unavailable', session: summarize(s) };
  }
  let started: Awaited<ReturnType<typeof adapter.start>>;
  try {
    started = await adapter.start({
      sessionId: s.id,
      config: chosen.config,
      redirectUri,
      requestedLoa: s.request.requestedLoa,
      language: s.request.language,
      parameters: parametersOf(s, chosen.id),
      endUserIp: undefined,
    });
  } catch (err) {
    if (!(err instanceof ProviderFailure)) throw err;
    ctx.log.warn(
      { sessionId: s.id, providerId: chosen.id, code: err.code, detail: err.message },
      'provider could not start an authentication',
    );
    return { kind: 'unavailable', session: summarize(s) };
  }
  const bound = await ctx.sessions.startJourney(s.id, {
    browserBinding: browserBindingOf(browser),
    journeyState: started.state,
    journey: started.journey,
    provider: chosen.id,
  });
  if (!bound) return whereItStands(ctx, s.id, browser);
  return { kind: 'redirect', url: started.redirectUrl, journeySession: s.id };
}
