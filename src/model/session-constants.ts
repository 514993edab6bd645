// Session statuses, flows, levels of assurance and lifetimes: Signicat's values. Pure constants.

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

/** The tag an OpenID Provider login puts on its session: which OIDC client it is for (whose branding the pages show). */
export const OIDC_CLIENT_TAG_PREFIX = 'oidc-client:';
