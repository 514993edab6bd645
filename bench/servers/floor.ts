// The floor: the irreducible work of a session create or read, and nothing else. Fastify parses the same
// JSON body; one INSERT or one SELECT by primary key on the same store through the same driver.
import { profileOnSignal } from './profiling.ts';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { openSql } from '../../src/store/sql.ts';

const sql = await openSql({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: 'memory://', schema: process.env.BENCH_SCHEMA });
await sql.query(`CREATE TABLE IF NOT EXISTS floor_sessions (id uuid PRIMARY KEY, account_id text NOT NULL, status text NOT NULL,
  request jsonb NOT NULL, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)`);
const app = Fastify({ logger: false });
app.post('/auth/rest/sessions', async (request) => {
  const id = randomUUID();
  const now = new Date();
  await sql.query('INSERT INTO floor_sessions (id, account_id, status, request, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    id,
    'a-floor',
    'CREATED',
    JSON.stringify(request.body),
    now,
    new Date(now.getTime() + 1_200_000),
  ]);
  return { id, status: 'CREATED' };
});
app.get<{ Params: { id: string } }>('/auth/rest/sessions/:id', async (request) => {
  const rows = await sql.query('SELECT * FROM floor_sessions WHERE id = $1', [request.params.id]);
  return rows[0];
});
profileOnSignal();
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: true, port: (app.server.address() as AddressInfo).port })}\n`);
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => sql.close())
      .then(() => process.exit(0)),
);
