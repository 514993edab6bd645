// Every error code eidgate answers with, once: its HTTP status and public title. docs/errors.md documents
// each one (a test fails when one is missing). OAuth codes are RFC 6749's and reach the token endpoint as
// `error`; the others are Signicat's error object's `code` (urn:eidgate:error:<code> as its `type`).

export const ERROR_CODES = {
  invalid_request_parameter: { status: 400, title: 'Invalid request parameter' },
  bad_request: { status: 400, title: 'Bad request' },
  invalid_token: { status: 401, title: 'Invalid authentication token.' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused' },
  too_many_requests: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal server error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  // RFC 6749 §5.2, on the token endpoint.
  invalid_request: { status: 400, title: 'Invalid token request' },
  invalid_client: { status: 401, title: 'Client authentication failed' },
  unsupported_grant_type: { status: 400, title: 'Unsupported grant type' },
  invalid_scope: { status: 400, title: 'Invalid scope' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes that are RFC 6749 `error` values. */
export const OAUTH_ERROR_CODES: readonly ErrorCode[] = ['invalid_request', 'invalid_client', 'unsupported_grant_type', 'invalid_scope'];
