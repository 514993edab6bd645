// ID-porten's (and Ansattporten's) profile: acr_values per level, and id_token claims → Signicat's subject
// attributes and level of assurance.
import type { IDToken } from 'openid-client';
import type { IdentityAttributes } from '../../../model/attributes.ts';
import type { Loa } from '../../../model/session.ts';
import type { ProviderOutcome } from '../adapter.ts';
import { lacksClaims, type OidcEidProfile, readNin, text } from './profile.ts';

export const ACR_FOR: Record<Loa, string> = {
  low: 'idporten-loa-substantial',
  substantial: 'idporten-loa-substantial',
  high: 'idporten-loa-high',
};

/** Digdir: validate acr by its suffix; future levels keep -substantial / -high. */
export function loaOfAcr(acr: unknown): Loa | undefined {
  if (typeof acr !== 'string') return undefined;
  if (acr.endsWith('-high')) return 'high';
  if (acr.endsWith('-substantial')) return 'substantial';
  if (acr.endsWith('-low')) return 'low';
  return undefined;
}

/** ID-porten's amr values → the idportenIdp names Signicat reports (MinID, BankID, …). */
export function idpOfAmr(amr: unknown): string | undefined {
  const first = Array.isArray(amr) ? amr[0] : amr;
  if (typeof first !== 'string') return undefined;
  if (first.toLowerCase().startsWith('minid')) return 'MinID';
  if (first.toLowerCase().startsWith('bankid')) return 'BankID';
  return first;
}

/** What every ID-porten (and Ansattporten) id_token carries (Digdir's id_token reference). */
export const ID_PORTEN_CLAIMS = ['sub', 'pid', 'acr', 'amr'] as const;

/** id_token claims → Signicat's subject attributes for ID-porten. A pid that is not a valid number fails. */
export function mapClaims(claims: IDToken, loa: Loa): ProviderOutcome {
  const lacking = lacksClaims(claims, ID_PORTEN_CLAIMS, 'ID-porten');
  if (lacking) return lacking;
  const pid = text(claims.pid);
  const attributes: IdentityAttributes = {
    idportenSub: claims.sub,
    idportenLoa: text(claims.acr),
    idportenIdp: idpOfAmr(claims.amr),
  };
  if (pid) {
    const read = readNin(pid, 'pid');
    if ('kind' in read) return read;
    attributes.nin = read.nin;
    attributes.idpId = pid;
    attributes.dateOfBirth = read.dateOfBirth;
  }
  const given = text(claims.given_name);
  const family = text(claims.family_name);
  if (given) attributes.firstName = given;
  if (family) attributes.lastName = family;
  if (given || family) attributes.name = [given, family].filter(Boolean).join(' ');
  return { kind: 'success', attributes, loa, subjectKey: pid ?? `sub:${claims.sub}` };
}

/** ID-porten and Ansattporten: no login hint, no provider parameters; the level by acr_values. */
export const ID_PORTEN_PROFILE: OidcEidProfile = {
  scope: 'openid profile',
  authorizationParams: ({ requestedLoa }) => ({ acr_values: ACR_FOR[requestedLoa] }),
  loaOfAcr,
  mapClaims,
};
