// Subject attributes a session may request, and the shape each takes in `subject` (Signicat's names).
// Which provider delivers which attribute is declared in the provider registry.

/** Attributes every eID that identifies a Norwegian person can deliver. */
export const PERSON_ATTRIBUTES = ['nin', 'idpId', 'name', 'firstName', 'lastName', 'dateOfBirth'] as const;
/** ID-porten's own (and Ansattporten's): the eID used, the level reached, ID-porten's subject. */
export const IDPORTEN_ATTRIBUTES = ['idportenIdp', 'idportenLoa', 'idportenSub'] as const;

/**
 * Norwegian BankID's own, under Signicat's names: the BankID method used (BID, BIM, BIS), the authentication
 * time, BankID's session and transaction ids, the personal identifier of the BankID (bankid_altsub), the
 * certificate issuer, the certificate's details (a JSON document serialised as a string) and when the
 * BankID was last updated.
 */
export const NBID_ATTRIBUTES = [
  'nbidIdp',
  'nbidAuthTime',
  'nbidSid',
  'nbidTid',
  'nbidAlternativeSubject',
  'nbidOriginator',
  'nbidAdditionalCertInfo',
  'nbidUpdatedAt',
] as const;

/**
 * Swedish BankID's own, under Signicat's names: the IP address BankID saw the person's device at, and the
 * evidence of the order (the signature XML BankID signed, and its OCSP response), both Base64 as BankID gives them.
 */
export const SBID_ATTRIBUTES = ['sbidDeviceIp', 'sbidXmlSignature', 'sbidOcspResponse'] as const;

export const ATTRIBUTES = [...PERSON_ATTRIBUTES, ...IDPORTEN_ATTRIBUTES, ...NBID_ATTRIBUTES, ...SBID_ATTRIBUTES] as const;
export type AttributeName = (typeof ATTRIBUTES)[number];

export interface Nin {
  value: string;
  issuingCountry: string;
  /** BIRTH and DNUMBER: Norwegian numbers; PERSON: a Swedish personnummer or samordningsnummer (Signicat's sbid). */
  type: 'BIRTH' | 'DNUMBER' | 'PERSON';
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
  nbidIdp?: string;
  nbidAuthTime?: string;
  nbidSid?: string;
  nbidTid?: string;
  nbidAlternativeSubject?: string;
  nbidOriginator?: string;
  nbidAdditionalCertInfo?: string;
  nbidUpdatedAt?: string;
  sbidDeviceIp?: string;
  sbidXmlSignature?: string;
  sbidOcspResponse?: string;
}
