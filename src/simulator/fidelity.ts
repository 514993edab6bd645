export const FIDELITY_PATH = '/.well-known/eidgate-simulator-fidelity';
export function fidelityLedger() {
  return { differences: [] };
}
