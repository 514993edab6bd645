// The fault test (issue 12): two broker processes on one PostgreSQL under load, one killed with SIGKILL
// and restarted, then PostgreSQL itself restarted. Every session that got a 200 must read back intact, and
// no request may get a 5xx other than 503 (the store is down: retry). Prints the figures.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node scripts/fault.ts [seconds]
//
// Restarting PostgreSQL needs pg_ctlcluster (Debian) and the right to run it; set FAULT_PG_RESTART=off to
// skip that step. It disturbs anything else using the server while it runs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL) {
  console.error('fault: set DATABASE_URL (the test needs PostgreSQL)');
  process.exit(2);
}
const SECONDS = Number(process.argv[2] ?? 20);
const WORKERS = 8;
const schema = `fault_${process.pid}`;
const secret = 'fault-client-secret-0123456789abcdefghijk';
const env = {
  PATH: process.env.PATH,
  DATABASE_URL: `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
  SIMULATOR: 'off',
  LOG_LEVEL: 'info',
  EIDGATE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  EIDGATE_DEV_ACCOUNT_ID: 'a-fault-test',
  EIDGATE_DEV_CLIENT_ID: 'client-fault',
  EIDGATE_DEV_CLIENT_SECRET: secret,
  IDPORTEN_ISSUER: 'http://127.0.0.1:9',
  IDPORTEN_CLIENT_ID: 'x',
  IDPORTEN_CLIENT_SECRET: 'y',
  DATABASE_CONNECT_TIMEOUT_SECONDS: '60',
  // Both behind one public address, as behind a reverse proxy: the same token issuer for both.
  PUBLIC_URL: 'http://localhost:8443',
};

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  s.close();
  return port;
}

interface Broker {
  child: ChildProcess;
  base: string;
}

async function startBroker(port: number, dataDir: string): Promise<Broker> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: { ...env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('eidgate is listening')) resolve();
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`broker exited ${code}: ${out}`)));
  });
  child.removeAllListeners('exit');
  return { child, base: `http://127.0.0.1:${port}` };
}

const pg = (await import('pg')).default;
const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
await admin.end();

const dir = mkdtempSync(join(tmpdir(), 'eidgate-fault-'));
const ports = [await freePort(), await freePort()];
const brokers = [await startBroker(ports[0]!, join(dir, 'a')), await startBroker(ports[1]!, join(dir, 'b'))];

async function token(base: string): Promise<string> {
  const res = await fetch(`${base}/auth/open/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'signicat-api',
      client_id: 'client-fault',
      client_secret: secret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
const accessToken = await token(brokers[0]!.base);

const created = new Map<string, string>(); // session id → externalReference
const outcomes = new Map<string, number>();
const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
let tried = 0;
let stop = false;

async function worker(w: number): Promise<void> {
  for (let i = 0; !stop; i++) {
    const broker = brokers[(w + i) % 2]!;
    const ref = `w${w}-${i}`;
    tried++;
    try {
      const res = await fetch(`${broker.base}/auth/rest/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          flow: 'redirect',
          allowedProviders: ['idporten'],
          externalReference: ref,
          callbackUrls: { success: 'http://localhost/s', abort: 'http://localhost/a', error: 'http://localhost/e' },
        }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: string; code?: string };
      count(
        res.ok
          ? '200'
          : `${res.status} ${body.code ?? ''}${process.env.FAULT_DEBUG ? ` ${(w + i) % 2 ? 'B' : 'A'} ${(body as { detail?: string }).detail}` : ''}`.trim(),
      );
      if (res.ok && body.id) created.set(body.id, ref);
    } catch (e) {
      count(`connection: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name}`);
    }
  }
}

const started = Date.now();
const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
const events: string[] = [];
const at = (s: number) => new Promise((r) => setTimeout(r, Math.max(0, started + s * 1000 - Date.now())));

await at(SECONDS * 0.25);
brokers[1]!.child.kill('SIGKILL');
events.push(`${((Date.now() - started) / 1000).toFixed(1)} s: broker B killed with SIGKILL`);
brokers[1] = await startBroker(ports[1]!, join(dir, 'b'));
events.push(`${((Date.now() - started) / 1000).toFixed(1)} s: broker B restarted`);

await at(SECONDS * 0.5);
if (process.env.FAULT_PG_RESTART !== 'off') {
  const cluster = readdirSync('/etc/postgresql')[0];
  const r = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', cluster ?? '', 'main', 'restart'], { encoding: 'utf8' });
  events.push(
    `${((Date.now() - started) / 1000).toFixed(1)} s: PostgreSQL restart ${r.status === 0 ? 'done' : `failed: ${r.stderr.trim()}`}`,
  );
}

await at(SECONDS);
stop = true;
await load;

// Every session that got a 200 reads back, with its externalReference, from either broker.
let lost = 0;
let wrong = 0;
const readToken = await token(brokers[0]!.base);
for (const [id, ref] of created) {
  const res = await fetch(`${brokers[0]!.base}/auth/rest/sessions/${id}`, { headers: { authorization: `Bearer ${readToken}` } });
  if (res.status === 404) lost++;
  else if (((await res.json()) as { externalReference?: string }).externalReference !== ref) wrong++;
}

for (const b of brokers) b.child.kill('SIGTERM');
await Promise.all(brokers.map((b) => once(b.child, 'exit')));
const cleanup = new pg.Client({ connectionString: DATABASE_URL });
await cleanup.connect();
await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
await cleanup.end();
rmSync(dir, { recursive: true, force: true });

const server5xx = [...outcomes].filter(([k]) => /^5\d\d/.test(k) && !k.startsWith('503')).reduce((n, [, v]) => n + v, 0);
console.log(`fault test: ${SECONDS} s, ${WORKERS} workers over two brokers`);
for (const e of events) console.log(`  ${e}`);
console.log(`  requests tried: ${tried}`);
for (const [k, v] of [...outcomes].sort((a, b) => b[1] - a[1])) console.log(`    ${k}: ${v}`);
console.log(`  sessions created (200): ${created.size}; lost: ${lost}; read back wrong: ${wrong}; 5xx other than 503: ${server5xx}`);
process.exit(lost === 0 && wrong === 0 && server5xx === 0 ? 0 : 1);
