// The session request's shape as a TypeBox schema: the one source of both the JSON Schema that validates
// it (the API adds the provider enum at its edge, src/http/api/schemas.ts) and the TypeScript type the
// domain and the store use (Static<>). Field names, types and enums are Signicat's.
import { type Static, Type } from 'typebox';
import { ATTRIBUTES } from './attributes.ts';
import { FLOWS, LOAS, MAX_SESSION_LIFETIME } from './session-constants.ts';

/** A string enum whose static type is the union of its values (`enum`, which names the values in errors). */
export const stringEnum = <const T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

const callbackUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: "Absolute URL on one of the account's callback domains; https except on localhost.",
});

export const CallbackUrlsShape = Type.Object(
  { success: callbackUrl, abort: callbackUrl, error: callbackUrl },
  { additionalProperties: false },
);

export const sessionRequestProperties = {
  flow: stringEnum(FLOWS, { description: 'Only redirect is supported; headless and embedded are refused.' }),
  requestedAttributes: Type.Array(stringEnum(ATTRIBUTES), {
    minItems: 1,
    maxItems: ATTRIBUTES.length,
    uniqueItems: true,
    description: "Which of the person's attributes `subject` returns; allowedProviders lists what each provider delivers.",
  }),
  allowedProviders: Type.Optional(Type.Array(Type.String({ maxLength: 30 }), { minItems: 1, maxItems: 10, uniqueItems: true })),
  callbackUrls: CallbackUrlsShape,
  language: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z]{2}$',
      description: 'ISO 639-1. Pages exist in nb, nn and en (no means nb); others fall back to en.',
    }),
  ),
  requestedLoa: Type.Optional(stringEnum(LOAS)),
  externalReference: Type.Optional(
    Type.String({ maxLength: 255, description: 'Returned as the externalReference parameter on the callback URLs.' }),
  ),
  usageReference: Type.Optional(Type.String({ maxLength: 255 })),
  sessionLifetime: Type.Optional(
    Type.Integer({ minimum: 0, maximum: MAX_SESSION_LIFETIME, description: 'Seconds; default 1200; values under 300 are raised to 300.' }),
  ),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 })),
};

export const SessionRequestShape = Type.Object(sessionRequestProperties, { additionalProperties: false });

/** A session request as the API accepts it (validated by its schema) and as the store keeps it. */
export type SessionRequest = Static<typeof SessionRequestShape>;
export type CallbackUrls = Static<typeof CallbackUrlsShape>;
