// Subject attributes a session may request, and the shape each takes in `subject` (Signicat's names).

export const ATTRIBUTES = [
  'nin',
  'idpId',
  'name',
  'firstName',
  'lastName',
  'dateOfBirth',
  'idportenIdp',
  'idportenLoa',
  'idportenSub',
] as const;
export type AttributeName = (typeof ATTRIBUTES)[number];

export interface Nin {
  value: string;
  issuingCountry: string;
  type: 'BIRTH' | 'DNUMBER';
}

/** What a provider adapter returns about the person; the session keeps only what was requested. */
export interface IdentityAttributes {
  nin?: Nin;
  idpId?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  dateOfBirth?: string;
  idportenIdp?: string;
  idportenLoa?: string;
  idportenSub?: string;
}

export type Loa = 'low' | 'substantial' | 'high';
export const LOA_ORDER: Record<Loa, number> = { low: 1, substantial: 2, high: 3 };

/** Provider ids. Ansattporten is Digdir's sibling of ID-porten (same protocol), for logins as an employee. */
export const PROVIDERS = ['idporten', 'ansattporten'] as const;
export type ProviderId = (typeof PROVIDERS)[number];
