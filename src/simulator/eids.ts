// The eIDs a person can pick in the simulator's ID-porten profile, with the assurance levels each really
// offers and the amr value ID-porten reports for it. Names reach the client only for eIDs whose supplier
// provides them (BankID and Buypass, per Digdir's 2025 id_token documentation). The Eid shape and the level
// arithmetic are shared by every profile (./profiles.ts); each profile ranks its own acr values.

export const ACR_SUBSTANTIAL = 'idporten-loa-substantial';
export const ACR_HIGH = 'idporten-loa-high';
export const ACR_VALUES = ['idporten-loa-low', ACR_SUBSTANTIAL, ACR_HIGH, 'eidas-loa-low', 'eidas-loa-substantial', 'eidas-loa-high'];
/** Levels a person can actually reach here; low has no eID in ID-porten, eIDAS has no simulator. */
export const REACHABLE_ACRS = [ACR_SUBSTANTIAL, ACR_HIGH];
const RANK: Record<string, number> = {
  'idporten-loa-low': 1,
  [ACR_SUBSTANTIAL]: 2,
  [ACR_HIGH]: 3,
  'eidas-loa-low': 1,
  'eidas-loa-substantial': 2,
  'eidas-loa-high': 3,
};
export const acrRank = (acr: string | undefined): number => (acr ? (RANK[acr] ?? 0) : 0);

export interface Eid {
  id: string;
  label: string;
  /** The amr the id_token carries for a login with this eID. */
  amr: string[];
  levels: string[];
  providesNames: boolean;
  /** TestID lets the tester choose the level. */
  levelChoice: boolean;
  /** The login_hint value that picks this eID (BankID's BID, BIM, BIS). */
  hint?: string;
  /** Offered only when login_hint names it (BankID's biometrics stepping up to BankID High). */
  hintOnly?: boolean;
}

/** ID-porten TEST's own eID, which also logs in headless (login_hint testid:<pid>_<acr>). */
export const TESTID: Eid = {
  id: 'testid',
  label: 'TestID',
  amr: ['TestID'],
  levels: [ACR_SUBSTANTIAL, ACR_HIGH],
  providesNames: false,
  levelChoice: true,
};

export const EIDS: Eid[] = [
  TESTID,
  { id: 'minid', label: 'MinID', amr: ['Minid-OTC'], levels: [ACR_SUBSTANTIAL], providesNames: false, levelChoice: false },
  { id: 'minid-app', label: 'MinID app', amr: ['Minid-APP'], levels: [ACR_SUBSTANTIAL], providesNames: false, levelChoice: false },
  { id: 'bankid', label: 'BankID', amr: ['BankID'], levels: [ACR_HIGH], providesNames: true, levelChoice: false },
  { id: 'buypass', label: 'Buypass', amr: ['Buypass'], levels: [ACR_HIGH], providesNames: true, levelChoice: false },
  { id: 'commfides', label: 'Commfides', amr: ['Commfides'], levels: [ACR_HIGH], providesNames: false, levelChoice: false },
];

/** The minimum level a request asks for: the lowest of its acr_values (ID-porten treats them as minimums). */
export function requestedMinimum(acrValues: string | undefined, rank = acrRank, fallback = ACR_SUBSTANTIAL): string {
  const asked = (acrValues ?? '').split(' ').filter(Boolean);
  if (asked.length === 0) return fallback;
  return asked.reduce((min, a) => (rank(a) < rank(min) ? a : min));
}

/** The level an eID reaches for a request, or undefined when it cannot meet it. */
export function achievedLevel(eid: Eid, minimum: string, chosen?: string, rank = acrRank): string | undefined {
  const candidates = eid.levels.filter((l) => rank(l) >= rank(minimum));
  if (candidates.length === 0) return undefined;
  if (eid.levelChoice && chosen && candidates.includes(chosen)) return chosen;
  return candidates[0];
}
