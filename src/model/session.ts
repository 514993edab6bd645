// The session as the domain and the store both know it: statuses with exactly Signicat's strings, the
// request as stored, the error, the environment. Pure types and constants; no IO.
import type { AttributeName } from './attributes.ts';

export const SESSION_STATUSES = ['CREATED', 'WAITING_FOR_USER', 'SUCCESS', 'ABORT', 'ERROR', 'CANCELLED', 'EXPIRED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const OPEN_STATUSES = ['CREATED', 'WAITING_FOR_USER'] as const satisfies readonly SessionStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];
export type FinalStatus = Exclude<SessionStatus, OpenStatus>;

export const isOpen = (s: SessionStatus): s is OpenStatus => s === 'CREATED' || s === 'WAITING_FOR_USER';
export const isFinal = (s: SessionStatus): s is FinalStatus => !isOpen(s);

export const FLOWS = ['redirect', 'headless', 'embedded'] as const;
export type Flow = (typeof FLOWS)[number];

export const LOAS = ['low', 'substantial', 'high'] as const;
export type Loa = (typeof LOAS)[number];
export const LOA_ORDER: Record<Loa, number> = { low: 1, substantial: 2, high: 3 };

export const DEFAULT_SESSION_LIFETIME = 1200;
export const MIN_SESSION_LIFETIME = 300;
export const MAX_SESSION_LIFETIME = 86400;

export interface CallbackUrls {
  success: string;
  abort: string;
  error: string;
}

/** A session request as the API accepts it (validated by its schema) and as the store keeps it. */
export interface SessionRequest {
  flow: Flow;
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

/** session.error: why a journey ended in ERROR (codes in docs/errors.md, "Session error codes"). */
export interface SessionError {
  type: string;
  title: string;
  detail: string;
  code: string;
}

/** Where the person came from: sealed at rest with the identity. */
export interface Environment {
  ipAddress: string;
  userAgent: string;
}
