// JSON schemas of the sessions API: Fastify validates requests and serialises responses with them, and the
// OpenAPI document is generated from them. Field names, types and enums follow Signicat's API.
import { DELIVERABLE_ATTRIBUTES, PROVIDERS } from '../../domain/providers/registry.ts';
import { FLOWS, LOAS, MAX_SESSION_LIFETIME, SESSION_STATUSES } from '../../model/session.ts';

const providerList = PROVIDERS.map(
  (p) => `\`${p.id}\` (${p.flows.join(', ')}): ${p.description} Attributes: ${p.attributes.join(', ')}.`,
).join('\n- ');

const callbackUrl = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  description: "Absolute URL on one of the account's callback domains; https except on localhost.",
};

const callbackUrls = {
  type: 'object',
  additionalProperties: false,
  required: ['success', 'abort', 'error'],
  properties: { success: callbackUrl, abort: callbackUrl, error: callbackUrl },
} as const;

/** Signicat request fields eidgate knows but does not implement: refused with a clear reason, never ignored. */
export const UNSUPPORTED_REQUEST_FIELDS: Record<string, string> = {
  prefilledInput: 'is not supported by eidgate: ID-porten takes no prefilled input',
  additionalParameters: 'is not supported by eidgate yet',
  encryptionPublicKey: 'is not supported by eidgate yet (message-level encryption)',
  themeId: 'is not supported by eidgate yet (themes)',
  requestDomain: 'is not supported by eidgate: the pages are served on PUBLIC_URL',
  returnUrl: 'applies to the embedded flow, which eidgate does not support yet',
  embeddedParentDomains: 'applies to the embedded flow, which eidgate does not support yet',
};

export const sessionRequestSchema = {
  $id: 'SessionRequest',
  type: 'object',
  additionalProperties: false,
  required: ['flow', 'requestedAttributes', 'callbackUrls'],
  properties: {
    flow: {
      type: 'string',
      enum: [...FLOWS],
      description: 'Only redirect is supported; headless and embedded are refused.',
    },
    requestedAttributes: {
      type: 'array',
      minItems: 1,
      maxItems: DELIVERABLE_ATTRIBUTES.length,
      uniqueItems: true,
      items: { type: 'string', enum: [...DELIVERABLE_ATTRIBUTES] },
      description: "Which of the person's attributes `subject` returns; allowedProviders lists what each provider delivers.",
    },
    allowedProviders: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
      items: { type: 'string', maxLength: 30, enum: PROVIDERS.map((p) => p.id) },
      description: `The eIDs the person may choose from; absent means every one configured for the account. A provider the account has not configured is refused (400). Providers:\n- ${providerList}`,
    },
    callbackUrls,
    language: {
      type: 'string',
      pattern: '^[A-Za-z]{2}$',
      description: 'ISO 639-1. Pages exist in nb, nn and en (no means nb); others fall back to en.',
    },
    requestedLoa: { type: 'string', enum: [...LOAS] },
    externalReference: { type: 'string', maxLength: 255, description: 'Returned as the externalReference parameter on the callback URLs.' },
    usageReference: { type: 'string', maxLength: 255 },
    sessionLifetime: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_SESSION_LIFETIME,
      description: 'Seconds; default 1200; values under 300 are raised to 300.',
    },
    tags: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 100 } },
  },
} as const;

const nin = {
  type: 'object',
  properties: { value: { type: 'string' }, issuingCountry: { type: 'string' }, type: { type: 'string', enum: ['BIRTH', 'DNUMBER'] } },
} as const;

export const sessionResponseSchema = {
  $id: 'Session',
  type: 'object',
  required: ['id', 'accountId', 'authenticationUrl', 'status', 'flow', 'requestedAttributes', 'sessionLifetime', 'expiresAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    accountId: { type: 'string' },
    authenticationUrl: { type: 'string' },
    status: { type: 'string', enum: [...SESSION_STATUSES] },
    statusDetail: { type: 'string' },
    provider: { type: 'string' },
    subject: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        idpId: { type: 'string' },
        name: { type: 'string' },
        firstName: { type: 'string' },
        lastName: { type: 'string' },
        dateOfBirth: { type: 'string' },
        nin,
        idportenIdp: { type: 'string' },
        idportenLoa: { type: 'string' },
        idportenSub: { type: 'string' },
      },
    },
    loa: { type: 'string', enum: [...LOAS] },
    environment: { type: 'object', properties: { ipAddress: { type: 'string' }, userAgent: { type: 'string' } } },
    error: {
      type: 'object',
      properties: { type: { type: 'string' }, title: { type: 'string' }, detail: { type: 'string' }, code: { type: 'string' } },
    },
    callbackUrls: { type: 'object', properties: { success: { type: 'string' }, abort: { type: 'string' }, error: { type: 'string' } } },
    flow: { type: 'string' },
    requestedAttributes: { type: 'array', items: { type: 'string' } },
    allowedProviders: { type: 'array', items: { type: 'string' } },
    language: { type: 'string' },
    requestedLoa: { type: 'string' },
    externalReference: { type: 'string' },
    usageReference: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    sessionLifetime: { type: 'integer' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const apiErrorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['type', 'title', 'detail', 'code', 'status', 'traceId'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    detail: { type: 'string' },
    code: { type: 'string' },
    status: { type: 'integer' },
    traceId: { type: 'string' },
    invalidParams: {
      type: 'array',
      items: { type: 'object', required: ['name', 'reason'], properties: { name: { type: 'string' }, reason: { type: 'string' } } },
    },
  },
} as const;

// The routes' schemas (request, response, OpenAPI text) beside the shapes they use.
const security = [{ bearerAuth: [] }];
const accountQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    'signicat-accountId': { type: 'string', maxLength: 100, description: 'Optional; defaults to the account of the access token.' },
    'signicat-organizationId': { type: 'string', maxLength: 100, description: 'Accepted for SDK compatibility; not used.' },
  },
} as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;
const errorResponses = Object.fromEntries([400, 401, 403, 404, 409, 413, 415, 422].map((s) => [s, { $ref: 'Error#' }]));

export const createSessionSchema = {
  tags: ['Sessions'],
  summary: 'Create a new session',
  security,
  querystring: accountQuery,
  headers: {
    type: 'object',
    properties: {
      'idempotency-key': {
        type: 'string',
        minLength: 1,
        maxLength: 255,
        description: 'Same key and body: the same session comes back.',
      },
    },
  },
  body: { $ref: 'SessionRequest#' },
  response: { 200: { $ref: 'Session#' }, ...errorResponses },
} as const;

export const getSessionSchema = {
  tags: ['Sessions'],
  summary: 'Get session status',
  security,
  params: idParams,
  querystring: accountQuery,
  response: { 200: { $ref: 'Session#' }, ...errorResponses },
} as const;

export const cancelSessionSchema = {
  tags: ['Sessions'],
  summary: 'Cancel an authentication session',
  description: 'An unfinished session becomes CANCELLED; a finished one is refused with 409.',
  security,
  params: idParams,
  querystring: accountQuery,
  response: { 200: { $ref: 'Session#' }, ...errorResponses },
} as const;
