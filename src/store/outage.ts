// A store that cannot be reached is not the caller's mistake and not a bug: the API answers 503 (as /readyz
// does) instead of 500. The store turns the driver's connection failures into StoreUnavailable; the edge
// maps that one class, so HTTP code never reads driver error codes.

/** The database could not be reached, or dropped the connection: retry later. */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}

// Node's socket errors, and PostgreSQL's "connection exception" (08), "operator intervention" (57P01-03:
// shutdown, crash, cannot connect now) and "too many connections" (53300) classes.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SQLSTATE = /^(08...|57P0[123]|53300)$/;
// pg reports a lost connection or a connect timeout with these messages and no code.
const MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/;

export function isOutage(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  const code = typeof err.code === 'string' ? err.code : '';
  return NETWORK_CODES.has(code) || SQLSTATE.test(code) || MESSAGES.test(String(err.message ?? ''));
}

/** Rethrows a connection failure as StoreUnavailable (with the original as its cause), anything else as it is. */
export function asOutage(e: unknown): never {
  if (isOutage(e)) throw new StoreUnavailable('The database is not reachable.', { cause: e });
  throw e;
}
