// One internal error model. Domain code throws these; each edge (REST API, token endpoint, pages) maps
// them to its own wire dialect. Anything that is not an AppError is a bug and leaves as a generic 500.

export interface InvalidParam {
  name: string;
  reason: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly invalidParams: InvalidParam[] | undefined;
  /** RFC 6749 error code when this error reaches the token endpoint. */
  readonly oauthError: string | undefined;

  constructor(opts: {
    status: number;
    code: string;
    title: string;
    detail: string;
    invalidParams?: InvalidParam[];
    oauthError?: string;
  }) {
    super(opts.detail);
    this.name = 'AppError';
    this.status = opts.status;
    this.code = opts.code;
    this.title = opts.title;
    this.invalidParams = opts.invalidParams;
    this.oauthError = opts.oauthError;
  }

  get detail(): string {
    return this.message;
  }
}

const make =
  (status: number, code: string, title: string) =>
  (detail: string): AppError =>
    new AppError({ status, code, title, detail });

export const errors = {
  invalidRequestParameter: (invalidParams: InvalidParam[], detail = 'Your request body parameters have failed validation.') =>
    new AppError({ status: 400, code: 'invalid_request_parameter', title: 'Invalid request parameter', detail, invalidParams }),
  badRequest: make(400, 'bad_request', 'Bad request'),
  invalidToken: make(401, 'invalid_token', 'Invalid authentication token.'),
  forbidden: make(403, 'forbidden', 'Forbidden'),
  notFound: make(404, 'not_found', 'Not found'),
  methodNotAllowed: make(405, 'method_not_allowed', 'Method not allowed'),
  conflict: make(409, 'conflict', 'Conflict'),
  idempotencyConflict: make(422, 'idempotency_key_reused', 'Idempotency key reused'),
  payloadTooLarge: make(413, 'payload_too_large', 'Payload too large'),
  unsupportedMediaType: make(415, 'unsupported_media_type', 'Unsupported media type'),
  notImplemented: make(400, 'not_supported', 'Not supported'),
  unavailable: make(503, 'service_unavailable', 'Service unavailable'),
  internal: make(500, 'internal_error', 'Internal server error'),
  oauth: (status: number, oauthError: string, detail: string) =>
    new AppError({ status, code: oauthError, title: oauthError, detail, oauthError }),
};

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
