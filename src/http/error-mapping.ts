// The edge where the internal error model meets the wire: Signicat's error object on the REST API,
// RFC 6749 on the token endpoint, HTML on pages. Unknown errors become a generic 500 without details.
import type { FastifyError } from 'fastify';
import { AppError, errors, type InvalidParam } from '../errors.ts';

export type ErrorDialect = 'api' | 'oauth' | 'page';

export interface ApiErrorBody {
  type: string;
  title: string;
  detail: string;
  code: string;
  status: number;
  traceId: string;
  invalidParams?: InvalidParam[];
}

export const errorTypeUri = (code: string): string => `urn:eidgate:error:${code}`;

/** Turns anything thrown during a request into an AppError, naming each bad field for schema failures. */
export function toAppError(err: unknown, fieldReasons: Record<string, string> = {}): AppError {
  if (err instanceof AppError) return err;
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
      return errors.invalidRequestParameter(
        [{ name: 'body', reason: 'The body is not valid JSON.' }],
        'The request body is not valid JSON.',
      );
  }
  if (err instanceof SyntaxError) {
    return errors.invalidRequestParameter([{ name: 'body', reason: 'The body is not valid JSON.' }], 'The request body is not valid JSON.');
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500)
    return new AppError({ status, code: 'bad_request', title: 'Bad request', detail: e.message ?? 'Bad request' });
  return errors.internal('Something went wrong on our side. Quote the traceId when you report it.');
}

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
    } else if (i.keyword === 'enum') {
      reason = `must be one of: ${(i.params.allowedValues as unknown[]).join(', ')}`;
    }
    if (!name) name = context;
    if (!byName.has(name)) byName.set(name, reason);
  }
  return [...byName].map(([name, reason]) => ({ name, reason }));
}

export function apiErrorBody(err: AppError, traceId: string): ApiErrorBody {
  return {
    type: errorTypeUri(err.code),
    title: err.title,
    detail: err.detail,
    code: err.code,
    status: err.status,
    traceId,
    ...(err.invalidParams ? { invalidParams: err.invalidParams } : {}),
  };
}

/** RFC 6749 §5.2. Validation and body problems on the token endpoint are invalid_request. */
export function oauthErrorBody(err: AppError): { error: string; error_description: string } {
  if (err.oauthError) return { error: err.oauthError, error_description: err.detail };
  if (err.status >= 500) return { error: 'server_error', error_description: err.detail };
  const fields = err.invalidParams?.map((p) => `${p.name} ${p.reason}`).join('; ');
  return { error: 'invalid_request', error_description: fields ? `Invalid request: ${fields}` : err.detail };
}
