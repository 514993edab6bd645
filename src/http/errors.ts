// The edge where the internal error model meets the wire. Each API style installs its own handler in its
// own encapsulated plugin (Fastify scopes error handlers per plugin): Signicat's error object on the REST
// API, RFC 6749 on the token endpoint, a human page on the hosted pages. Every handler logs the private
// side (detail, cause) with the trace id and sends only the public side.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errors, type InvalidParam, OAUTH_ERROR_CODES } from '../errors/index.ts';
import { StoreUnavailable } from '../store/outage.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reasons for body fields the schema refuses as unknown, by dotted name. */
    fieldReasons?: Record<string, string>;
  }
}

export interface ApiErrorBody {
  type: string;
  title: string;
  detail: string;
  code: string;
  status: number;
  traceId: string;
  invalidParams?: InvalidParam[];
}

const GENERIC_SERVER_ERROR = 'Something went wrong on our side. Quote the traceId when you report it.';

export const errorTypeUri = (code: string): string => `urn:eidgate:error:${code}`;

/** Turns anything thrown during a request into an AppError, naming each bad field for schema failures. */
export function toAppError(err: unknown, fieldReasons: Record<string, string> = {}): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof StoreUnavailable) {
    return errors.unavailable('The service cannot reach its database right now. Try again shortly.', { cause: err });
  }
  const e = err as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(e.validation)) {
    return errors.invalidRequestParameter(invalidParamsOf(e.validation, e.validationContext ?? 'body', fieldReasons));
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge('The request body is larger than this endpoint accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType('Send the body as application/json (or form-encoded where the endpoint says so).');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.invalidRequestParameter(
        [{ name: 'body', reason: 'The body is empty; a JSON object is expected.' }],
        'The request body is empty.',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidJson();
  }
  if (err instanceof SyntaxError) return invalidJson();
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 404) return errors.notFound(e.message ?? 'Not found', { cause: err });
  if (status === 405) return errors.methodNotAllowed(e.message ?? 'Method not allowed', { cause: err });
  if (status >= 400 && status < 500) return errors.badRequest(e.message ?? 'Bad request', { cause: err, status });
  return errors.internal(GENERIC_SERVER_ERROR, { cause: err });
}

const invalidJson = () =>
  errors.invalidRequestParameter([{ name: 'body', reason: 'The body is not valid JSON.' }], 'The request body is not valid JSON.');

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Ajv issues → Signicat's invalidParams, one per field, with dotted names (`callbackUrls.success`). */
export function invalidParamsOf(issues: ValidationIssue[], context: string, fieldReasons: Record<string, string> = {}): InvalidParam[] {
  const byName = new Map<string, string>();
  for (const i of issues) {
    const path = i.instancePath
      .split('/')
      .filter(Boolean)
      .map((p) => (/^\d+$/.test(p) ? `[${p}]` : p));
    let name = path.join('.').replace(/\.\[/g, '[');
    let reason = i.message ?? i.keyword;
    if (i.keyword === 'required') {
      const missing = String(i.params.missingProperty);
      name = name ? `${name}.${missing}` : missing;
      reason = 'is required';
    } else if (i.keyword === 'additionalProperties') {
      const extra = String(i.params.additionalProperty);
      name = name ? `${name}.${extra}` : extra;
      reason = fieldReasons[name] ?? 'is not a known field';
    } else if (i.keyword === 'minProperties') {
      reason = 'needs at least one value';
    } else if (i.keyword === 'enum') {
      reason = `must be one of: ${(i.params.allowedValues as unknown[]).join(', ')}`;
    }
    if (!name) name = context;
    if (!byName.has(name)) byName.set(name, reason);
  }
  return [...byName].map(([name, reason]) => ({ name, reason }));
}

/** The public description, or a generic sentence for errors that must not show theirs. */
const publicDescription = (err: AppError): string => (err.expose ? err.description : GENERIC_SERVER_ERROR);

export function apiErrorBody(err: AppError, traceId: string): ApiErrorBody {
  return {
    type: errorTypeUri(err.code),
    title: err.title,
    detail: publicDescription(err),
    code: err.code,
    status: err.status,
    traceId,
    ...(err.invalidParams ? { invalidParams: err.invalidParams } : {}),
  };
}

/** RFC 6749 §5.2. Validation and body problems on the token endpoint are invalid_request. */
export function oauthErrorBody(err: AppError): { error: string; error_description: string } {
  if (OAUTH_ERROR_CODES.includes(err.code)) return { error: err.code, error_description: err.description };
  if (err.status >= 500) return { error: 'server_error', error_description: publicDescription(err) };
  const fields = err.invalidParams?.map((p) => `${p.name} ${p.reason}`).join('; ');
  return { error: 'invalid_request', error_description: fields ? `Invalid request: ${fields}` : err.description };
}

/** Logs the private side once: a server error with its cause and stack, a client error as one info line. */
export function logError(err: AppError, request: FastifyRequest): void {
  if (err.code === 'service_unavailable') {
    // An outage fails every request alike: one line each, without a stack.
    const cause = err.cause instanceof Error ? (err.cause.cause ?? err.cause) : undefined;
    request.log.warn({ code: err.code, cause: cause instanceof Error ? cause.message : undefined }, err.description);
  } else if (err.status >= 500) request.log.error({ err: err.cause ?? err, code: err.code, detail: err.detail }, 'request failed');
  else request.log.info({ code: err.code, status: err.status, detail: err.detail }, err.description);
}

type Send = (err: AppError, request: FastifyRequest, reply: FastifyReply) => FastifyReply;

/** Installs one API style's error and not-found handling on an encapsulated plugin. */
function install(app: FastifyInstance, send: Send, notFound: boolean): void {
  app.setErrorHandler((raw, request, reply) => {
    const err = toAppError(raw, request.routeOptions.config?.fieldReasons);
    logError(err, request);
    return send(err, request, reply);
  });
  if (notFound) {
    app.setNotFoundHandler((request, reply) => {
      const err = errors.notFound(`No route ${request.method} ${request.url.split('?')[0]}.`);
      logError(err, request);
      return send(err, request, reply);
    });
  }
}

/** A 429 or 503 says when to come back (RFC 9110 §10.2.3). */
function retryAfter(err: AppError, reply: FastifyReply): void {
  const seconds = err.retryAfter ?? (err.status === 503 ? 5 : undefined);
  if (seconds !== undefined) reply.header('retry-after', String(seconds));
}

export const sendApiError: Send = (err, request, reply) => {
  reply.status(err.status);
  retryAfter(err, reply);
  if (err.code === 'invalid_token') reply.header('www-authenticate', 'Bearer error="invalid_token"');
  return reply.type('application/json; charset=utf-8').send(apiErrorBody(err, request.id));
};

/** Signicat's error object; with `notFound` also for unknown routes under the plugin's prefix. */
export const useApiErrors = (app: FastifyInstance, opts: { notFound?: boolean } = {}) => install(app, sendApiError, opts.notFound ?? false);

export const useOAuthErrors = (app: FastifyInstance) =>
  install(
    app,
    (err, _request, reply) => {
      reply.status(err.status);
      if (err.status === 401) reply.header('www-authenticate', 'Basic realm="eidgate"');
      retryAfter(err, reply);
      return reply.header('cache-control', 'no-store').send(oauthErrorBody(err));
    },
    false,
  );

export const usePageErrors = (app: FastifyInstance, render: (err: AppError, request: FastifyRequest) => string, csp: string) =>
  install(
    app,
    (err, request, reply) =>
      reply
        .status(err.status)
        .type('text/html; charset=utf-8')
        .header('content-security-policy', csp)
        .header('cache-control', 'no-store')
        .send(render(err, request)),
    false,
  );
