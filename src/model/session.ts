// The session as the domain and the store both know it: statuses with exactly Signicat's strings, the
// request as stored, the error, the environment. Pure types and constants; no IO.

export * from './session-constants.ts';
export type { CallbackUrls, SessionRequest, StoredSessionRequest } from './session-request.ts';

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
