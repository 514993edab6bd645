// An operator's own OpenID Connect eID ("generic provider"): registered per account under an id of the
// operator's choosing, with its settings as data (model/provider-config.ts GenericOidcSettings). This file
// turns those settings into what a built-in provider has in code: a registry-shaped definition (labels for the
// chooser, the attributes it can deliver) and an OidcEidProfile for the one relying party in ../oidc-eid/.
//
// The claim mapping is small and declarative: each Signicat attribute names either one claim (`pid`, or a
// dotted path into an object claim: `address.country`) or a template of claims in braces
// (`{given_name} {family_name}`). A template whose claims are all absent gives no attribute. `nin` is read as
// a Norwegian national identity number (issuingCountry NO, checked by its control digits; a bad one fails the
// login) and, unless `dateOfBirth` is mapped, gives the date of birth; its claim, and `sub`, must be in every
// id_token. subject.id is keyed on the number when mapped, else on the provider's `sub`.
import type { IDToken } from 'openid-client';
import { type AttributeName, type IdentityAttributes, PERSON_ATTRIBUTES } from '../../../model/attributes.ts';
import { PAGE_LANGUAGES, type PageLang } from '../../../model/languages.ts';
import type { GenericOidcSettings } from '../../../model/provider-config.ts';
import { LOA_ORDER, LOAS, type Loa } from '../../../model/session-constants.ts';
import type { ProviderOutcome } from '../adapter.ts';
import { lacksClaims, type OidcEidProfile, readNin } from '../oidc-eid/profile.ts';
import { OidcEidAdapter } from '../oidc-eid/adapter.ts';
import type { ProviderDefinition } from '../registry.ts';

/** The attributes a generic provider can map onto: those of any eID that identifies a person. */
export const MAPPABLE_ATTRIBUTES: readonly AttributeName[] = PERSON_ATTRIBUTES;

/**
 * Ids a generic provider cannot take: eidgate's registry, and the provider ids of Signicat's API that eidgate
 * may build in later (a client written against Signicat that names `mitid` must never reach an operator's
 * look-alike). Kept in one place; the README's Providers section lists them.
 */
export const SIGNICAT_PROVIDER_IDS = [
  'idporten',
  'ansattporten',
  'nbid',
  'sbid',
  'mitid',
  'ftn',
  'idin',
  'digid',
  'eherkenning',
  'spid',
  'itsme',
  'sk-smartid',
  'frejaeid',
] as const;

/** Lowercase letters, digits and hyphens, starting with a letter; no `_` (it separates additionalParameters keys). */
export const GENERIC_ID_PATTERN = '^[a-z][a-z0-9-]{1,29}$';
const GENERIC_ID = new RegExp(GENERIC_ID_PATTERN);

/** Why `id` cannot name a generic provider, or undefined when it can. */
export function genericIdProblem(id: string, registryIds: readonly string[]): string | undefined {
  if (!GENERIC_ID.test(id)) return `provider id "${id}" must be 2–30 lowercase letters, digits or hyphens, starting with a letter`;
  if (registryIds.includes(id)) return `provider id "${id}" is a built-in provider of eidgate; use providers set for it`;
  if ((SIGNICAT_PROVIDER_IDS as readonly string[]).includes(id))
    return `provider id "${id}" is reserved: it is a provider id of Signicat's API`;
  return undefined;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;
const CLAIM_PATH = /^[A-Za-z0-9_:.-]+$/;

/** The claim names a mapping source reads (one, or each placeholder of a template). */
export function claimsOf(source: string): string[] {
  return source.includes('{') ? [...source.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? '').trim()) : [source.trim()];
}

/** Checks an operator's mapping; the reasons name the attribute. */
export function claimMappingProblems(mapping: unknown): string[] {
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) return ['the claim mapping must be a JSON object'];
  const problems: string[] = [];
  const entries = Object.entries(mapping);
  if (entries.length === 0) problems.push('the claim mapping maps no attribute');
  for (const [attribute, source] of entries) {
    if (!(MAPPABLE_ATTRIBUTES as readonly string[]).includes(attribute)) {
      problems.push(`${attribute} is not an attribute a generic provider can deliver (${MAPPABLE_ATTRIBUTES.join(', ')})`);
    } else if (typeof source !== 'string' || source.trim() === '') {
      problems.push(`${attribute} must name a claim or a template such as "{given_name} {family_name}"`);
    } else if (source.includes('{') && source.replace(PLACEHOLDER, '').match(/[{}]/)) {
      problems.push(`${attribute}: unbalanced braces in "${source}"`);
    } else {
      const claims = claimsOf(source);
      if (claims.length === 0 || claims.some((c) => !CLAIM_PATH.test(c))) problems.push(`${attribute}: "${source}" names no valid claim`);
    }
  }
  return problems;
}

/** A claim by name or dotted path, as text (strings, and numbers written out); undefined otherwise. */
function claimText(claims: IDToken, path: string): string | undefined {
  let v: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** One mapping source against the claims: a claim's text, or the template filled (undefined when all are absent). */
export function evaluate(source: string, claims: IDToken): string | undefined {
  if (!source.includes('{')) return claimText(claims, source.trim());
  let any = false;
  const filled = source.replace(PLACEHOLDER, (_, name: string) => {
    const v = claimText(claims, name.trim());
    if (v !== undefined) any = true;
    return v ?? '';
  });
  return any ? filled.replace(/\s+/g, ' ').trim() : undefined;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function genericMapClaims(s: GenericOidcSettings, providerName: string) {
  const ninClaims = s.claims.nin ? claimsOf(s.claims.nin) : [];
  const required = ['sub', ...ninClaims.filter((c) => !c.includes('.'))];
  return (claims: IDToken, loa: Loa): ProviderOutcome => {
    const lacking = lacksClaims(claims, required, providerName);
    if (lacking) return lacking;
    const attributes: IdentityAttributes = {};
    for (const [attribute, source] of Object.entries(s.claims)) {
      const value = evaluate(source, claims);
      if (value === undefined) continue;
      switch (attribute) {
        case 'nin': {
          const read = readNin(value, ninClaims.join(', '));
          if ('kind' in read) return read;
          attributes.nin = read.nin;
          if (!s.claims.dateOfBirth) attributes.dateOfBirth = read.dateOfBirth;
          break;
        }
        case 'dateOfBirth':
          if (DATE.test(value)) attributes.dateOfBirth = value;
          break;
        case 'idpId':
        case 'name':
        case 'firstName':
        case 'lastName':
          attributes[attribute] = value;
          break;
      }
    }
    return { kind: 'success', attributes, loa, subjectKey: attributes.nin ? attributes.nin.value : `sub:${claims.sub}` };
  };
}

/** acr_values for a requested level: the configured value of the lowest level at or above it, if any. */
export function genericAcrValues(s: GenericOidcSettings, requested: Loa): string | undefined {
  for (const level of LOAS) {
    const acr = s.acrValues[level];
    if (acr && LOA_ORDER[level] >= LOA_ORDER[requested]) return acr;
  }
  return undefined;
}

export function genericProfile(s: GenericOidcSettings, providerName: string): OidcEidProfile {
  return {
    scope: s.scope,
    idTokenAlg: s.idTokenAlg,
    authorizationParams: ({ requestedLoa }): Record<string, string> => {
      const acr = genericAcrValues(s, requestedLoa);
      return acr ? { acr_values: acr } : {};
    },
    loaOfAcr: (acr) => (typeof acr === 'string' && Object.hasOwn(s.acrLevels, acr) ? s.acrLevels[acr] : s.acrLevels['*']),
    mapClaims: genericMapClaims(s, providerName),
  };
}

/** The chooser's labels: each language its own, else English, else the id. */
export function genericLabels(id: string, s: GenericOidcSettings): Record<PageLang, string> {
  return Object.fromEntries(PAGE_LANGUAGES.map((l) => [l, s.labels[l] ?? s.labels.en ?? id])) as Record<PageLang, string>;
}

/** What the registry says of a built-in provider, for an account's generic one. */
export function genericDefinition(id: string, s: GenericOidcSettings): ProviderDefinition {
  const attributes = new Set(Object.keys(s.claims) as AttributeName[]);
  if (attributes.has('nin')) attributes.add('dateOfBirth');
  const labels = genericLabels(id, s);
  return {
    id,
    labels,
    description: `An OpenID Connect eID this account has configured (${labels.en}).`,
    configKind: 'oidc',
    flows: ['redirect', 'embedded'],
    additionalParameters: {},
    prefill: [],
    attributes: MAPPABLE_ATTRIBUTES.filter((a) => attributes.has(a)),
    envPrefix: '',
    simulated: undefined,
    createAdapter: (deps) => new OidcEidAdapter(deps, genericProfile(s, labels.en)),
  };
}
