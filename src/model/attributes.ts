// Subject attributes a session may request, and the shape each takes in `subject` (Signicat's names).
// Which provider delivers which attribute is declared in the provider registry.

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
