// The session request's shape as a TypeBox schema: the one source of both the JSON Schema that validates
// it (the API adds the provider enum at its edge, src/http/api/schemas.ts) and the TypeScript type the
// domain and the store use (Static<>). Field names, types and enums are Signicat's. This is the strict
// form: the API's tolerant reader (src/http/api/read-request.ts) turns what real clients send (nulls,
// upper-case enums, unknown fields) into it before it is validated.
import { type Static, Type } from 'typebox';
import { ATTRIBUTES } from './attributes.ts';
import { FLOWS, LOAS, MAX_SESSION_LIFETIME } from './session-constants.ts';

/** A string enum whose static type is the union of its values (`enum`, which names the values in errors). */
export const stringEnum = <const T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

const callbackUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  description:
    "Absolute URL on one of the account's callback domains; https except on localhost. A fragment is kept; `sessionId` (and `externalReference`) are added to the query before it.",
});

export const CallbackUrlsShape = Type.Object(
  { success: callbackUrl, abort: callbackUrl, error: callbackUrl },
  { additionalProperties: false, description: 'Where the browser is sent when the session ends. Required for the redirect flow.' },
);

/** Signicat's PrefilledInput: hints for the identity provider, never proof of anything. */
export const PREFILLED_INPUT_FIELDS = [
  'nin',
  'mobile',
  'email',
  'userName',
  'dateOfBirth',
  'deviceId',
  'firstName',
  'lastName',
  'bankAccountNumber',
  'organisation',
] as const;
export type PrefilledField = (typeof PREFILLED_INPUT_FIELDS)[number];

const prefilledValue = Type.String({ minLength: 1, maxLength: 256 });
export const PrefilledInputShape = Type.Object(
  {
    nin: Type.Optional(
      Type.String({ pattern: '^[0-9]{11}$', description: 'Norwegian national identity number; checked with the mod-11 rules.' }),
    ),
    mobile: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ]{4,20}$', description: 'With country code, e.g. +4799716935.' })),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 256, pattern: '^[^@\\s]+@[^@\\s]+$' })),
    userName: Type.Optional(prefilledValue),
    dateOfBirth: Type.Optional(Type.String({ pattern: '^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{6})$', description: 'YYYY-MM-DD (or DDMMYY).' })),
    deviceId: Type.Optional(prefilledValue),
    firstName: Type.Optional(prefilledValue),
    lastName: Type.Optional(prefilledValue),
    bankAccountNumber: Type.Optional(Type.String({ pattern: '^[0-9 .]{4,34}$' })),
    organisation: Type.Optional(prefilledValue),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'Hints that pre-fill or skip a screen at the identity provider (at least one value). Never proof: the identity comes from the provider. Passed only to providers that take a hint (none of the current ones).',
  },
);
export type PrefilledInput = Static<typeof PrefilledInputShape>;

/** A parent allowed to frame an embedded session: a host name (optionally `*.` and a port) or an origin. */
export const PARENT_DOMAIN_PATTERN =
  '^(https?://)?(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:[0-9]{1,5})?$';

/**
 * Signicat's encryptionPublicKey: a public JWK the answers are encrypted to. The schema checks the shape; the
 * domain (src/domain/sessions/client-encryption.ts) checks the key itself (type, size, curve, no private part).
 */
const jwkMember = (maxLength: number) => Type.Optional(Type.String({ minLength: 1, maxLength }));
export const EncryptionPublicKeyShape = Type.Object(
  {
    kty: Type.String({ minLength: 1, maxLength: 10, description: 'RSA or EC (any case).' }),
    use: Type.Optional(Type.String({ maxLength: 10, description: 'Must be enc.' })),
    alg: Type.Optional(Type.String({ maxLength: 20, description: 'RSA-OAEP for RSA, ECDH-ES for EC (the default when absent).' })),
    kid: Type.Optional(Type.String({ maxLength: 200, description: 'Copied into the kid header of every JWE.' })),
    n: jwkMember(1400),
    e: jwkMember(16),
    crv: jwkMember(10),
    x: jwkMember(100),
    y: jwkMember(100),
  },
  {
    additionalProperties: true,
    maxProperties: 20,
    description:
      'A public JWK (RSA 2048 or 4096 bits with alg RSA-OAEP, or EC P-256, P-384 or P-521 with alg ECDH-ES; use enc; no private members). When set, the answers of create, GET and cancel for this session are compact JWEs (application/jose, enc A256GCM), and the finished result is stored encrypted to this key only.',
  },
);
export type EncryptionPublicKey = Static<typeof EncryptionPublicKeyShape>;

export const sessionRequestProperties = {
  flow: stringEnum(FLOWS, {
    description: 'redirect or embedded (headless is refused until a decoupled eID exists). Case-insensitive; answered in lower case.',
  }),
  requestedAttributes: Type.Optional(
    Type.Array(stringEnum(ATTRIBUTES), {
      maxItems: ATTRIBUTES.length,
      uniqueItems: true,
      description:
        "Which of the person's attributes `subject` returns. Absent or [] means the default: nin, idpId, name, firstName, lastName, dateOfBirth.",
    }),
  ),
  allowedProviders: Type.Optional(Type.Array(Type.String({ maxLength: 30 }), { minItems: 1, maxItems: 10, uniqueItems: true })),
  callbackUrls: Type.Optional(CallbackUrlsShape),
  language: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,3}$',
      description:
        'A language tag (ISO 639-1, optionally with a region: en-GB). The pages speak nb, nn and en: nb, no, nn and se map to ours (no and se to nb), everything else to en.',
    }),
  ),
  requestedLoa: Type.Optional(stringEnum(LOAS, { description: 'The lowest level of assurance accepted. Case-insensitive.' })),
  prefilledInput: Type.Optional(PrefilledInputShape),
  additionalParameters: Type.Optional(
    Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 1024 }), {
      maxProperties: 20,
      description:
        'Provider parameters (string to string). Keys of a provider that defines parameters are checked against them; providers that define none (ID-porten, Ansattporten) ignore them.',
    }),
  ),
  externalReference: Type.Optional(
    Type.String({ maxLength: 255, description: 'Returned as the externalReference parameter on the callback URLs.' }),
  ),
  usageReference: Type.Optional(Type.String({ maxLength: 255, description: 'Stored and returned; carried by events.' })),
  sessionLifetime: Type.Optional(
    Type.Integer({ minimum: 0, maximum: MAX_SESSION_LIFETIME, description: 'Seconds; default 1200; values under 300 are raised to 300.' }),
  ),
  tags: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100, description: 'Stored and returned; carried by events.' }),
  ),
  themeId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        "One of the account's themes (`eidgate themes set`); an unknown one is refused (400). Without it, the account's default theme.",
    }),
  ),
  requestDomain: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 253,
      description:
        "The host the person sees: one of the account's request domains (eidgate accounts add-request-domain). authenticationUrl is then on that host.",
    }),
  ),
  returnUrl: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2048,
      description:
        "Embedded flow: where the frame goes when the session ends (with sessionId and sessionNonce). On one of the account's callback domains. Without it the frame shows the result.",
    }),
  ),
  encryptionPublicKey: Type.Optional(EncryptionPublicKeyShape),
  embeddedParentDomains: Type.Optional(
    Type.Array(Type.String({ maxLength: 260, pattern: PARENT_DOMAIN_PATTERN }), {
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
      description:
        "Embedded flow (required there): the pages that may frame the login, as host names (example.com, *.example.com, example.com:8443) or origins; they become the pages' Content-Security-Policy frame-ancestors.",
    }),
  ),
};

export const SessionRequestShape = Type.Object(sessionRequestProperties, { additionalProperties: false });

/** A session request as the API accepts it (validated by its schema) and as the store keeps it. */
export type SessionRequest = Static<typeof SessionRequestShape>;
export type CallbackUrls = Static<typeof CallbackUrlsShape>;

/** The request as a session keeps it: the defaults filled in (requestedAttributes, sessionLifetime). */
export type StoredSessionRequest = SessionRequest & Required<Pick<SessionRequest, 'requestedAttributes' | 'sessionLifetime'>>;
