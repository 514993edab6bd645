// The tolerant reader: what Signicat's own SDKs and other real clients send, turned into the strict request
// the schema validates. Signicat's live API accepts all of it, so a client written against it must not be
// refused here (../shared/reference/signicat-integration-surface.md part A):
//  - null means absent, at every level;
//  - enum values in any case (`"flow": "REDIRECT"`), provider ids and attribute names too;
//  - `prefilledInput.username` as the .NET SDK spells it;
//  - fields Signicat has and eidgate does not know: dropped, their names returned so the caller can log them;
//  - `encryptionPublicKey` with null members (`"d": null`, as Signicat's SDKs send it): the nulls dropped.
import { ATTRIBUTES } from '../../model/attributes.ts';
import { FLOWS, LOAS } from '../../model/session.ts';
import { PREFILLED_INPUT_FIELDS, sessionRequestProperties } from '../../model/session-request.ts';

const KNOWN_FIELDS = new Set(Object.keys(sessionRequestProperties));
const CALLBACK_KINDS = new Set(['success', 'abort', 'error']);

/** Canonical spellings by lower-case key: what a case-insensitive comparison resolves to. */
const byLowerCase = (values: readonly string[]) => new Map(values.map((v) => [v.toLowerCase(), v]));
const FLOW_NAMES = byLowerCase(FLOWS);
const LOA_NAMES = byLowerCase(LOAS);
const ATTRIBUTE_NAMES = byLowerCase(ATTRIBUTES);
const PREFILL_NAMES = byLowerCase(PREFILLED_INPUT_FIELDS);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value's canonical spelling, or the value as sent (the schema then names it as not allowed). */
const canonical = (names: Map<string, string>, v: unknown): unknown => (typeof v === 'string' ? (names.get(v.toLowerCase()) ?? v) : v);

/** The object without its null members; anything else unchanged. */
function withoutNulls(v: unknown): unknown {
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null));
}

/**
 * Reads a create-session body the way Signicat does. Returns the strict body and the names of the fields it
 * ignored (dotted: `prefilledInput.mitidAppType`). A body that is not an object is returned as is, for the
 * schema to refuse.
 */
export function readSessionRequest(body: unknown): { body: unknown; ignored: string[] } {
  if (!isObject(body)) return { body, ignored: [] };
  const ignored: string[] = [];
  const out: Json = {};
  for (const [name, value] of Object.entries(body)) {
    if (value === null) continue;
    if (!KNOWN_FIELDS.has(name)) {
      ignored.push(name);
      continue;
    }
    out[name] = value;
  }
  if (typeof out.flow === 'string') out.flow = canonical(FLOW_NAMES, out.flow);
  if (typeof out.requestedLoa === 'string') out.requestedLoa = canonical(LOA_NAMES, out.requestedLoa);
  if (Array.isArray(out.requestedAttributes)) {
    out.requestedAttributes = out.requestedAttributes.map((a) => canonical(ATTRIBUTE_NAMES, a));
  }
  if (Array.isArray(out.allowedProviders)) {
    out.allowedProviders = out.allowedProviders.map((p) => (typeof p === 'string' ? p.toLowerCase() : p));
  }
  if (isObject(out.callbackUrls)) {
    const urls = withoutNulls(out.callbackUrls) as Json;
    for (const kind of Object.keys(urls)) {
      if (!CALLBACK_KINDS.has(kind)) {
        ignored.push(`callbackUrls.${kind}`);
        delete urls[kind];
      }
    }
    out.callbackUrls = urls;
  }
  if (isObject(out.prefilledInput)) {
    const prefilled: Json = {};
    for (const [key, value] of Object.entries(out.prefilledInput)) {
      const field = PREFILL_NAMES.get(key.toLowerCase());
      if (value === null) continue;
      if (field) prefilled[field] = value;
      else ignored.push(`prefilledInput.${key}`);
    }
    out.prefilledInput = prefilled;
  }
  if (isObject(out.additionalParameters)) out.additionalParameters = withoutNulls(out.additionalParameters);
  if (isObject(out.encryptionPublicKey)) out.encryptionPublicKey = withoutNulls(out.encryptionPublicKey);
  return { body: out, ignored };
}
