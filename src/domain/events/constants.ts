// Defaults of the event outbox and webhook delivery, shared by the config and the domain.

/** An event's expiresAt: deliveries are retried until then (one day). */
export const DEFAULT_EVENT_TTL_SECONDS = 86400;
