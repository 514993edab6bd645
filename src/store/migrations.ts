// Versioned migrations, the same SQL for PGlite and PostgreSQL. Append only: a released migration is never
// edited. They run at start under a transaction-scoped advisory lock, so processes that start together
// apply each migration exactly once and the others wait, then find nothing to do.
import type { Sql } from './sql.ts';

export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'accounts, api clients, signing keys, sessions',
    sql: `
CREATE TABLE accounts (
  id text PRIMARY KEY,
  name text NOT NULL,
  callback_domains text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE api_clients (
  client_id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  name text NOT NULL,
  permissions text[] NOT NULL,
  token_lifetime integer NOT NULL DEFAULT 600 CHECK (token_lifetime BETWEEN 1 AND 3600),
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_clients_account ON api_clients (account_id);
CREATE TABLE client_secrets (
  id text PRIMARY KEY,
  client_id text NOT NULL REFERENCES api_clients(client_id) ON DELETE CASCADE,
  hash text NOT NULL,
  hint text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX client_secrets_client ON client_secrets (client_id);
CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  public_jwk jsonb NOT NULL,
  private_jwk_enc text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);
CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  account_id text NOT NULL,
  status text NOT NULL,
  request jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  finished_at timestamptz,
  provider text,
  loa text,
  identity_enc text,
  error jsonb,
  browser_binding text,
  journey_state text UNIQUE,
  journey_enc text
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_finished ON sessions (finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE idempotency_keys (
  account_id text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  session_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);
CREATE TABLE provider_configs (
  account_id text NOT NULL REFERENCES accounts(id),
  provider_id text NOT NULL,
  config jsonb NOT NULL,
  secret_enc text,
  PRIMARY KEY (account_id, provider_id)
);
`,
  },
  {
    version: 2,
    name: 'accounts: request domains (the hosts authenticationUrl may be on)',
    sql: `
ALTER TABLE accounts ADD COLUMN request_domains text[] NOT NULL DEFAULT '{}';
`,
  },
  {
    version: 3,
    name: 'encryption key check: the pseudonym key, sealed with the encryption key (wrong-key detection, rotation)',
    sql: `
CREATE TABLE encryption_key_check (
  id integer PRIMARY KEY CHECK (id = 1),
  pseudonym_key_enc text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 4,
    name: 'auth failures: counters and lockouts shared by every broker process',
    sql: `
CREATE TABLE auth_failures (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  failures integer NOT NULL,
  locked_until timestamptz
);
CREATE INDEX auth_failures_window ON auth_failures (window_start);
`,
  },
  {
    version: 5,
    name: 'events: the outbox written with each session transition, webhook subscriptions, deliveries and their log',
    sql: `
CREATE TABLE events (
  id text PRIMARY KEY,
  seq bigserial NOT NULL,
  account_id text NOT NULL,
  event_name text NOT NULL,
  envelope jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX events_expires ON events (expires_at);
CREATE TABLE webhook_subscriptions (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  url text NOT NULL,
  event_names text[] NOT NULL DEFAULT '{}',
  tags text[] NOT NULL DEFAULT '{}',
  secret_enc text NOT NULL,
  previous_secret_enc text,
  previous_secret_until timestamptz,
  enabled boolean NOT NULL DEFAULT true,
  disabled_reason text,
  created_at timestamptz NOT NULL
);
CREATE INDEX webhook_subscriptions_account ON webhook_subscriptions (account_id);
CREATE TABLE webhook_deliveries (
  event_id text NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  subscription_id text NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
  state text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  delivered_at timestamptz,
  PRIMARY KEY (event_id, subscription_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id);
CREATE TABLE webhook_attempts (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL,
  subscription_id text NOT NULL,
  attempt integer NOT NULL,
  at timestamptz NOT NULL,
  status_code integer,
  outcome text NOT NULL,
  latency_ms integer NOT NULL,
  error text,
  FOREIGN KEY (event_id, subscription_id) REFERENCES webhook_deliveries(event_id, subscription_id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_subscription ON webhook_attempts (subscription_id, id);
CREATE INDEX sessions_open_expires ON sessions (expires_at) WHERE status IN ('CREATED', 'WAITING_FOR_USER');
`,
  },
  {
    version: 6,
    name: 'sessions.client_result: the finished result of a session with encryptionPublicKey, a JWE only its client opens',
    sql: `
ALTER TABLE sessions ADD COLUMN client_result text
`,
  },
  {
    version: 7,
    name: 'events: the message-bus sink (NATS JetStream) claims unpublished events like webhook deliveries',
    sql: `
ALTER TABLE events ADD COLUMN bus_published_at timestamptz;
ALTER TABLE events ADD COLUMN bus_next_attempt_at timestamptz;
ALTER TABLE events ADD COLUMN bus_attempts integer NOT NULL DEFAULT 0;
CREATE INDEX events_bus_due ON events (seq) WHERE bus_published_at IS NULL
`,
  },
  {
    version: 8,
    name: "accounts' branding on the hosted pages",
    sql: `
ALTER TABLE accounts ADD COLUMN branding jsonb NOT NULL DEFAULT '{}'::jsonb;
`,
  },
  {
    version: 9,
    name: 'decoupled_orders: provider orders (Swedish BankID) the broker polls, claimed by one process at a time through a lease',
    sql: `
CREATE TABLE decoupled_orders (
  session_id uuid PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  provider_id text NOT NULL,
  reference text NOT NULL,
  hint text,
  next_poll_at timestamptz NOT NULL,
  lease_until timestamptz,
  lease_owner text,
  polls integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decoupled_orders_due ON decoupled_orders (next_poll_at)
`,
  },
  {
    version: 10,
    name: 'OpenID Provider: the protocol state oidc-provider keeps (sealed payloads, shared by every process) and its signing keys',
    sql: `
CREATE TABLE oidc_payloads (
  model text NOT NULL,
  id text NOT NULL,
  payload_enc text NOT NULL,
  grant_id text,
  uid text,
  user_code text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_payloads_grant ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_payloads_uid ON oidc_payloads (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_payloads_user_code ON oidc_payloads (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_payloads_expires ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE oidc_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  private_jwk_enc text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)
`,
  },
  {
    version: 11,
    name: "OpenID Provider: the accounts' OIDC clients (secrets hashed)",
    sql: `
CREATE TABLE oidc_clients (
  client_id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name text NOT NULL,
  secret_hash text,
  settings jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oidc_clients_account ON oidc_clients (account_id)
`,
  },
];

import { LOCKS } from './locks.ts';

export async function migrate(sql: Sql): Promise<number[]> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.migrations]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const statement of m.sql
        .split(/;\s*\n/)
        .map((s) => s.trim())
        .filter(Boolean))
        await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
