// Accounts: who may use the broker, and the hosts their callback URLs may point at.
import type { Sql } from './sql.ts';

export interface Account {
  id: string;
  name: string;
  callbackDomains: string[];
  createdAt: Date;
}

interface AccountRow {
  id: string;
  name: string;
  callback_domains: string[];
  created_at: Date;
}

const COLUMNS = 'id, name, callback_domains, created_at';
const toAccount = (r: AccountRow): Account => ({ id: r.id, name: r.name, callbackDomains: r.callback_domains, createdAt: r.created_at });

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

    async setCallbackDomains(id: string, domains: string[]): Promise<Account | null> {
      const rows = await sql.query<AccountRow>(`UPDATE accounts SET callback_domains = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [
        id,
        domains,
      ]);
      return rows[0] ? toAccount(rows[0]) : null;
    },
  };
}
