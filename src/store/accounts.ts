// Accounts: who may use the broker, the hosts their callback URLs may point at, and the hosts their
// sessions' pages may be served on (Signicat's requestDomain).
import type { Theme } from '../domain/themes.ts';
import type { Sql } from './sql.ts';

/** How the account's service shows itself on the hosted pages; every field optional (validated in the domain). */
export interface Branding {
  /** The service's name per page language (nb, nn, en). */
  displayName?: Partial<Record<'nb' | 'nn' | 'en', string>>;
  /** An https URL or a data: image. */
  logoUrl?: string;
  helpUrl?: string;
  contactUrl?: string;
  privacyUrl?: string;
  /** Named themes (validated in ../domain/themes.ts) and the one a session without themeId gets. */
  themes?: Record<string, Theme>;
  defaultTheme?: string;
}

export interface Account {
  id: string;
  name: string;
  callbackDomains: string[];
  requestDomains: string[];
  branding: Branding;
  createdAt: Date;
}

interface AccountRow {
  id: string;
  name: string;
  callback_domains: string[];
  request_domains: string[];
  branding: Branding | null;
  created_at: Date;
}

const COLUMNS = 'id, name, callback_domains, request_domains, branding, created_at';
const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  name: r.name,
  callbackDomains: r.callback_domains,
  requestDomains: r.request_domains,
  branding: r.branding ?? {},
  createdAt: r.created_at,
});

export type DomainKind = 'callback' | 'request';
const DOMAIN_COLUMNS: Record<DomainKind, string> = { callback: 'callback_domains', request: 'request_domains' };

export function accountQueries(sql: Sql) {
  return {
    /** Null when an account with this id exists already. */
    async create(a: { id: string; name: string; callbackDomains: string[] }): Promise<Account | null> {
      const rows = await sql.query<AccountRow>(
        `INSERT INTO accounts (id, name, callback_domains) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
        [a.id, a.name, a.callbackDomains],
      );
      return rows[0] ? toAccount(rows[0]) : null;
    },

    async get(id: string): Promise<Account | null> {
      const rows = await sql.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [id]);
      return rows[0] ? toAccount(rows[0]) : null;
    },

    async list(): Promise<Account[]> {
      return (await sql.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts ORDER BY created_at, id`)).map(toAccount);
    },

    async count(): Promise<number> {
      const rows = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
      return rows[0]?.n ?? 0;
    },

    async setBranding(id: string, branding: Branding): Promise<Account | null> {
      const rows = await sql.query<AccountRow>(`UPDATE accounts SET branding = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [
        id,
        JSON.stringify(branding),
      ]);
      return rows[0] ? toAccount(rows[0]) : null;
    },

    async setDomains(id: string, kind: DomainKind, domains: string[]): Promise<Account | null> {
      const rows = await sql.query<AccountRow>(`UPDATE accounts SET ${DOMAIN_COLUMNS[kind]} = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [
        id,
        domains,
      ]);
      return rows[0] ? toAccount(rows[0]) : null;
    },
  };
}
