// The session lifecycle. This table is the only place that says which transitions exist; the store applies
// each one as a single conditional write.
import { isOpen, SESSION_STATUSES, type SessionStatus } from '../../model/session.ts';

const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  CREATED: ['WAITING_FOR_USER', 'SUCCESS', 'ABORT', 'ERROR', 'CANCELLED', 'EXPIRED'],
  WAITING_FOR_USER: ['SUCCESS', 'ABORT', 'ERROR', 'CANCELLED', 'EXPIRED'],
  SUCCESS: [],
  ABORT: [],
  ERROR: [],
  CANCELLED: [],
  EXPIRED: [],
};

/** The statuses from which `to` may be reached: the guard of the conditional write. */
export function sourcesOf(to: SessionStatus): SessionStatus[] {
  return SESSION_STATUSES.filter((from) => TRANSITIONS[from].includes(to));
}

/** What a reader sees: an open session past its expiry reads as EXPIRED before any job touches it. */
export function effectiveStatus(stored: SessionStatus, expiresAt: Date, now: Date): SessionStatus {
  if (isOpen(stored) && now.getTime() >= expiresAt.getTime()) return 'EXPIRED';
  return stored;
}
