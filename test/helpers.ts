// Test harness: real brokers on real ports, on the store CI chose (PGlite in memory, or the PostgreSQL server
// named by DATABASE_URL with a fresh schema per broker so tests never share tables).
import { BoundSocket, type ListenOptions } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import { createBroker, type Broker, type BrokerOptions } from '../src/broker.ts';
import { createLogger } from '../src/log.ts';
import { ManualClock } from '../src/domain/clock.ts';
import type { SqlOptions } from '../src/store/sql.ts';
import { PROVIDERS } from '../src/domain/providers/registry.ts';

/** An issuer on a port nothing listens on (the discard port). */
export const UNREACHABLE_ISSUER = 'http://127.0.0.1:9';

export const DATABASE_URL = process.env.DATABASE_URL || undefined;
export const onPostgres = DATABASE_URL !== undefined;

/**
 * A port on 127.0.0.1 that stays ours until it is used: the socket is bound but not listening, so the kernel gives
 * the port to no other port-0 bind and no outgoing connection, in this process or a parallel one. (Closing a
 * probe socket and reusing its port later, as the old freePort() did, left the port free for anyone between.)
 * Give it to listen({ handle }), which adopts it; or hold it while a child process binds the port by number (Linux
 * allows that bind beside a socket that is not listening, both having SO_REUSEADDR as Node's do) and close it once
 * the child listens. Declared with `using`, it is closed on the way out unless a listen adopted it.
 */
export function reservePort(): BoundSocket {
  return new BoundSocket({ host: '127.0.0.1', port: 0 });
}

export const newSchema = (): string => `t_${randomBytes(6).toString('hex')}`;

/** Store options for one test: its own in-memory PGlite, or its own schema on the server. */
export function testStoreOptions(schema = newSchema()): SqlOptions {
  return DATABASE_URL ? { databaseUrl: DATABASE_URL, schema } : { dataDir: 'memory://' };
}

export async function dropSchema(schema: string): Promise<void> {
  if (!DATABASE_URL) return;
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}

/** Collects log lines in memory so tests can read what would have been logged. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    cb();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  entries(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l));
  }
}

export interface TestBroker {
  schema: string;
  broker: Broker;
  base: string;
  clock: ManualClock;
  logs: LogCapture;
  config: Config;
  accountId: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/**
 * Sessions may name only providers the account has configured: every registered provider gets a
 * configuration at a port nothing listens on; journey tests save their own provider over it.
 */
export async function configureTestProviders(broker: Broker, accountId: string): Promise<void> {
  for (const p of PROVIDERS) {
    // A BankID relying party needs a certificate: tests that use sbid configure it against the simulator.
    if (p.configKind !== 'oidc') continue;
    await broker.providerConfigs.save(accountId, {
      providerId: p.id,
      issuer: UNREACHABLE_ISSUER,
      clientId: 'test',
      clientSecret: 'test-secret',
      clientAuth: 'client_secret_basic',
      par: false,
    });
  }
}

export const DEV_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

/**
 * Starts a broker with a development-style account and client, on a free port, with a manual clock. Background
 * jobs (purge, event delivery) do not run: tests call their runOnce().
 * `share` starts a second broker process-equivalent on the first one's store (same schema, own pool).
 */
export async function startBroker(env: Record<string, string> = {}, opts: BrokerOptions = {}, share?: TestBroker): Promise<TestBroker> {
  // The port is reserved before the broker exists, because its PUBLIC_URL (token issuer, authenticationUrl,
  // callbacks) names it; the broker then listens on that very socket.
  using reserved = reservePort();
  const { port } = reserved.address();
  const schema = share?.schema ?? newSchema();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    SIMULATOR: 'off',
    LOG_LEVEL: 'info',
    ...(DATABASE_URL ? { DATABASE_URL } : {}),
    ...env,
  });
  const logs = new LogCapture();
  const clock = new ManualClock();
  const broker = await createBroker(config, {
    clock,
    logger: createLogger(env.LOG_LEVEL ?? 'info', logs),
    schema,
    purge: false,
    events: false,
    ...opts,
  });
  const close = async () => {
    await broker.close();
    if (!share) await dropSchema(schema);
  };
  try {
    const account = share
      ? { id: share.accountId }
      : await broker.accounts.createAccount({ name: 'Test account', callbackDomains: ['localhost', '127.0.0.1', 'example.com'] });
    const { client, secret } = share
      ? { client: { clientId: share.clientId }, secret: share.clientSecret }
      : await broker.accounts.createClient({ accountId: account.id, secret: DEV_SECRET, name: 'Test client' });
    if (!share) await configureTestProviders(broker, account.id);
    // Fastify hands its listen options to net.Server.listen, which adopts a BoundSocket given as `handle`.
    const onReserved: ListenOptions = { handle: reserved, host: '127.0.0.1' };
    await broker.app.listen(onReserved);
    return {
      schema,
      broker,
      base: `http://127.0.0.1:${port}`,
      clock,
      logs,
      config,
      accountId: account.id,
      clientId: client.clientId,
      clientSecret: secret,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

export async function getToken(base: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${base}/auth/open/connect/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=signicat-api',
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export const validSessionRequest = (overrides: Record<string, unknown> = {}) => ({
  flow: 'redirect',
  requestedAttributes: ['nin', 'name', 'idportenSub'],
  allowedProviders: ['idporten'],
  language: 'nb',
  requestedLoa: 'substantial',
  callbackUrls: {
    success: 'https://example.com/success?x=1',
    abort: 'https://example.com/abort',
    error: 'http://localhost:3000/error',
  },
  ...overrides,
});

/** Asserts the Signicat error object shape and returns it. */
export function assertApiError(res: JsonResponse, status: number, code: string): any {
  const b = res.body;
  const ok =
    res.status === status &&
    b &&
    b.code === code &&
    b.status === status &&
    typeof b.type === 'string' &&
    typeof b.title === 'string' &&
    typeof b.detail === 'string' &&
    typeof b.traceId === 'string' &&
    b.traceId.length > 0;
  if (!ok) throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(b)}`);
  return b;
}
