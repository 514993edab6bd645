// The storage contract: the only way domain code reaches the database. One implementation on the shared
// SQL surface serves PGlite and PostgreSQL; the conformance suite in test/store.test.ts runs on both.
// Atomicity is part of the contract: `transitionSession` is one conditional UPDATE, so of two concurrent
// attempts at the same transition exactly one gets a row back.
import { errors } from '../errors.ts';
import { migrate } from './migrations.ts';
import { openSql, type Sql, type SqlOptions } from './sql.ts';

export interface Account {
  id: string;
  name: string;
  callbackDomains: string[];
  createdAt: Date;
}

export interface ClientSecretRecord {
  id: string;
  hash: string;
  hint: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiClient {
  clientId: string;
  accountId: string;
  name: string;
  permissions: string[];
  tokenLifetime: number;
  disabled: boolean;
  createdAt: Date;
  secrets: ClientSecretRecord[];
}

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  privateJwkEnc: string;
  createdAt: Date;
  retiredAt: Date | null;
}

export interface SessionRecord {
  id: string;
  accountId: string;
  status: string;
  request: Record<string, unknown>;
  createdAt: Date;
  expiresAt: Date;
  finishedAt: Date | null;
  provider: string | null;
  loa: string | null;
  identityEnc: string | null;
  error: Record<string, unknown> | null;
  browserBinding: string | null;
  journeyState: string | null;
  journeyEnc: string | null;
}

export interface ProviderConfigRecord {
  accountId: string;
  providerId: string;
  config: Record<string, unknown>;
  secretEnc: string | null;
}

/** Columns a transition may set. */
export type SessionPatch = Partial<
  Pick<
    SessionRecord,
    'status' | 'finishedAt' | 'provider' | 'loa' | 'identityEnc' | 'error' | 'browserBinding' | 'journeyState' | 'journeyEnc'
  >
>;

export interface TransitionGuard {
  /** The write happens only while the session has one of these statuses. */
  from: readonly string[];
  /** …and, when given, only while it has not expired at this instant. */
  notExpiredAt?: Date;
  /** …and, when given, only while its browser binding is null or equal to this. */
  browserBinding?: string;
  /** …and, when given, only while its journey state equals this. */
  journeyState?: string;
}

const COLUMNS: Record<keyof SessionPatch, string> = {
  status: 'status',
  finishedAt: 'finished_at',
  provider: 'provider',
  loa: 'loa',
  identityEnc: 'identity_enc',
  error: 'error',
  browserBinding: 'browser_binding',
  journeyState: 'journey_state',
  journeyEnc: 'journey_enc',
};

type Row = Record<string, any>;

// Column lists for reads (statements are prepared on PostgreSQL; see src/store/sql.ts).
const ACCOUNT = 'id, name, callback_domains, created_at';
const SESSION =
  'id, account_id, status, request, created_at, expires_at, finished_at, provider, loa, identity_enc, error, browser_binding, journey_state, journey_enc';
const SIGNING_KEY = 'kid, alg, public_jwk, private_jwk_enc, created_at, retired_at';
const PROVIDER_CONFIG = 'account_id, provider_id, config, secret_enc';

const toAccount = (r: Row): Account => ({ id: r.id, name: r.name, callbackDomains: r.callback_domains, createdAt: r.created_at });
const toSession = (r: Row): SessionRecord => ({
  id: r.id,
  accountId: r.account_id,
  status: r.status,
  request: r.request,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  finishedAt: r.finished_at,
  provider: r.provider,
  loa: r.loa,
  identityEnc: r.identity_enc,
  error: r.error,
  browserBinding: r.browser_binding,
  journeyState: r.journey_state,
  journeyEnc: r.journey_enc,
});
const toKey = (r: Row): SigningKeyRecord => ({
  kid: r.kid,
  alg: r.alg,
  publicJwk: r.public_jwk,
  privateJwkEnc: r.private_jwk_enc,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
});

export class Store {
  readonly sql: Sql;

  private constructor(sql: Sql) {
    this.sql = sql;
  }

  static async open(opts: SqlOptions): Promise<Store> {
    const sql = await openSql(opts);
    try {
      await migrate(sql);
    } catch (e) {
      await sql.close().catch(() => {});
      throw e;
    }
    return new Store(sql);
  }

  get kind(): Sql['kind'] {
    return this.sql.kind;
  }

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  /**
   * Runs fn while holding a deployment-wide lock, so processes that start together do one-time work once.
   * PGlite serves one process only, so there it simply runs fn.
   */
  async withLock<T>(key: number, fn: () => Promise<T>): Promise<T> {
    if (this.sql.kind === 'pglite') return fn();
    return this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [key]);
      return fn();
    });
  }

  // ---- accounts ----

  async createAccount(a: { id: string; name: string; callbackDomains: string[] }): Promise<Account> {
    const rows = await this.sql.query(
      `INSERT INTO accounts (id, name, callback_domains) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING ${ACCOUNT}`,
      [a.id, a.name, a.callbackDomains],
    );
    if (!rows[0]) throw errors.conflict(`account ${a.id} already exists`);
    return toAccount(rows[0]);
  }

  async getAccount(id: string): Promise<Account | null> {
    const rows = await this.sql.query(`SELECT ${ACCOUNT} FROM accounts WHERE id = $1`, [id]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async listAccounts(): Promise<Account[]> {
    return (await this.sql.query(`SELECT ${ACCOUNT} FROM accounts ORDER BY created_at, id`)).map(toAccount);
  }

  async countAccounts(): Promise<number> {
    const rows = await this.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
    return rows[0]?.n ?? 0;
  }

  async setCallbackDomains(id: string, domains: string[]): Promise<Account | null> {
    const rows = await this.sql.query(`UPDATE accounts SET callback_domains = $2 WHERE id = $1 RETURNING ${ACCOUNT}`, [id, domains]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  // ---- API clients ----

  async createClient(c: {
    clientId: string;
    accountId: string;
    name: string;
    permissions: string[];
    tokenLifetime: number;
    secret: { id: string; hash: string; hint: string };
  }): Promise<ApiClient> {
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query(
        `INSERT INTO api_clients (client_id, account_id, name, permissions, token_lifetime)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (client_id) DO NOTHING RETURNING client_id`,
        [c.clientId, c.accountId, c.name, c.permissions, c.tokenLifetime],
      );
      if (!rows[0]) throw errors.conflict(`API client ${c.clientId} already exists`);
      await tx.query('INSERT INTO client_secrets (id, client_id, hash, hint) VALUES ($1, $2, $3, $4)', [
        c.secret.id,
        c.clientId,
        c.secret.hash,
        c.secret.hint,
      ]);
      return (await this.getClientWith(tx, c.clientId))!;
    });
  }

  getClient(clientId: string): Promise<ApiClient | null> {
    return this.getClientWith(this.sql, clientId);
  }

  private async getClientWith(sql: Sql, clientId: string): Promise<ApiClient | null> {
    // One round trip: the token endpoint calls this on every request.
    const rows = await sql.query(
      `SELECT c.*, coalesce(json_agg(json_build_object('id', s.id, 'hash', s.hash, 'hint', s.hint,
                 'createdAt', s.created_at, 'revokedAt', s.revoked_at) ORDER BY s.created_at)
               FILTER (WHERE s.id IS NOT NULL), '[]') AS secrets
         FROM api_clients c LEFT JOIN client_secrets s ON s.client_id = c.client_id
        WHERE c.client_id = $1 GROUP BY c.client_id`,
      [clientId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      clientId: r.client_id,
      accountId: r.account_id,
      name: r.name,
      permissions: r.permissions,
      tokenLifetime: r.token_lifetime,
      disabled: r.disabled,
      createdAt: r.created_at,
      secrets: (r.secrets as Row[]).map((s) => ({
        id: s.id,
        hash: s.hash,
        hint: s.hint,
        createdAt: new Date(s.createdAt),
        revokedAt: s.revokedAt ? new Date(s.revokedAt) : null,
      })),
    };
  }

  async listClients(accountId?: string): Promise<ApiClient[]> {
    const ids = await this.sql.query<{ client_id: string }>(
      'SELECT client_id FROM api_clients WHERE ($1::text IS NULL OR account_id = $1) ORDER BY created_at, client_id',
      [accountId ?? null],
    );
    const out: ApiClient[] = [];
    for (const { client_id } of ids) out.push((await this.getClient(client_id))!);
    return out;
  }

  async setClientDisabled(clientId: string, disabled: boolean): Promise<boolean> {
    const rows = await this.sql.query('UPDATE api_clients SET disabled = $2 WHERE client_id = $1 RETURNING client_id', [
      clientId,
      disabled,
    ]);
    return rows.length === 1;
  }

  async addClientSecret(clientId: string, secret: { id: string; hash: string; hint: string }): Promise<void> {
    await this.sql.query('INSERT INTO client_secrets (id, client_id, hash, hint) VALUES ($1, $2, $3, $4)', [
      secret.id,
      clientId,
      secret.hash,
      secret.hint,
    ]);
  }

  async revokeClientSecret(clientId: string, secretId: string, at: Date): Promise<boolean> {
    const rows = await this.sql.query(
      'UPDATE client_secrets SET revoked_at = $3 WHERE client_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id',
      [clientId, secretId, at],
    );
    return rows.length === 1;
  }

  /** Replaces every secret of a client with the given one (the fixed development secret). */
  async replaceClientSecrets(clientId: string, secret: { id: string; hash: string; hint: string }): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query('DELETE FROM client_secrets WHERE client_id = $1', [clientId]);
      await tx.query('INSERT INTO client_secrets (id, client_id, hash, hint) VALUES ($1, $2, $3, $4)', [
        secret.id,
        clientId,
        secret.hash,
        secret.hint,
      ]);
    });
  }

  // ---- signing keys ----

  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    return (await this.sql.query(`SELECT ${SIGNING_KEY} FROM signing_keys ORDER BY created_at, kid`)).map(toKey);
  }

  /** Inserts a key unless one not retired exists already (first start of several processes at once). */
  async insertFirstSigningKey(k: Omit<SigningKeyRecord, 'createdAt' | 'retiredAt'>): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [0x6b657973]);
      const live = await tx.query('SELECT kid FROM signing_keys WHERE retired_at IS NULL LIMIT 1');
      if (live.length > 0) return;
      await tx.query('INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk_enc) VALUES ($1, $2, $3, $4)', [
        k.kid,
        k.alg,
        JSON.stringify(k.publicJwk),
        k.privateJwkEnc,
      ]);
    });
  }

  async insertSigningKey(k: Omit<SigningKeyRecord, 'createdAt' | 'retiredAt'>, createdAt: Date): Promise<void> {
    await this.sql.query('INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk_enc, created_at) VALUES ($1, $2, $3, $4, $5)', [
      k.kid,
      k.alg,
      JSON.stringify(k.publicJwk),
      k.privateJwkEnc,
      createdAt,
    ]);
  }

  async retireSigningKeys(kids: string[], at: Date): Promise<void> {
    await this.sql.query('UPDATE signing_keys SET retired_at = $2 WHERE kid = ANY($1) AND retired_at IS NULL', [kids, at]);
  }

  async deleteSigningKeysRetiredBefore(cutoff: Date): Promise<number> {
    return (await this.sql.query('DELETE FROM signing_keys WHERE retired_at < $1 RETURNING kid', [cutoff])).length;
  }

  // ---- sessions ----

  /**
   * Inserts a session. With an idempotency key the key and the session are written in one transaction;
   * a key seen before returns the stored session (same request hash) or an error (different hash).
   */
  async insertSession(
    s: SessionRecord,
    idempotency?: { key: string; requestHash: string },
  ): Promise<{ session: SessionRecord; replayed: boolean }> {
    const insert = (sql: Sql) =>
      sql.query(
        `INSERT INTO sessions (id, account_id, status, request, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [s.id, s.accountId, s.status, JSON.stringify(s.request), s.createdAt, s.expiresAt],
      );
    if (!idempotency) {
      await insert(this.sql);
      return { session: s, replayed: false };
    }
    return this.sql.transaction(async (tx) => {
      const claimed = await tx.query(
        `INSERT INTO idempotency_keys (account_id, key, request_hash, session_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, key) DO NOTHING RETURNING key`,
        [s.accountId, idempotency.key, idempotency.requestHash, s.id],
      );
      if (claimed.length === 1) {
        await insert(tx);
        return { session: s, replayed: false };
      }
      const prior = await tx.query<{ request_hash: string; session_id: string }>(
        'SELECT request_hash, session_id FROM idempotency_keys WHERE account_id = $1 AND key = $2',
        [s.accountId, idempotency.key],
      );
      const p = prior[0];
      if (!p || p.request_hash !== idempotency.requestHash) {
        throw errors.idempotencyConflict('This Idempotency-Key was already used with a different request body.');
      }
      const existing = await this.getSessionWith(tx, p.session_id);
      if (!existing) throw errors.idempotencyConflict('The session created with this Idempotency-Key no longer exists.');
      return { session: existing, replayed: true };
    });
  }

  getSession(id: string): Promise<SessionRecord | null> {
    return this.getSessionWith(this.sql, id);
  }

  private async getSessionWith(sql: Sql, id: string): Promise<SessionRecord | null> {
    const rows = await sql.query(`SELECT ${SESSION} FROM sessions WHERE id = $1`, [id]);
    return rows[0] ? toSession(rows[0]) : null;
  }

  async findSessionByJourneyState(state: string): Promise<SessionRecord | null> {
    const rows = await this.sql.query(`SELECT ${SESSION} FROM sessions WHERE journey_state = $1`, [state]);
    return rows[0] ? toSession(rows[0]) : null;
  }

  /** The one conditional write every state change goes through. Returns null when the guard did not hold. */
  async transitionSession(id: string, guard: TransitionGuard, patch: SessionPatch): Promise<SessionRecord | null> {
    const sets: string[] = [];
    const params: unknown[] = [id, guard.from];
    for (const [k, v] of Object.entries(patch) as [keyof SessionPatch, unknown][]) {
      params.push(k === 'error' && v !== null ? JSON.stringify(v) : v);
      sets.push(`${COLUMNS[k]} = $${params.length}`);
    }
    if (sets.length === 0) throw new Error('empty patch');
    const where = ['id = $1', 'status = ANY($2)'];
    if (guard.notExpiredAt) {
      params.push(guard.notExpiredAt);
      where.push(`expires_at > $${params.length}`);
    }
    if (guard.browserBinding !== undefined) {
      params.push(guard.browserBinding);
      where.push(`(browser_binding IS NULL OR browser_binding = $${params.length})`);
    }
    if (guard.journeyState !== undefined) {
      params.push(guard.journeyState);
      where.push(`journey_state = $${params.length}`);
    }
    const rows = await this.sql.query(`UPDATE sessions SET ${sets.join(', ')} WHERE ${where.join(' AND ')} RETURNING ${SESSION}`, params);
    return rows[0] ? toSession(rows[0]) : null;
  }

  /**
   * Deletes sessions finished or expired before the cutoff, at most `limit` per call. SKIP LOCKED lets
   * several processes purge at once without waiting on each other or deleting a row twice.
   */
  async purgeSessions(cutoff: Date, limit: number): Promise<number> {
    const rows = await this.sql.query(
      `DELETE FROM sessions WHERE id IN (
         SELECT id FROM sessions WHERE expires_at < $1 OR finished_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [cutoff, limit],
    );
    await this.sql.query('DELETE FROM idempotency_keys WHERE created_at < $1', [cutoff]);
    return rows.length;
  }

  // ---- provider configuration ----

  async getProviderConfig(accountId: string, providerId: string): Promise<ProviderConfigRecord | null> {
    const rows = await this.sql.query(`SELECT ${PROVIDER_CONFIG} FROM provider_configs WHERE account_id = $1 AND provider_id = $2`, [
      accountId,
      providerId,
    ]);
    const r = rows[0];
    return r ? { accountId: r.account_id, providerId: r.provider_id, config: r.config, secretEnc: r.secret_enc } : null;
  }

  async listProviderConfigs(accountId: string): Promise<ProviderConfigRecord[]> {
    const rows = await this.sql.query(`SELECT ${PROVIDER_CONFIG} FROM provider_configs WHERE account_id = $1 ORDER BY provider_id`, [
      accountId,
    ]);
    return rows.map((r) => ({ accountId: r.account_id, providerId: r.provider_id, config: r.config, secretEnc: r.secret_enc }));
  }

  async upsertProviderConfig(p: ProviderConfigRecord): Promise<void> {
    await this.sql.query(
      `INSERT INTO provider_configs (account_id, provider_id, config, secret_enc) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, provider_id) DO UPDATE SET config = EXCLUDED.config, secret_enc = EXCLUDED.secret_enc`,
      [p.accountId, p.providerId, JSON.stringify(p.config), p.secretEnc],
    );
  }
}
