// The session lifecycle, with exactly the status strings of Signicat's API. This table is the only place
// that says which transitions exist; the store applies each one as a single conditional write.

export const SESSION_STATUSES = ['CREATED', 'WAITING_FOR_USER', 'SUCCESS', 'ABORT', 'ERROR', 'CANCELLED', 'EXPIRED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const OPEN_STATUSES: readonly SessionStatus[] = ['CREATED', 'WAITING_FOR_USER'];
export type FinalStatus = 'SUCCESS' | 'ABORT' | 'ERROR' | 'CANCELLED' | 'EXPIRED';

const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  CREATED: ['WAITING_FOR_USER', 'SUCCESS', 'ABORT', 'ERROR', 'CANCELLED', 'EXPIRED'],
  WAITING_FOR_USER: ['SUCCESS', 'ABORT', 'ERROR', 'CANCELLED', 'EXPIRED'],
  SUCCESS: [],
  ABORT: [],
  ERROR: [],
  CANCELLED: [],
  EXPIRED: [],
};

export const isFinal = (s: string): boolean => !OPEN_STATUSES.includes(s as SessionStatus);

/** The statuses from which `to` may be reached: the guard of the conditional write. */
export function sourcesOf(to: SessionStatus): SessionStatus[] {
  return SESSION_STATUSES.filter((from) => TRANSITIONS[from].includes(to));
}

/** What a reader sees: an open session past its expiry reads as EXPIRED before any job touches it. */
export function effectiveStatus(stored: string, expiresAt: Date, now: Date): SessionStatus {
  if (!isFinal(stored) && now.getTime() >= expiresAt.getTime()) return 'EXPIRED';
  return stored as SessionStatus;
}
