// The simulator's own check of Norwegian national identity numbers (it ships without the broker, so it keeps
// its copy of src/nin.ts's rules rather than importing them).
// generator of synthetic numbers marked the way Skatteetaten's test registry (Tenor) marks them: month + 80.
// Rules from Digdir's idporten-fnr-generate and Skatteetaten (see shared/reference/idporten-oidc.md §10).

const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** A control digit, or undefined when the remainder makes the number impossible (10). */
function control(digits: number[], weights: number[]): number | undefined {
  const sum = weights.reduce((acc, w, i) => acc + w * (digits[i] ?? 0), 0);
  const k = 11 - (sum % 11);
  if (k === 11) return 0;
  if (k === 10) return undefined;
  return k;
}

export type NinKind = 'BIRTH' | 'DNUMBER';

export interface NinInfo {
  kind: NinKind;
  synthetic: boolean;
  birthDate: string;
}

export type NinCheck = { valid: true; info: NinInfo } | { valid: false; reason: string };

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function century(year2: number, individual: number): number | undefined {
  if (individual <= 499) return 1900 + year2;
  if (individual <= 749 && year2 >= 54) return 1800 + year2;
  if (individual >= 900 && year2 >= 40) return 1900 + year2;
  if (individual >= 500 && year2 <= 39) return 2000 + year2;
  return undefined;
}

const validDate = (y: number, m: number, d: number) => {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
};

/** Checks format, both control digits and the date. Synthetic (month + 80) and D-numbers (day + 40) pass. */
export function checkNin(input: string): NinCheck {
  if (!/^\d{11}$/.test(input)) return { valid: false, reason: 'must be exactly 11 digits' };
  const d = [...input].map(Number);
  const k1 = control(d, W1);
  if (k1 === undefined || k1 !== d[9]) return { valid: false, reason: 'the first control digit is wrong' };
  const k2 = control(d, W2);
  if (k2 === undefined || k2 !== d[10]) return { valid: false, reason: 'the second control digit is wrong' };
  let day = Number(input.slice(0, 2));
  let month = Number(input.slice(2, 4));
  const kind: NinKind = day > 40 ? 'DNUMBER' : 'BIRTH';
  if (kind === 'DNUMBER') day -= 40;
  const synthetic = month > 80;
  if (synthetic) month -= 80;
  else if (month > 40) month -= 40; // NAV's synthetic numbers (month + 40)
  const individual = Number(input.slice(6, 9));
  const year = century(Number(input.slice(4, 6)), individual);
  if (year === undefined || !validDate(year, month, day)) return { valid: false, reason: 'does not hold a valid date of birth' };
  return { valid: true, info: { kind, synthetic, birthDate: `${year}-${pad(month, 2)}-${pad(day, 2)}` } };
}
