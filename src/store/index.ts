// The storage contract: the only way domain code reaches the database. One set of query modules on the
// shared SQL surface serves PGlite and PostgreSQL; test/store.test.ts runs the same checks on both. Each
// module speaks domain types at its boundary and keeps its row type to itself.
import { accountQueries } from './accounts.ts';
import { authFailureQueries } from './auth-failures.ts';
import { clientQueries } from './clients.ts';
import { eventQueries, webhookQueries } from './events.ts';
import { idempotencyQueries } from './idempotency.ts';
import { migrate } from './migrations.ts';
import { orderQueries } from './orders.ts';
import { oidcClientQueries } from './oidc-clients.ts';
import { oidcKeyQueries, oidcPayloadQueries } from './oidc-payloads.ts';
import { providerConfigQueries } from './provider-configs.ts';
import { sealedColumnQueries } from './sealed-columns.ts';
import { sessionQueries } from './sessions.ts';
import { signingKeyQueries } from './signing-keys.ts';
import { openSql, type Sql, type SqlOptions } from './sql.ts';

export type { Account, Branding, DomainKind } from './accounts.ts';
export type { FailureRule } from './auth-failures.ts';
export type { ApiClient, ClientSecretRecord, NewSecret } from './clients.ts';
export type {
  AttemptRecord,
  ClaimedDelivery,
  DeliveryRecord,
  DeliveryState,
  SubscriptionPatch,
  WebhookSubscription,
} from './events.ts';
export type { OrderRecord } from './orders.ts';
export type { ProviderConfigRecord } from './provider-configs.ts';
export type { OidcClientRecord, OidcClientSettings } from './oidc-clients.ts';
export { SEALED_COLUMNS, type SealedColumn, type SealedValue } from './sealed-columns.ts';
export type { SessionPatch, SessionRecord, TransitionGuard } from './sessions.ts';
export { CLAIMED_PREFIX, insertStatement } from './sessions.ts';
export type { NewSigningKey, SigningKeyRecord } from './signing-keys.ts';

function queries(sql: Sql) {
  return {
    accounts: accountQueries(sql),
    clients: clientQueries(sql),
    signingKeys: signingKeyQueries(sql),
    sessions: sessionQueries(sql),
    idempotency: idempotencyQueries(sql),
    providerConfigs: providerConfigQueries(sql),
    authFailures: authFailureQueries(sql),
    sealedColumns: sealedColumnQueries(sql),
    events: eventQueries(sql),
    webhooks: webhookQueries(sql),
    orders: orderQueries(sql),
    oidcPayloads: oidcPayloadQueries(sql),
    oidcKeys: oidcKeyQueries(sql),
    oidcClients: oidcClientQueries(sql),
  };
}

export type Queries = ReturnType<typeof queries>;

export class Store {
  readonly sql: Sql;
  readonly accounts: Queries['accounts'];
  readonly clients: Queries['clients'];
  readonly signingKeys: Queries['signingKeys'];
  readonly sessions: Queries['sessions'];
  readonly idempotency: Queries['idempotency'];
  readonly providerConfigs: Queries['providerConfigs'];
  readonly authFailures: Queries['authFailures'];
  readonly sealedColumns: Queries['sealedColumns'];
  readonly events: Queries['events'];
  readonly webhooks: Queries['webhooks'];
  readonly orders: Queries['orders'];
  readonly oidcPayloads: Queries['oidcPayloads'];
  readonly oidcKeys: Queries['oidcKeys'];
  readonly oidcClients: Queries['oidcClients'];

  private constructor(sql: Sql) {
    this.sql = sql;
    const q = queries(sql);
    this.accounts = q.accounts;
    this.clients = q.clients;
    this.signingKeys = q.signingKeys;
    this.sessions = q.sessions;
    this.idempotency = q.idempotency;
    this.providerConfigs = q.providerConfigs;
    this.authFailures = q.authFailures;
    this.sealedColumns = q.sealedColumns;
    this.events = q.events;
    this.webhooks = q.webhooks;
    this.orders = q.orders;
    this.oidcPayloads = q.oidcPayloads;
    this.oidcKeys = q.oidcKeys;
    this.oidcClients = q.oidcClients;
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

  /** Runs fn in one transaction, with every query module bound to it. */
  transaction<T>(fn: (tx: Queries) => Promise<T>): Promise<T> {
    return this.sql.transaction((tx) => fn(queries(tx)));
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
}
