// npm run bench: starts what it measures in child processes, loads them with autocannon, and prints one
// table (plus bench/results/<time>.json). Every figure is set against a reference measured in the same run:
// the token endpoint against panva's oidc-provider, session create/get against a floor server doing only
// the irreducible work on the same store. DATABASE_URL adds the PostgreSQL rows and the scale rows.
//   BENCH_DURATION (seconds per load run, default 8), BENCH_CONNECTIONS (default 16),
//   BENCH_JOURNEY_CONCURRENCY (default 8), BENCH_SCALE_ROWS (default 1000000), BENCH_PROFILE=1 (CPU profile of
//   each load run, broker and reference), BENCH_ONLY=token,sessions,encrypted,journeys,headless,scale,events (a part), BENCH_PIN=0 (no core pinning).
import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import pg from 'pg';
import { reservePort } from '../test/helpers.ts';
import { Agent, formAction } from '../test/agent.ts';
import { profileByArea, summariseProfile } from './profile.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const JOURNEY_CONCURRENCY = Number(process.env.BENCH_JOURNEY_CONCURRENCY ?? 8);
const SCALE_ROWS = Number(process.env.BENCH_SCALE_ROWS ?? 1_000_000);
const DATABASE_URL = process.env.DATABASE_URL || undefined;
const PROFILE = process.env.BENCH_PROFILE === '1';
const NODE = process.execPath;
// BENCH_ONLY=token,sessions,journeys,scale runs a part (for iterating on one figure).
const ONLY = new Set((process.env.BENCH_ONLY ?? 'token,sessions,encrypted,journeys,headless,scale,events').split(',').map((s) => s.trim()));
/** People in the headless Swedish BankID row at once. */
const HEADLESS_CONCURRENCY = 20;
// On a machine with two or more cores the measured server gets core 0 to itself and the load generator (this
// process) runs on core 1: each figure is then per server core, and the two sides stop stealing each other's
// time, which made ratios move by ±0.1 between runs. BENCH_PIN=0 turns it off.
const PIN = process.env.BENCH_PIN !== '0' && cpus().length >= 2 && hasTaskset();
function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
if (PIN) execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });

interface Row {
  group: string;
  what: string;
  store: string;
  rps: number;
  p50: number;
  p99: number;
  cpuUs?: number;
  ref?: { name: string; rps: number; p50: number; p99: number; cpuUs?: number };
  ratio?: number;
  note?: string;
}
const rows: Row[] = [];
const memory: Record<string, { restMiB: number; peakMiB: number }> = {};
const extra: Record<string, unknown> = {};

interface Child {
  proc: ChildProcess;
  info: Record<string, any>;
  /** Where it listens: the port it was given, or the one it reports in its ready line (it listened on port 0). */
  port: number;
  peakRss: number;
  /** Resolves with the next JSON line the child prints that has `key`. */
  nextMessage(key: string): Promise<Record<string, any>>;
  stop(): Promise<void>;
}

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts a server script; `pin` names the core it runs on when pinning is on. Without `port` the server listens
 * on port 0 and reports the port it got; with one (reserved by the caller, who holds it until this resolves)
 * it listens there.
 */
async function startChild(script: string, env: Record<string, string>, opts: { port?: number; pin?: number } = {}): Promise<Child> {
  const { port: fixedPort, pin } = opts;
  const [cmd, args] = PIN && pin !== undefined ? ['taskset', ['-c', String(pin), NODE, script]] : [NODE, [script]];
  const profileEnv = PROFILE ? { BENCH_PROFILE_DIR: join('bench', 'results', 'profile') } : {};
  const proc = spawn(cmd, args, {
    env: { ...process.env, ...env, ...profileEnv, PORT: String(fixedPort ?? 0) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const waiters: { key: string; resolve: (m: Record<string, any>) => void }[] = [];
  let buf = '';
  proc.stdout!.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const message = JSON.parse(line) as Record<string, any>;
      const i = waiters.findIndex((w) => w.key in message);
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(message);
    }
  });
  const nextMessage = (key: string) => new Promise<Record<string, any>>((resolve) => waiters.push({ key, resolve }));
  const info = await new Promise<Record<string, any>>((resolve, reject) => {
    void nextMessage('ready').then(resolve);
    proc.on('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
  return {
    proc,
    info,
    port: fixedPort ?? info.port,
    peakRss: 0,
    nextMessage,
    stop: () =>
      new Promise((resolve) => {
        proc.removeAllListeners('exit');
        proc.on('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** With BENCH_PROFILE=1, profiles the child over exactly `fn` and keeps a summary under `label`. */
async function profiling<T>(child: Child, label: string, fn: () => Promise<T>): Promise<T> {
  if (!PROFILE) return fn();
  const started = child.nextMessage('profiling');
  child.proc.kill('SIGUSR2');
  await started;
  const result = await fn();
  const written = child.nextMessage('profile');
  child.proc.kill('SIGUSR2');
  const { profile } = await written;
  extra[`cpu profile, ${label}`] = [...profileByArea(profile), '-- by function --', ...summariseProfile(profile, 15)];
  return result;
}

/** Samples a child's resident memory while a load runs. */
async function whileSampling<T>(child: Child, fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => (child.peakRss = Math.max(child.peakRss, rssMiB(child.proc.pid!))), 100);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/** CPU seconds (user + system, all threads) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Server CPU per request (µs), all its threads: steadier than throughput on a shared machine. */
  cpuUs: number;
}

/** One autocannon run against `server`, profiled under `label` when BENCH_PROFILE=1. */
async function load(
  server: Child,
  label: string,
  opts: { url: string; method?: string; headers?: Record<string, string>; body?: string; connections?: number },
): Promise<LoadResult> {
  const cpuBefore = cpuSeconds(server.proc.pid!);
  const r = await profiling(server, label, () =>
    autocannon({
      url: opts.url,
      method: (opts.method ?? 'GET') as 'GET',
      headers: opts.headers,
      body: opts.body,
      connections: opts.connections ?? CONNECTIONS,
      duration: DURATION,
    }),
  );
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > r.requests.total * 0.01) throw new Error(`${opts.method ?? 'GET'} ${opts.url}: ${bad} failures of ${r.requests.total}`);
  const cpuUs = ((cpuSeconds(server.proc.pid!) - cpuBefore) * 1e6) / r.requests.total;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: bad, cpuUs };
}

async function token(base: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${base}/auth/open/connect/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=signicat-api',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const SESSION_BODY = JSON.stringify({
  flow: 'redirect',
  language: 'nb',
  requestedLoa: 'substantial',
  allowedProviders: ['idporten'],
  requestedAttributes: ['nin', 'name', 'idportenIdp', 'idportenLoa', 'idportenSub', 'idpId'],
  callbackUrls: { success: 'https://localhost/success', abort: 'https://localhost/abort', error: 'https://localhost/error' },
});

async function newSchema(): Promise<string | undefined> {
  if (!DATABASE_URL) return undefined;
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`CREATE SCHEMA ${name}`);
  await c.end();
  return name;
}

async function dropSchema(name: string | undefined) {
  if (!name || !DATABASE_URL) return;
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`DROP SCHEMA ${name} CASCADE`);
  await c.end();
}

async function benchToken() {
  const broker = await startChild('bench/servers/broker.ts', { DATABASE_URL: '' }, { pin: 0 });
  const secret = 'bench-peer-secret-0123456789abcdefghijkl';
  const peer = await startChild('bench/servers/oidc-provider-cc.ts', { CLIENT_SECRET: secret }, { pin: 0 });
  try {
    const form = 'grant_type=client_credentials&scope=signicat-api';
    const headers = (id: string, s: string) => ({
      authorization: `Basic ${Buffer.from(`${id}:${s}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    });
    const ours = await whileSampling(broker, () =>
      load(broker, 'token endpoint', {
        url: `http://127.0.0.1:${broker.port}/auth/open/connect/token`,
        method: 'POST',
        headers: headers(broker.info.clientId, broker.info.clientSecret),
        body: form,
      }),
    );
    const theirs = await load(peer, 'token endpoint, oidc-provider', {
      url: `http://127.0.0.1:${peer.port}/token`,
      method: 'POST',
      headers: headers('bench', secret),
      body: form,
    });
    rows.push({
      group: 'token endpoint',
      what: 'tokens/s',
      store: 'pglite',
      ...ours,
      ref: { name: 'oidc-provider', ...theirs },
      ratio: ours.rps / theirs.rps,
    });
  } finally {
    await broker.stop();
    await peer.stop();
  }
}

async function benchSessions(store: 'pglite' | 'postgres', label: string = store, schemaOverride?: string): Promise<void> {
  const schema = schemaOverride ?? (await newSchema());
  const env = { DATABASE_URL: store === 'postgres' ? DATABASE_URL! : '', ...(schema ? { BENCH_SCHEMA: schema } : {}) };
  const broker = await startChild('bench/servers/broker.ts', env, { pin: 0 });
  const floor = await startChild('bench/servers/floor.ts', env, { pin: 0 });
  try {
    const base = `http://127.0.0.1:${broker.port}`;
    const restMiB = rssMiB(broker.proc.pid!);
    const bearer = await token(base, broker.info.clientId, broker.info.clientSecret);
    const json = { 'content-type': 'application/json' };
    const create = await whileSampling(broker, () =>
      load(broker, `session create (${label})`, {
        url: `${base}/auth/rest/sessions`,
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${bearer}` },
        body: SESSION_BODY,
      }),
    );
    const floorCreate = await load(floor, `session create (${label}), floor`, {
      url: `http://127.0.0.1:${floor.port}/auth/rest/sessions`,
      method: 'POST',
      headers: json,
      body: SESSION_BODY,
    });
    rows.push({
      group: 'session create',
      what: 'req/s',
      store: label,
      ...create,
      ref: { name: 'floor', ...floorCreate },
      ratio: create.rps / floorCreate.rps,
    });
    const made = (await (
      await fetch(`${base}/auth/rest/sessions`, {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${bearer}` },
        body: SESSION_BODY,
      })
    ).json()) as { id: string };
    const floorMade = (await (
      await fetch(`http://127.0.0.1:${floor.port}/auth/rest/sessions`, { method: 'POST', headers: json, body: SESSION_BODY })
    ).json()) as { id: string };
    const get = await whileSampling(broker, () =>
      load(broker, `session get (${label})`, {
        url: `${base}/auth/rest/sessions/${made.id}`,
        headers: { authorization: `Bearer ${bearer}` },
      }),
    );
    const floorGet = await load(floor, `session get (${label}), floor`, {
      url: `http://127.0.0.1:${floor.port}/auth/rest/sessions/${floorMade.id}`,
    });
    rows.push({
      group: 'session get',
      what: 'req/s',
      store: label,
      ...get,
      ref: { name: 'floor', ...floorGet },
      ratio: get.rps / floorGet.rps,
    });
    memory[`broker (${label})`] = { restMiB, peakMiB: broker.peakRss };
  } finally {
    await broker.stop();
    await floor.stop();
    if (!schemaOverride) await dropSchema(schema);
  }
}

/**
 * The cost of encrypted results: GET of a session created with encryptionPublicKey (an open one, so every
 * answer is a fresh JWE: the worst case; a finished one answers the JWE stored at finish) against GET of a
 * plain session, same broker, same run. One row per key type Signicat documents first (RSA 2048, EC P-256).
 */
async function benchEncrypted() {
  const { compactDecrypt, exportJWK, generateKeyPair } = await import('jose');
  const broker = await startChild('bench/servers/broker.ts', { DATABASE_URL: '' }, { pin: 0 });
  try {
    const base = `http://127.0.0.1:${broker.port}`;
    const bearer = await token(base, broker.info.clientId, broker.info.clientSecret);
    const createWith = async (extra: Record<string, unknown>) => {
      const res = await fetch(`${base}/auth/rest/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ ...JSON.parse(SESSION_BODY), ...extra }),
      });
      if (res.status !== 200) throw new Error(`create: ${res.status} ${await res.text()}`);
      return { type: res.headers.get('content-type') ?? '', text: await res.text() };
    };
    const getLoad = (label: string, id: string) =>
      load(broker, label, { url: `${base}/auth/rest/sessions/${id}`, headers: { authorization: `Bearer ${bearer}` } });
    const plain = JSON.parse((await createWith({})).text) as { id: string };
    const plainGet = await getLoad('session get, plain', plain.id);
    for (const [name, alg, opts] of [
      ['RSA-OAEP 2048', 'RSA-OAEP', { modulusLength: 2048 }],
      ['ECDH-ES P-256', 'ECDH-ES', { crv: 'P-256' }],
    ] as const) {
      const { publicKey, privateKey } = await generateKeyPair(alg, { ...opts, extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), use: 'enc', alg, kid: 'bench' };
      const made = await createWith({ encryptionPublicKey: jwk });
      if (made.type !== 'application/jose') throw new Error(`encrypted create answered ${made.type}`);
      const { id } = JSON.parse(new TextDecoder().decode((await compactDecrypt(made.text, privateKey)).plaintext)) as { id: string };
      const enc = await whileSampling(broker, () => getLoad(`session get, encrypted ${name}`, id));
      rows.push({
        group: 'encrypted get',
        what: 'req/s',
        store: 'pglite',
        ...enc,
        ref: { name: 'plain get', ...plainGet },
        ratio: enc.rps / plainGet.rps,
        note: `${name}, A256GCM; an open session, so every answer is a fresh JWE`,
      });
    }
  } finally {
    await broker.stop();
  }
}

/**
 * Webhook delivery on PostgreSQL, in this process (broker, worker and receiver share it; the receiver verifies
 * every request with standardwebhooks, as a real one would): events delivered per second by one worker
 * draining a backlog, and end-to-end latency from the committed transition to the receiver with the worker
 * polling every 100 ms (WEBHOOK_POLL_INTERVAL_MS; the default 1000 ms adds up to a second).
 */
async function benchEvents() {
  const schema = await newSchema();
  const { loadConfig } = await import('../src/config.ts');
  const { createBroker } = await import('../src/broker.ts');
  const { createLogger } = await import('../src/log.ts');
  const { configureTestProviders } = await import('../test/helpers.ts');
  const { WebhookReceiver } = await import('../test/fixtures/webhook-receiver.ts');
  const config = loadConfig({
    DATABASE_URL: DATABASE_URL ?? '',
    DATA_DIR: 'memory://',
    SIMULATOR: 'off',
    LOG_LEVEL: 'warn',
    WEBHOOK_POLL_INTERVAL_MS: '100',
  });
  const broker = await createBroker(config, { schema, purge: false, events: false, logger: createLogger('warn') });
  const receiver = new WebhookReceiver();
  const arrivals: number[] = [];
  receiver.on('request', (r: { envelope: { timestamp: string } }) => arrivals.push(Date.now() - Date.parse(r.envelope.timestamp)));
  try {
    const account = await broker.accounts.createAccount({ name: 'bench', callbackDomains: ['example.com', 'localhost', '127.0.0.1'] });
    await configureTestProviders(broker, account.id);
    const url = await receiver.listen(reservePort());
    const { secret } = await broker.webhooks.create(account.id, { url, eventNames: ['authentication-api:session.created'] });
    receiver.secrets = [secret];
    const request = JSON.parse(SESSION_BODY);
    const n = 3000;
    for (let i = 0; i < n; i++) await broker.sessions.create(account.id, request);
    const t0 = performance.now();
    while (receiver.received.length < n + 1) await broker.delivery.runOnce();
    const seconds = (performance.now() - t0) / 1000;
    const unverified = receiver.received.filter((r) => r.verifiedWith !== 0).length;
    rows.push({
      group: 'webhook delivery',
      what: 'events/s',
      store: 'postgres',
      rps: n / seconds,
      p50: Number.NaN,
      p99: Number.NaN,
      note: `backlog of ${n} drained by one worker (batches of 50), receiver verifying each; ${unverified} unverified`,
    });
    arrivals.length = 0;
    broker.eventJobs.start(config.events.pollIntervalMs);
    const m = 1000;
    const before = receiver.received.length;
    const paced = performance.now();
    for (let i = 0; i < m; i++) {
      await broker.sessions.create(account.id, request);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    while (receiver.received.length < before + m) await once(receiver, 'request');
    const sorted = arrivals.slice(-m).sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
    rows.push({
      group: 'webhook latency',
      what: 'events/s at a paced rate; p50/p99 transition → receiver',
      store: 'postgres',
      rps: m / ((performance.now() - paced) / 1000),
      p50: pct(50),
      p99: pct(99),
      note: `${m} session creates ~2 ms apart, worker polling every ${config.events.pollIntervalMs} ms`,
    });
  } finally {
    await receiver.close();
    await broker.close();
    await dropSchema(schema);
  }
}

/** Complete journeys at a fixed concurrency: create → authenticationUrl → simulator → login → callback → read. */
async function benchJourneys(store: 'pglite' | 'postgres') {
  const schema = await newSchema();
  // The simulator must know the broker's callback URL before the broker starts (and the broker the simulator's
  // issuer), so the broker's port is reserved now and held until the broker listens on it.
  using reserved = reservePort();
  const brokerPort = reserved.address().port;
  const brokerUrl = `http://localhost:${brokerPort}`;
  const simSecret = 'bench-sim-secret-0123456789abcdefghijkl';
  // The simulator shares core 1 with the script that drives the journeys; the broker has core 0.
  const sim = await startChild('bench/servers/simulator.ts', { SIM_SECRET: simSecret, BROKER_URL: brokerUrl }, { pin: 1 });
  const env = {
    DATABASE_URL: store === 'postgres' ? DATABASE_URL! : '',
    PUBLIC_URL: brokerUrl,
    SIM_ISSUER: sim.info.issuer,
    SIM_SECRET: simSecret,
    ...(schema ? { BENCH_SCHEMA: schema } : {}),
  };
  // The broker must listen on the port its PUBLIC_URL names (the simulator redirects there).
  const broker = await startChild('bench/servers/broker.ts', env, { port: brokerPort, pin: 0 });
  reserved.close();
  try {
    const bearer = await token(brokerUrl, broker.info.clientId, broker.info.clientSecret);
    const latencies: number[] = [];
    let brokerMs = 0;
    let simMs = 0;
    let failures = 0;
    const simOrigin = new URL(sim.info.issuer).origin;
    const deadline = Date.now() + DURATION * 1000;
    const one = async () => {
      const started = performance.now();
      const agent = new Agent();
      const created = (await (
        await fetch(`${brokerUrl}/auth/rest/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: SESSION_BODY,
        })
      ).json()) as { id: string; authenticationUrl: string };
      const t0 = performance.now();
      const page = await agent.follow(created.authenticationUrl, {}, 'https://localhost/');
      const landed = await agent.follow(
        formAction(page.body, page.url),
        { form: { action: 'login', eid: 'bankid', person: sim.info.pid } },
        'https://localhost/',
      );
      const t1 = performance.now();
      const read = (await (
        await fetch(`${brokerUrl}/auth/rest/sessions/${created.id}`, { headers: { authorization: `Bearer ${bearer}` } })
      ).json()) as { status: string };
      const ended = performance.now();
      if (read.status !== 'SUCCESS' || !landed.url.startsWith('https://localhost/success')) {
        failures++;
        return;
      }
      latencies.push(ended - started);
      const simPart = agent.timeByOrigin.get(simOrigin) ?? 0;
      simMs += simPart;
      brokerMs += t0 - started + (t1 - t0 - simPart) + (ended - t1);
    };
    const cpu0 = { broker: cpuSeconds(broker.proc.pid!), sim: cpuSeconds(sim.proc.pid!) };
    await whileSampling(broker, () =>
      profiling(broker, `journeys (${store})`, () =>
        Promise.all(
          Array.from({ length: JOURNEY_CONCURRENCY }, async () => {
            while (Date.now() < deadline) await one();
          }),
        ),
      ),
    );
    const journeys = latencies.length + failures;
    const brokerCpuUs = ((cpuSeconds(broker.proc.pid!) - cpu0.broker) * 1e6) / journeys;
    const simCpuUs = ((cpuSeconds(sim.proc.pid!) - cpu0.sim) * 1e6) / journeys;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    rows.push({
      group: 'journeys',
      what: 'journeys/s',
      store,
      rps: latencies.length / DURATION,
      p50: pct(50),
      p99: pct(99),
      cpuUs: brokerCpuUs,
      note: `concurrency ${JOURNEY_CONCURRENCY}; simulator CPU ${fmt(simCpuUs)} µs/journey; time in broker ${((100 * brokerMs) / (brokerMs + simMs)).toFixed(0)}%, simulator ${((100 * simMs) / (brokerMs + simMs)).toFixed(0)}%; ${failures} failed`,
    });
    if (failures > 0) throw new Error(`${failures} journeys failed`);
    await benchOidcLogins(store, brokerUrl, broker, sim);
  } finally {
    await broker.stop();
    await sim.stop();
    await dropSchema(schema);
  }
}

/**
 * Headless Swedish BankID: create → the person scans the QR code and approves in the simulator's test app →
 * the service polls GET until SUCCESS. Broker CPU per completed session, the simulator's CPU apart (its own
 * process). The broker polls BankID every BENCH_POLL_MS (500 here, BankID's 2 s in production: the rate
 * per concurrent person is bounded by it, the CPU per session hardly).
 */
async function benchHeadless(store: 'pglite' | 'postgres') {
  const schema = await newSchema();
  const sim = await startChild('bench/servers/sbid-simulator.ts', {}, { pin: 1 });
  const { ready: _ready, people, ...simInfo } = sim.info;
  const broker = await startChild(
    'bench/servers/broker.ts',
    {
      DATABASE_URL: store === 'postgres' ? DATABASE_URL! : '',
      SBID_SIM: JSON.stringify(simInfo),
      BENCH_POLL_MS: '500',
      ...(schema ? { BENCH_SCHEMA: schema } : {}),
    },
    { pin: 0 },
  );
  try {
    const brokerUrl = `http://127.0.0.1:${broker.port}`;
    const bearer = await token(brokerUrl, broker.info.clientId, broker.info.clientSecret);
    const appUrl = sim.info.appUrl as string;
    const latencies: number[] = [];
    let failures = 0;
    const get = (id: string) =>
      fetch(`${brokerUrl}/auth/rest/sessions/${id}`, { headers: { authorization: `Bearer ${bearer}` } }).then(
        (r) => r.json() as Promise<{ status: string; idpData?: { qrData: string } }>,
      );
    const appPost = (t: string, action: string, person?: string) =>
      fetch(`${appUrl}/app/order`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ t, action, lang: 'en', ...(person ? { person } : {}) }),
      }).then((r) => r.text());
    const one = async (person: string) => {
      const started = performance.now();
      const created = (await (
        await fetch(`${brokerUrl}/auth/rest/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify({
            flow: 'headless',
            allowedProviders: ['sbid'],
            requestedAttributes: ['nin', 'name'],
            additionalParameters: { sbid_flow: 'QR', sbid_end_user_ip: '192.0.2.10' },
          }),
        })
      ).json()) as { id: string; status: string; idpData?: { qrData: string } };
      const scanned = await fetch(`${appUrl}/app/scan?qr=${encodeURIComponent(created.idpData?.qrData ?? '')}`, { redirect: 'manual' });
      const t = new URL(scanned.headers.get('location') ?? '/', appUrl).searchParams.get('t') ?? '';
      await scanned.text();
      await appPost(t, 'identify', person);
      await appPost(t, 'approve');
      let s = await get(created.id);
      while (s.status === 'CREATED' || s.status === 'WAITING_FOR_USER') {
        await new Promise((resolve) => setTimeout(resolve, 200));
        s = await get(created.id);
      }
      if (s.status !== 'SUCCESS') {
        failures++;
        process.stderr.write(`headless session ended ${JSON.stringify(s)}\n`);
      } else latencies.push(performance.now() - started);
    };
    const deadline = Date.now() + DURATION * 1000;
    const cpu0 = { broker: cpuSeconds(broker.proc.pid!), sim: cpuSeconds(sim.proc.pid!) };
    await Promise.all(
      Array.from({ length: HEADLESS_CONCURRENCY }, async (_, i) => {
        while (Date.now() < deadline) await one((people as string[])[i] ?? '');
      }),
    );
    const done = latencies.length;
    const brokerCpuUs = ((cpuSeconds(broker.proc.pid!) - cpu0.broker) * 1e6) / Math.max(1, done);
    const simCpuUs = ((cpuSeconds(sim.proc.pid!) - cpu0.sim) * 1e6) / Math.max(1, done);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    rows.push({
      group: 'headless sbid',
      what: 'sessions/s',
      store,
      rps: done / DURATION,
      p50: pct(50),
      p99: pct(99),
      cpuUs: brokerCpuUs,
      note: `concurrency ${HEADLESS_CONCURRENCY}; create, scan, approve, GET every 200 ms until SUCCESS; broker polls BankID every 500 ms; simulator CPU ${fmt(simCpuUs)} µs/session (apart); ${failures} failed`,
    });
    if (failures > 0) throw new Error(`${failures} headless sessions failed`);
  } finally {
    await broker.stop();
    await sim.stop();
    await dropSchema(schema);
  }
}

/**
 * Complete OIDC logins through the OpenID Provider, beside the REST journeys of the same run (same broker,
 * simulator and concurrency): authorize with PKCE → interaction → hosted journey → simulator → resume →
 * code at the RP's redirect URI → token request → userinfo.
 */
async function benchOidcLogins(store: 'pglite' | 'postgres', brokerUrl: string, broker: Child, sim: Child) {
  const basicAuth = `Basic ${Buffer.from(`${broker.info.oidcClientId}:${broker.info.oidcClientSecret}`).toString('base64')}`;
  const latencies: number[] = [];
  let failures = 0;
  const deadline = Date.now() + DURATION * 1000;
  const one = async () => {
    const started = performance.now();
    const agent = new Agent();
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${brokerUrl}/auth/open/connect/authorize`);
    for (const [k, v] of Object.entries({
      client_id: String(broker.info.oidcClientId),
      response_type: 'code',
      redirect_uri: 'https://localhost/oidc',
      scope: 'openid profile nin',
      acr_values: 'idp:idporten',
      state: randomBytes(8).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(k, v);
    const page = await agent.follow(authorize, {}, 'https://localhost/');
    const landed = await agent.follow(
      formAction(page.body, page.url),
      { form: { action: 'login', eid: 'bankid', person: String(sim.info.pid) } },
      'https://localhost/',
    );
    const code = new URL(landed.url).searchParams.get('code');
    const tokenRes = await fetch(`${brokerUrl}/auth/open/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: 'https://localhost/oidc',
        code_verifier: verifier,
      }),
    });
    const tokens = (await tokenRes.json()) as { access_token?: string; id_token?: string };
    const info = tokens.access_token
      ? await fetch(`${brokerUrl}/auth/open/connect/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
      : undefined;
    const ok = info?.status === 200 && typeof ((await info.json()) as { nin?: string }).nin === 'string' && tokens.id_token;
    if (!ok) {
      failures++;
      return;
    }
    latencies.push(performance.now() - started);
  };
  const cpu0 = cpuSeconds(broker.proc.pid!);
  await Promise.all(
    Array.from({ length: JOURNEY_CONCURRENCY }, async () => {
      while (Date.now() < deadline) await one();
    }),
  );
  const cpuUs = ((cpuSeconds(broker.proc.pid!) - cpu0) * 1e6) / Math.max(1, latencies.length + failures);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  rows.push({
    group: 'journeys',
    what: 'OIDC logins/s',
    store,
    rps: latencies.length / DURATION,
    p50: pct(50),
    p99: pct(99),
    cpuUs,
    note: `concurrency ${JOURNEY_CONCURRENCY}; authorize → journey → simulator → code → token → userinfo; ${failures} failed`,
  });
  if (failures > 0) throw new Error(`${failures} OIDC logins failed`);
}

/** History does not slow the API: the same create/get with a million finished sessions in the table. */
async function benchScale() {
  const schema = (await newSchema())!;
  // Let the broker create the schema, then fill it.
  const warm = await startChild('bench/servers/broker.ts', { DATABASE_URL: DATABASE_URL!, BENCH_SCHEMA: schema });
  await warm.stop();
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  const t0 = performance.now();
  await c.query(
    `INSERT INTO ${schema}.sessions (id, account_id, status, request, created_at, expires_at, finished_at)
    SELECT gen_random_uuid(), 'a-history', 'SUCCESS', $1::jsonb, now() - interval '10 days', now() - interval '10 days' + interval '20 minutes', now() - interval '10 days'
    FROM generate_series(1, $2::int)`,
    [SESSION_BODY, SCALE_ROWS],
  );
  await c.query(`ANALYZE ${schema}.sessions`);
  extra.scaleFillSeconds = ((performance.now() - t0) / 1000).toFixed(1);
  await c.end();
  try {
    await benchSessions('postgres', `postgres, ${(SCALE_ROWS / 1e6).toFixed(1)}M rows`, schema);
    // Purge cost: delete 100 batches of 1000 of those rows through the store's own purge.
    const { Store } = await import('../src/store/index.ts');
    const store = await Store.open({ databaseUrl: DATABASE_URL, schema });
    const batches = 100;
    const t1 = performance.now();
    let deleted = 0;
    for (let i = 0; i < batches; i++) deleted += await store.sessions.purge(new Date(Date.now() - 86400_000), 1000);
    const ms = performance.now() - t1;
    extra.purge = { deleted, msPer1000Rows: +(ms / (deleted / 1000)).toFixed(2), tableRows: SCALE_ROWS };
    await store.close();
  } finally {
    await dropSchema(schema);
  }
}

function fmt(n: number, d = 0) {
  return n.toFixed(d).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

function printTable() {
  const lines = [
    '| measure | store | eidgate | p50 ms | p99 ms | CPU µs/req | reference | ref | ref p50 | ref p99 | ref CPU µs/req | ratio | notes |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.group} (${r.what}) | ${r.store} | ${fmt(r.rps, r.rps < 100 ? 1 : 0)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.cpuUs ? fmt(r.cpuUs) : ''} | ${r.ref?.name ?? ''} | ${r.ref ? fmt(r.ref.rps) : ''} | ${r.ref ? fmt(r.ref.p50, 1) : ''} | ${r.ref ? fmt(r.ref.p99, 1) : ''} | ${r.ref?.cpuUs ? fmt(r.ref.cpuUs) : ''} | ${r.ratio ? `${r.ratio.toFixed(2)}×` : ''} | ${r.note ?? ''} |`,
    ),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\nResident memory of the broker process (MiB):\n`);
  for (const [k, v] of Object.entries(memory))
    process.stdout.write(`  ${k}: at rest ${v.restMiB.toFixed(0)}, peak under load ${v.peakMiB.toFixed(0)}\n`);
  for (const [k, v] of Object.entries(extra)) process.stdout.write(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v, null, 2)}\n`);
}

const started = Date.now();
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
  node: process.version,
  durationPerRunSeconds: DURATION,
  connections: CONNECTIONS,
  pinned: PIN ? 'server on core 0, load generator on core 1' : false,
};
process.stdout.write(`eidgate bench: ${JSON.stringify(machine)}\n`);
if (ONLY.has('token')) await benchToken();
if (ONLY.has('sessions')) await benchSessions('pglite');
if (ONLY.has('encrypted')) await benchEncrypted();
if (ONLY.has('journeys')) await benchJourneys('pglite');
if (DATABASE_URL) {
  if (ONLY.has('sessions')) await benchSessions('postgres');
  if (ONLY.has('journeys')) await benchJourneys('postgres');
  if (ONLY.has('headless')) await benchHeadless('postgres');
  if (ONLY.has('scale')) await benchScale();
  if (ONLY.has('events')) await benchEvents();
} else {
  process.stdout.write('(set DATABASE_URL to add PostgreSQL and the million-row scale figures)\n');
}
printTable();
mkdirSync('bench/results', { recursive: true });
const file = join('bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ machine, rows, memory, extra, seconds: (Date.now() - started) / 1000 }, null, 2));
process.stdout.write(`\nwritten ${file} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
