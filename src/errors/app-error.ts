// One internal error model. Domain code throws AppErrors; each edge (REST API, token endpoint, pages) maps
// them to its own wire format in its own error handler. An AppError has a public side (code, title,
// description, invalidParams: what the caller may read) and a private side (detail, cause: only logged).
// Anything that is not an AppError is a bug and leaves as a generic 500 whose details are only logged.
import { ERROR_CODES, type ErrorCode } from './codes.ts';

export interface InvalidParam {
  name: string;
  reason: string;
}

export interface ErrorExtras {
  /** Private: written to the log with the trace id, never sent. */
  detail?: string;
  /** Signicat's invalidParams: each bad field by its dotted name. */
  invalidParams?: InvalidParam[];
  cause?: unknown;
  /** Show the description even on a 5xx (it says nothing internal, e.g. "the store does not answer"). */
  expose?: boolean;
  /** Another status than the code's own (a framework's 4xx that has no code of its own, e.g. 429). */
  status?: number;
  /** Seconds the caller should wait before trying again: sent as Retry-After. */
  retryAfter?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  /** Public: the sentence the caller reads (Signicat's `detail`, OAuth's `error_description`). */
  readonly description: string;
  /** Private: what the log needs to explain this error (a failed check's reason, an upstream's answer). */
  readonly detail: string | undefined;
  readonly invalidParams: InvalidParam[] | undefined;
  /** Whether the description may be shown: client errors yes; a server error shows a generic sentence. */
  readonly expose: boolean;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, description: string, extras: ErrorExtras = {}) {
    super(description, extras.cause === undefined ? undefined : { cause: extras.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = extras.status ?? ERROR_CODES[code].status;
    this.title = ERROR_CODES[code].title;
    this.description = description;
    this.detail = extras.detail;
    this.invalidParams = extras.invalidParams;
    this.expose = extras.expose ?? this.status < 500;
    this.retryAfter = extras.retryAfter;
  }
}

const make =
  (code: ErrorCode) =>
  (description: string, extras?: ErrorExtras): AppError =>
    new AppError(code, description, extras);

/** Short factories for the codes domain code raises most. */
export const errors = {
  invalidRequestParameter: (invalidParams: InvalidParam[], description = 'Your request body parameters have failed validation.') =>
    new AppError('invalid_request_parameter', description, { invalidParams }),
  badRequest: make('bad_request'),
  invalidToken: make('invalid_token'),
  forbidden: make('forbidden'),
  notFound: make('not_found'),
  methodNotAllowed: make('method_not_allowed'),
  conflict: make('conflict'),
  idempotencyConflict: make('idempotency_key_reused'),
  payloadTooLarge: make('payload_too_large'),
  unsupportedMediaType: make('unsupported_media_type'),
  tooManyRequests: (description: string, retryAfter: number) => new AppError('too_many_requests', description, { retryAfter }),
  unavailable: (description: string, extras?: ErrorExtras) => new AppError('service_unavailable', description, { expose: true, ...extras }),
  internal: make('internal_error'),
  /** RFC 6749 errors of the token endpoint. */
  invalidClient: make('invalid_client'),
  invalidOAuthRequest: make('invalid_request'),
  unsupportedGrantType: make('unsupported_grant_type'),
  invalidScope: make('invalid_scope'),
};

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
