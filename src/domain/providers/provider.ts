// The interface every eID provider adapter implements: start an authentication for a session, finish it
// from the provider's callback, and say who the person is in Signicat's attribute names.
import type { IdentityAttributes, Loa } from '../sessions/attributes.ts';
import type { ProviderConfig } from './configs.ts';

export interface StartInput {
  sessionId: string;
  config: ProviderConfig;
  redirectUri: string;
  requestedLoa: Loa | undefined;
  language: string | undefined;
}

export interface StartOutput {
  /** Where the browser goes next. */
  redirectUrl: string;
  /** The value that comes back on the callback and identifies this journey (OAuth state). */
  state: string;
  /** Secrets the finish step needs (PKCE verifier, nonce); sealed in the store. */
  journey: Record<string, string>;
}

export interface FinishInput {
  config: ProviderConfig;
  journey: Record<string, string>;
  /** The full callback URL as the broker received it. */
  callbackUrl: URL;
  requestedLoa: Loa | undefined;
}

export type FinishOutput =
  | { kind: 'success'; attributes: IdentityAttributes; loa: Loa; subjectKey: string }
  | { kind: 'abort' }
  | { kind: 'error'; code: ProviderErrorCode; detail: string };

/** Session error codes a provider journey can end with (session.error.code). */
export type ProviderErrorCode =
  | 'provider_error'
  | 'provider_unavailable'
  | 'invalid_provider_response'
  | 'loa_too_low'
  | 'identity_missing'
  | 'session_error';

export interface ProviderAdapter {
  readonly id: string;
  readonly label: string;
  start(input: StartInput): Promise<StartOutput>;
  finish(input: FinishInput): Promise<FinishOutput>;
}
