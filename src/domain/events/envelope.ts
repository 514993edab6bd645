// Events in Signicat's envelope (developer.signicat.com/docs/events): nine fields, `eventData` per event type.
// The session events carry what a backend needs to decide to fetch the session, never who the person is.
import { randomUUID } from 'node:crypto';
import type { SessionStatus } from '../../model/session.ts';
import type { SessionRecord } from '../../store/index.ts';

export const EVENT_SENDER = 'authentication-api';

/**
 * The session events. `session.success` and `session.abort` are the names Signicat's event catalogue lists for
 * authentication; `.error`, `.cancelled`, `.expired` and `.created` are eidgate's, named the same way.
 */
export const SESSION_EVENT_NAMES = {
  CREATED: `${EVENT_SENDER}:session.created`,
  SUCCESS: `${EVENT_SENDER}:session.success`,
  ABORT: `${EVENT_SENDER}:session.abort`,
  ERROR: `${EVENT_SENDER}:session.error`,
  CANCELLED: `${EVENT_SENDER}:session.cancelled`,
  EXPIRED: `${EVENT_SENDER}:session.expired`,
} as const satisfies Partial<Record<SessionStatus, string>>;

/** Sent once to a new subscription only, so its receiver can be checked (not a session event). */
export const PING_EVENT_NAME = `${EVENT_SENDER}:ping`;

export const EVENT_NAMES: readonly string[] = [...Object.values(SESSION_EVENT_NAMES), PING_EVENT_NAME];

export type SessionEventStatus = keyof typeof SESSION_EVENT_NAMES;
export const hasSessionEvent = (s: SessionStatus): s is SessionEventStatus => s in SESSION_EVENT_NAMES;

export interface SessionEventData {
  sessionId: string;
  status: SessionEventStatus;
  provider: string | null;
  externalReference: string | null;
  usageReference: string | null;
  /** session.error.code when status is ERROR. */
  errorCode: string | null;
}

export interface EventEnvelope {
  id: string;
  timestamp: string;
  sender: string;
  eventName: string;
  eventData: Record<string, unknown>;
  accountId: string;
  organizationId: string | null;
  expiresAt: string;
  tags: string[];
}

/** Signicat's event ids are 32 hex digits. */
export const newEventId = (): string => randomUUID().replace(/-/g, '');

function envelope(accountId: string, eventName: string, eventData: Record<string, unknown>, tags: string[], now: Date, ttlSeconds: number) {
  return {
    id: newEventId(),
    timestamp: now.toISOString(),
    sender: EVENT_SENDER,
    eventName,
    eventData,
    accountId,
    organizationId: null,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    tags,
  } satisfies EventEnvelope;
}

/** The event for a session that has just reached `session.status` (which must have an event). */
export function sessionEvent(session: SessionRecord, now: Date, ttlSeconds: number): EventEnvelope {
  const status = session.status;
  if (!hasSessionEvent(status)) throw new Error(`no event for status ${status}`);
  const data: SessionEventData = {
    sessionId: session.id,
    status,
    provider: session.provider,
    externalReference: session.request.externalReference ?? null,
    usageReference: session.request.usageReference ?? null,
    errorCode: session.error?.code ?? null,
  };
  return envelope(session.accountId, SESSION_EVENT_NAMES[status], { ...data }, session.request.tags ?? [], now, ttlSeconds);
}

export function pingEvent(accountId: string, subscriptionId: string, now: Date, ttlSeconds: number): EventEnvelope {
  return envelope(accountId, PING_EVENT_NAME, { subscriptionId }, [], now, ttlSeconds);
}
