// Synthetic Swedish people for the BankID simulator, and the personnummer arithmetic they rest on.
// A personnummer in BankID is 12 digits, YYYYMMDDNNNC: the check digit C is the Luhn digit over the last ten
// (YYMMDDNNN); a samordningsnummer (coordination number) adds 60 to the day. None of the built-in people is a
// real person: the numbers are synthetic and chosen to be valid, not looked up.

export interface SwedishPerson {
  /** 12 digits, YYYYMMDDNNNC, Luhn-valid (a samordningsnummer has day + 60). */
  personalNumber: string;
  givenName: string;
  surname: string;
  /** The day the person's BankID was issued (completionData.bankIdIssueDate), YYYY-MM-DD. */
  bankIdIssueDate?: string;
  /**
   * A switch for tests: the person's BankID is blocked, revoked or invalid, so identifying with it ends the
   * order as failed with hintCode certificateErr (instead of complete).
   */
  certificateErr?: boolean;
}

/** The Luhn check digit over a string of digits (weights 2,1,2,1,… from the left, as personnummer uses). */
export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for a 12-digit personnummer or samordningsnummer with a real date and a correct check digit. */
export function isValidPersonalNumber(pnr: string): boolean {
  if (!/^\d{12}$/.test(pnr)) return false;
  const year = Number(pnr.slice(0, 4));
  const month = Number(pnr.slice(4, 6));
  let day = Number(pnr.slice(6, 8));
  if (day > 60) day -= 60; // samordningsnummer
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  return luhnDigit(pnr.slice(2, 11)) === Number(pnr[11]);
}

/** True for a samordningsnummer (day of month + 60). */
export function isCoordinationNumber(pnr: string): boolean {
  return Number(pnr.slice(6, 8)) > 60;
}

/** Completes 11 digits (YYYYMMDDNNN) with their check digit. */
export function withCheckDigit(first11: string): string {
  return `${first11}${luhnDigit(first11.slice(2))}`;
}

export const DEFAULT_SWEDISH_PEOPLE: readonly SwedishPerson[] = [
  { personalNumber: withCheckDigit('19900315238'), givenName: 'Astrid', surname: 'Testsson', bankIdIssueDate: '2023-04-11' },
  { personalNumber: withCheckDigit('19781124915'), givenName: 'Björn', surname: 'Provander', bankIdIssueDate: '2021-09-02' },
  { personalNumber: withCheckDigit('20010607402'), givenName: 'Linnéa', surname: 'Exempelberg', bankIdIssueDate: '2024-01-19' },
  // Samordningsnummer: born 1985-08-21, day written as 81.
  { personalNumber: withCheckDigit('19850881173'), givenName: 'Omar', surname: 'Samordnare', bankIdIssueDate: '2022-06-30' },
  // Switch: this person's BankID is revoked, so an order ends failed/certificateErr.
  {
    personalNumber: withCheckDigit('19670212356'),
    givenName: 'Greta',
    surname: 'Spärrad',
    bankIdIssueDate: '2019-03-05',
    certificateErr: true,
  },
];

/** Checks a list of people (from options or a file) and says which entry is wrong. */
export function validatePeople(people: readonly SwedishPerson[]): void {
  const seen = new Set<string>();
  people.forEach((p, i) => {
    if (!p || typeof p.personalNumber !== 'string' || !isValidPersonalNumber(p.personalNumber)) {
      throw new Error(`people[${i}].personalNumber: not a valid 12-digit personnummer/samordningsnummer`);
    }
    if (seen.has(p.personalNumber)) throw new Error(`people[${i}].personalNumber: listed twice`);
    seen.add(p.personalNumber);
    if (typeof p.givenName !== 'string' || !p.givenName || typeof p.surname !== 'string' || !p.surname) {
      throw new Error(`people[${i}]: givenName and surname are required`);
    }
    if (p.bankIdIssueDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(p.bankIdIssueDate)) {
      throw new Error(`people[${i}].bankIdIssueDate: expected YYYY-MM-DD`);
    }
  });
}
