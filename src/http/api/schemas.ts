// The sessions API's schemas, in TypeBox: Fastify validates requests and serialises responses with them,
// the OpenAPI document is generated from them, and the TypeScript types are derived from them (Static<>),
// so a field is declared once. Field names, types and enums follow Signicat's API.
import { type Static, Type } from 'typebox';
import { GENERIC_ID_PATTERN } from '../../domain/providers/generic/profile.ts';
import { DELIVERABLE_ATTRIBUTES, PROVIDERS } from '../../domain/providers/registry.ts';
import { LOAS, SESSION_STATUSES } from '../../model/session.ts';
import { sessionRequestProperties, stringEnum } from '../../model/session-request.ts';

const providerList = PROVIDERS.map(
  (p) => `\`${p.id}\` (${p.flows.join(', ')}): ${p.description} Attributes: ${p.attributes.join(', ')}.`,
).join('\n- ');

const subjectList = PROVIDERS.map((p) => `\`${p.id}\`: ${p.attributes.join(', ')}`).join('\n- ');

/** The request as the API validates it: the model's shape, with the registry's providers and attributes as enums. */
export const sessionRequestSchema = Type.Object(
  {
    ...sessionRequestProperties,
    requestedAttributes: Type.Optional(
      Type.Array(stringEnum(DELIVERABLE_ATTRIBUTES), {
        maxItems: DELIVERABLE_ATTRIBUTES.length,
        uniqueItems: true,
        description:
          "Which of the person's attributes `subject` returns (case-insensitive); allowedProviders lists what each provider delivers. Absent or [] means the default: nin, idpId, name, firstName, lastName, dateOfBirth.",
      }),
    ),
    allowedProviders: Type.Optional(
      Type.Array(Type.String({ maxLength: 30, pattern: GENERIC_ID_PATTERN }), {
        minItems: 1,
        maxItems: 10,
        uniqueItems: true,
        description: `The eIDs the person may choose from (case-insensitive); absent means every one configured for the account. A provider the account has not configured, or an id that is neither built in nor one of the account's own OpenID Connect providers, is refused (400, naming allowedProviders). Built-in providers:\n- ${providerList}\n- any other id: an OpenID Connect eID the operator registered for this account (\`eidgate providers add-oidc\`); it delivers the attributes its claim mapping names (of nin, idpId, name, firstName, lastName, dateOfBirth).`,
      }),
    ),
  },
  {
    $id: 'SessionRequest',
    additionalProperties: false,
    description:
      "Signicat's SessionRequest. Read tolerantly, as Signicat does: null means absent, enum values compare case-insensitively, and fields eidgate does not know are ignored. With encryptionPublicKey, the 200 answers of create, GET and cancel are compact JWEs (application/jose) to that key; error answers stay plain JSON.",
  },
);

// Nested objects name no required members, as before: a member that is absent is left out of the answer,
// never a serialiser error.
const optionalString = Type.Optional(Type.String());

/** Signicat's session object. Serialisation goes through this schema, so no field outside it can leak. */
export const sessionResponseSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    accountId: Type.String(),
    authenticationUrl: Type.String(),
    status: stringEnum(SESSION_STATUSES),
    statusDetail: optionalString,
    provider: optionalString,
    subject: Type.Optional(
      Type.Object(
        {
          id: optionalString,
          idpId: optionalString,
          name: optionalString,
          firstName: optionalString,
          lastName: optionalString,
          dateOfBirth: optionalString,
          nin: Type.Optional(
            Type.Object({
              value: optionalString,
              issuingCountry: optionalString,
              type: Type.Optional(stringEnum(['BIRTH', 'DNUMBER', 'PERSON'] as const)),
            }),
          ),
          idportenIdp: optionalString,
          idportenLoa: optionalString,
          idportenSub: optionalString,
          nbidIdp: Type.Optional(Type.String({ description: 'nbid: BID, BIM or BIS.' })),
          nbidAuthTime: Type.Optional(Type.String({ description: 'nbid: authentication time, seconds since the epoch.' })),
          nbidSid: optionalString,
          nbidTid: optionalString,
          nbidAlternativeSubject: Type.Optional(Type.String({ description: "nbid: BankID's personal identifier (bankid_altsub)." })),
          nbidOriginator: optionalString,
          nbidAdditionalCertInfo: Type.Optional(
            Type.String({ description: 'nbid: the certificate details, a JSON document as a string.' }),
          ),
          nbidUpdatedAt: optionalString,
          sbidDeviceIp: Type.Optional(Type.String({ description: "sbid: the IP address BankID saw the person's device at." })),
          sbidXmlSignature: Type.Optional(Type.String({ description: 'sbid: the signature XML of the order, Base64 (evidence).' })),
          sbidOcspResponse: Type.Optional(
            Type.String({ description: "sbid: the OCSP response on the person's certificate, Base64 (evidence)." }),
          ),
        },
        {
          description: `The person, with only the requested attributes (and \`id\`, a pseudonym stable per account, provider and person). Provider-specific attributes are flat members. Per provider:\n- ${subjectList}`,
        },
      ),
    ),
    loa: Type.Optional(stringEnum(LOAS)),
    environment: Type.Optional(Type.Object({ ipAddress: optionalString, userAgent: optionalString })),
    error: Type.Optional(Type.Object({ type: optionalString, title: optionalString, detail: optionalString, code: optionalString })),
    callbackUrls: Type.Optional(Type.Object({ success: optionalString, abort: optionalString, error: optionalString })),
    flow: Type.String(),
    requestedAttributes: Type.Array(Type.String()),
    allowedProviders: Type.Optional(Type.Array(Type.String())),
    language: optionalString,
    requestedLoa: optionalString,
    externalReference: optionalString,
    usageReference: optionalString,
    tags: Type.Optional(Type.Array(Type.String())),
    themeId: optionalString,
    requestDomain: optionalString,
    sessionNonce: Type.Optional(Type.String({ description: 'GET only: the nonce the embedded flow adds to returnUrl.' })),
    transactionId: Type.Optional(Type.String({ description: 'GET only: the transaction id of the session at eidgate.' })),
    statusUrl: Type.Optional(
      Type.String({ description: "Headless: the URL that gives the session's status (this API's GET); poll it every few seconds." }),
    ),
    idpData: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description:
          "Headless, while the session is open: what the service's own UI needs to start the eID. Swedish BankID: `autoStartToken` (open the app on this device: `https://app.bankid.com/?autostarttoken=…&redirect=…`) and `qrData`, the animated QR code's content now (`bankid.<qrStartToken>.<seconds>.<code>`): read the session again every second and draw the new code. The QR secret never leaves eidgate.",
      }),
    ),
    sessionLifetime: Type.Integer(),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Session' },
);

/** The session object as the presenter builds it: the response schema's own type. */
export type SessionView = Static<typeof sessionResponseSchema>;

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
// Unknown query parameters are ignored, as Signicat ignores them (no additionalProperties: false).
const accountQuery = {
  type: 'object',
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
  querystring: {
    ...accountQuery,
    properties: {
      ...accountQuery.properties,
      sessionNonce: {
        type: 'string',
        maxLength: 100,
        description: "Embedded flow: the sessionNonce the frame brought to returnUrl. When given it must be the session's (400 otherwise).",
      },
    },
  },
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
