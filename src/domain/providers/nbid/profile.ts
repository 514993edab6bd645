// Norwegian BankID over OpenID Connect (BankID Norge's OIDC provider, Keycloak-based): which BankID the person
// uses (login_hint BID, BIM or BIS, from additionalParameters.nbid_idp), the level (acr_values urn:bankid:bid
// for high, urn:bankid:bis for substantial; nbid_stepup=high makes biometrics step up to BankID High), acr →
// level (urn:bankid:bid;LOA=4 is high, urn:bankid:bis;LOA=3 substantial), and the id_token's claims under
// Signicat's nbid attribute names. Sources: BankID Norge's developer documentation (core concepts: ID token,
// identity providers, login hints; BankID with biometrics: authentication methods) and Signicat's NBID
// attributes reference. The README's Providers section has the table.
import type { IDToken } from 'openid-client';
import type { IdentityAttributes } from '../../../model/attributes.ts';
import type { Loa } from '../../../model/session.ts';
import type { ProviderOutcome } from '../adapter.ts';
import { type AuthorizationInput, lacksClaims, type OidcEidProfile, readNin, text } from '../oidc-eid/profile.ts';

/** BankID's identity provider options, as Signicat names them in nbid_idp and nbidIdp. */
export const NBID_IDPS = ['BID', 'BIM', 'BIS'] as const;
export type NbidIdp = (typeof NBID_IDPS)[number];

export const NBID_ACR_HIGH = 'urn:bankid:bid';
export const NBID_ACR_SUBSTANTIAL = 'urn:bankid:bis';

const isIdp = (v: string | undefined): v is NbidIdp => (NBID_IDPS as readonly string[]).includes(v ?? '');

/**
 * The authorization request's BankID part. High (requestedLoa high or nbid_stepup=high) asks for
 * urn:bankid:bid only: biometrics (BIS) then steps up to BankID High. Without nbid_idp BankID shows its own
 * selector among the options that reach the level.
 */
export function nbidAuthorizationParams({ requestedLoa, parameters }: AuthorizationInput): Record<string, string> {
  const idp = parameters.nbid_idp;
  const high = requestedLoa === 'high' || parameters.nbid_stepup === 'high';
  const out: Record<string, string> = {};
  if (isIdp(idp)) out.login_hint = idp;
  if (high) out.acr_values = NBID_ACR_HIGH;
  else if (idp === 'BIS') out.acr_values = NBID_ACR_SUBSTANTIAL;
  else if (idp) out.acr_values = NBID_ACR_HIGH;
  else out.acr_values = `${NBID_ACR_HIGH} ${NBID_ACR_SUBSTANTIAL}`;
  return out;
}

const ACR = /^urn:bankid:(bid|bim|bis);LOA=([34])$/;

/** urn:bankid:<idp>;LOA=4 is high, LOA=3 substantial; anything else is not BankID's. */
export function nbidLoaOfAcr(acr: unknown): Loa | undefined {
  const m = typeof acr === 'string' ? ACR.exec(acr) : null;
  if (!m) return undefined;
  return m[2] === '4' ? 'high' : 'substantial';
}

/**
 * The BankID option used: from amr (API v2+: a list such as ["bis-mfa", "bis-hwk"] or ["bid", "bid-otp"];
 * v1: the string "BID"), biometrics first, since a stepped-up biometric login carries bid-* values too;
 * failing that, from the acr's urn:bankid:<idp>.
 */
export function nbidIdpOf(amr: unknown, acr: unknown): NbidIdp | undefined {
  const values = (Array.isArray(amr) ? amr : [amr]).filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase());
  for (const idp of ['bis', 'bim', 'bid'] as const) {
    if (values.some((v) => v === idp || v.startsWith(`${idp}-`))) return idp.toUpperCase() as NbidIdp;
  }
  const m = typeof acr === 'string' ? ACR.exec(acr) : null;
  return m?.[1] ? (m[1].toUpperCase() as NbidIdp) : undefined;
}

/** An epoch time claim as Signicat writes it: a string of digits. */
const epochText = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : typeof v === 'string' && /^\d+$/.test(v) ? v : undefined;

/** additionalCertInfo is a JSON object in the id_token; Signicat returns it serialised as a string. */
const jsonText = (v: unknown): string | undefined =>
  typeof v === 'object' && v !== null ? JSON.stringify(v) : typeof v === 'string' && v !== '' ? v : undefined;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** id_token claims → Signicat's subject for nbid. A nnin_altsub that is not a valid number fails the login. */
export function nbidMapClaims(claims: IDToken, loa: Loa): ProviderOutcome {
  // nnin_altsub is not among them: BankID sends it only to clients it has made eligible for the number.
  const lacking = lacksClaims(claims, ['sub', 'acr', 'amr', 'bankid_altsub'], 'BankID');
  if (lacking) return lacking;
  const altsub = text(claims.bankid_altsub);
  const attributes: IdentityAttributes = {
    nbidIdp: nbidIdpOf(claims.amr, claims.acr),
    nbidAuthTime: epochText(claims.auth_time ?? claims.iat),
    nbidSid: text(claims.sid),
    nbidTid: text(claims.tid),
    nbidAlternativeSubject: altsub,
    nbidOriginator: text(claims.originator),
    nbidAdditionalCertInfo: jsonText(claims.additionalCertInfo),
    nbidUpdatedAt: epochText(claims.updated_at),
    // Signicat's subject.idpId for nbid is BankID's personal identifier (9578-6000-4-1663921), not the number.
    idpId: altsub,
  };
  const nnin = text(claims.nnin_altsub);
  if (nnin) {
    const read = readNin(nnin, 'nnin_altsub');
    if ('kind' in read) return read;
    attributes.nin = read.nin;
    attributes.dateOfBirth = read.dateOfBirth;
  }
  const birthdate = text(claims.birthdate);
  if (birthdate && DATE.test(birthdate)) attributes.dateOfBirth = birthdate;
  const given = text(claims.given_name);
  const family = text(claims.family_name);
  if (given) attributes.firstName = given;
  if (family) attributes.lastName = family;
  // BankID's own name claim is the certificate's common name ("Nordmann, Kari"); Signicat's is "Kari Nordmann".
  const name = given || family ? [given, family].filter(Boolean).join(' ') : text(claims.name);
  if (name) attributes.name = name;
  const subjectKey = nnin ?? (altsub ? `altsub:${altsub}` : `sub:${claims.sub}`);
  return { kind: 'success', attributes, loa, subjectKey };
}

export const NBID_PROFILE: OidcEidProfile = {
  // nnin_altsub: the national identity number, for clients BankID has made eligible for it.
  scope: 'openid profile nnin_altsub',
  authorizationParams: nbidAuthorizationParams,
  loaOfAcr: nbidLoaOfAcr,
  mapClaims: nbidMapClaims,
};
