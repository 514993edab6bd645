// The interface every eID adapter implements. Two kinds of eID fit it:
// - redirect: the browser goes to the provider and comes back to our callback (OpenID Connect eIDs:
//   ID-porten, Ansattporten, Norwegian BankID). start → redirect URL; finish ← the callback URL.
// - decoupled: the broker starts an order and polls the provider until the person has acted in an app;
//   the result never comes back through the browser (Swedish BankID). start → what to show (QR data,
//   autostart token); collect → pending (with a hint for the person) or the outcome; cancel.
// Each adapter owns its journey payload type J: what it needs between start and finish (PKCE verifier,
// nonce, order reference). The broker seals it at rest and hands it back through `parseJourney`, which
// checks the opened value, so an adapter never reads an untyped record.
import type { IdentityAttributes } from '../../model/attributes.ts';
import type { Loa } from '../../model/session.ts';
import type { ProviderConfig } from './configs.ts';

export interface StartInput {
  sessionId: string;
  config: ProviderConfig;
  /** Our callback URL for this provider (redirect adapters). */
  redirectUri: string;
  requestedLoa: Loa | undefined;
  language: string | undefined;
  /** The session's additionalParameters that belong to this provider (`<provider id>_…`), checked at create. */
  parameters: Readonly<Record<string, string>>;
  /** The person's IP address as we saw it (decoupled eIDs send it to the provider). */
  endUserIp: string | undefined;
}

/** Session error codes a provider journey can end with (session.error.code; docs/errors.md). */
export const PROVIDER_ERROR_CODES = ['provider_error', 'provider_unavailable', 'invalid_provider_response', 'loa_too_low'] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

/** How a provider journey ended. `subjectKey` identifies the person for the stable pseudonym `subject.id`. */
export type ProviderOutcome =
  | { kind: 'success'; attributes: IdentityAttributes; loa: Loa; subjectKey: string }
  | { kind: 'abort' }
  | { kind: 'error'; code: ProviderErrorCode; detail: string };

export interface RedirectAdapter<J> {
  readonly kind: 'redirect';
  /** Checks an opened journey payload and gives it its type back; null when it is not this adapter's. */
  parseJourney(value: unknown): J | null;
  start(input: StartInput): Promise<{
    /** Where the browser goes next. */
    redirectUrl: string;
    /** The value that comes back on the callback and names this journey (OAuth state). */
    state: string;
    journey: J;
  }>;
  finish(input: { config: ProviderConfig; journey: J; callbackUrl: URL; requestedLoa: Loa | undefined }): Promise<ProviderOutcome>;
}

/** What a decoupled start gives the person's device: a QR code to scan or an app to open. */
export interface DecoupledLaunch {
  /** Opens the eID app on the same device (BankID's autoStartToken). */
  autoStartToken?: string;
  /** Data for an animated QR code, recomputed per second from these secrets (BankID's qrStartToken). */
  qr?: { startToken: string; startSecret: string; startedAt: string };
}

export interface DecoupledAdapter<J> {
  readonly kind: 'decoupled';
  parseJourney(value: unknown): J | null;
  /** Starts an order; `reference` names it in the store (BankID's orderRef) so one process polls it. */
  start(input: StartInput): Promise<{ reference: string; launch: DecoupledLaunch; journey: J }>;
  /** Polls once: still pending (with the provider's hint for the person) or ended. */
  collect(input: {
    config: ProviderConfig;
    journey: J;
    requestedLoa: Loa | undefined;
  }): Promise<{ kind: 'pending'; hint: string | undefined } | ProviderOutcome>;
  cancel(input: { config: ProviderConfig; journey: J }): Promise<void>;
}

// Method syntax keeps the registry's erased view assignable from each adapter's own J; the journey service
// passes a payload only after that adapter's parseJourney accepted it.
export type ProviderAdapter = RedirectAdapter<unknown> | DecoupledAdapter<unknown>;

/** Thrown by start (or collect) when the provider, not our code, failed: the journey shows "unavailable". */
export class ProviderFailure extends Error {
  readonly code: ProviderErrorCode;
  constructor(code: ProviderErrorCode, detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'ProviderFailure';
    this.code = code;
  }
}
