// The smallest SQL surface both stores share: parameterised queries and transactions. Everything above
// this file speaks the same SQL to embedded PGlite and to a PostgreSQL server.
import pg from 'pg';
import { asOutage } from './outage.ts';
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';

export interface Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Rows typed by the caller: each query module declares its row type once, beside its SQL. */
  query<T extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SqlOptions {
  /** PostgreSQL server; without it the embedded store is used. */
  databaseUrl?: string | undefined;
  /** Directory for the embedded store; 'memory://' keeps it in memory. */
  dataDir?: string;
  /** Search path (created when missing); lets tests share one server without sharing tables. */
  schema?: string;
  poolSize?: number;
  /** How long to keep trying a PostgreSQL server that cannot be reached yet (default 0: one attempt). */
  connectTimeoutMs?: number;
  /** Told about each failed attempt that will be retried. */
  onConnectRetry?: (retry: ConnectRetry) => void;
}

export interface ConnectRetry {
  attempt: number;
  /** The reason, one line, with the password taken out. */
  cause: string;
  retryInMs: number;
}

export async function openSql(opts: SqlOptions): Promise<Sql> {
  if (opts.databaseUrl) {
    await waitForPostgres(opts.databaseUrl, opts.connectTimeoutMs ?? 0, opts.onConnectRetry);
    return openPostgres(opts.databaseUrl, opts.schema, opts.poolSize ?? 10);
  }
  return openPglite(opts.dataDir ?? 'memory://');
}

/** DATABASE_URL cannot be used: the server is not reachable (in time), or it refused us. One line, password redacted. */
export class DatabaseUnreachable extends Error {
  constructor(url: string, cause: string, waited: string) {
    super(`cannot reach the database at DATABASE_URL=${redactUrl(url)}: ${cause}${waited}`);
  }
}

/** The URL with its password replaced, so a message or a log line can name it. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

// Reasons that a server coming up (compose, systemd, a failover) gives; anything else (a wrong password, a
// database that does not exist) will not change by waiting.
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
const TRANSIENT_SQLSTATE = new Set(['57P03', '53300', '57P01']); // starting up / too many connections / shutting down

function describeConnectError(e: unknown, url: string): { cause: string; transient: boolean } {
  const err = e as { code?: string; message?: string; errors?: { message?: string }[] };
  // Node reports a refused host with several addresses (localhost: ::1 and 127.0.0.1) as an AggregateError
  // with an empty message.
  const text = err.message || err.errors?.map((x) => x.message).join('; ') || String(err.code ?? e);
  const password = (() => {
    try {
      return decodeURIComponent(new URL(url).password);
    } catch {
      return '';
    }
  })();
  const cause = (password ? text.split(password).join('***') : text).replace(/\s+/g, ' ').trim();
  const code = err.code ?? '';
  const transient = TRANSIENT.has(code) || TRANSIENT_SQLSTATE.has(code) || /timeout|terminated unexpectedly/i.test(text);
  return { cause, transient };
}

/**
 * Connects once to see the server answer, retrying transient failures with backoff (0.25 s doubling to 5 s)
 * until `timeoutMs` has passed; then, or at once for a failure that waiting cannot fix, DatabaseUnreachable.
 */
export async function waitForPostgres(url: string, timeoutMs: number, onRetry?: (r: ConnectRetry) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch (e) {
      await client.end().catch(() => {});
      const { cause, transient } = describeConnectError(e, url);
      const left = deadline - Date.now();
      if (!transient) throw new DatabaseUnreachable(url, cause, '');
      if (left <= 0) {
        throw new DatabaseUnreachable(
          url,
          cause,
          timeoutMs > 0 ? ` (gave up after ${Math.round(timeoutMs / 1000)} s, ${attempt} attempts)` : '',
        );
      }
      const retryInMs = Math.min(250 * 2 ** (attempt - 1), 5000, left);
      onRetry?.({ attempt, cause, retryInMs });
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
    }
  }
}

async function openPostgres(url: string, schema: string | undefined, max: number): Promise<Sql> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  if (schema) {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (e) {
      // Two processes creating the same schema at once: IF NOT EXISTS can still lose the race (23505).
      if ((e as { code?: string }).code !== '23505') throw e;
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    connectionTimeoutMillis: 5000,
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // Every parameterised statement is prepared once per connection and then only bound and executed: PostgreSQL
  // skips parsing and planning, and each call writes less to the socket (session create +30 % throughput
  // on PostgreSQL in the bench). Texts are the store's own constants, so the set of names stays small.
  // Statements name their columns (no SELECT *), so a column added by a later migration cannot change the
  // result type under a running process. Statements without parameters (migrations) go as simple queries.
  const statementNames = new Map<string, string>();
  const prepared = (text: string, values: unknown[]): pg.QueryConfig => {
    let name = statementNames.get(text);
    if (!name) {
      name = `eidgate_${statementNames.size}`;
      statementNames.set(text, name);
    }
    return { name, text, values };
  };
  const run = async <T>(c: pg.Pool | pg.PoolClient, text: string, params?: unknown[]): Promise<T[]> =>
    (await (params && params.length > 0 ? c.query(prepared(text, params)) : c.query(text)).catch(asOutage)).rows as T[];
  const sql: Sql = {
    kind: 'postgres',
    query: (text, params) => run(pool, text, params),
    async transaction(fn) {
      const client = await pool.connect().catch(asOutage);
      try {
        await client.query('BEGIN');
        const tx: Sql = {
          kind: 'postgres',
          query: (text, params) => run(client, text, params),
          transaction: (inner) => inner(tx),
          close: async () => {},
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  return sql;
}

async function openPglite(dataDir: string): Promise<Sql> {
  if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
  const wrap = (q: Pick<PGlite, 'query'>, inTx: boolean): Sql => ({
    kind: 'pglite',
    query: async <T>(text: string, params?: unknown[]) => (await q.query<T>(text, params)).rows,
    transaction: (fn) => (inTx ? fn(wrap(q, true)) : db.transaction((tx) => fn(wrap(tx, true)))),
    close: () => db.close(),
  });
  return wrap(db, false);
}
