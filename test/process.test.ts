// The broker and the CLI as a user runs them: real processes, real ports, the README's commands.
import { PROVIDER_IDS, PROVIDERS } from '../src/domain/providers/registry.ts';
import { generatePki } from '../src/simulator/sbid/certs.ts';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DATABASE_URL, call, dropSchema, getToken, newSchema, reservePort, validSessionRequest } from './helpers.ts';

const NODE = process.execPath;
const dirs: string[] = [];
const schemas: string[] = [];
after(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const s of schemas) await dropSchema(s);
});

/** Environment for a fresh store: a new data dir, or a new schema on the server. */
function storeEnv(): Record<string, string> {
  // A data dir in both cases: without a terminal the development credentials are written there.
  const dir = mkdtempSync(join(tmpdir(), 'eidgate-proc-'));
  dirs.push(dir);
  if (DATABASE_URL) {
    const schema = newSchema();
    schemas.push(schema);
    const u = new URL(DATABASE_URL);
    u.searchParams.set('options', `-c search_path=${schema}`);
    return { DATABASE_URL: u.toString(), EIDGATE_TEST_SCHEMA: schema, DATA_DIR: dir };
  }
  return { DATA_DIR: dir };
}

/** What the development banner says: with no terminal attached (as here) it is in a file in DATA_DIR. */
const banner = (env: Record<string, string>) => {
  const file = join(env.DATA_DIR ?? '', 'development-credentials.txt');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};

async function ensureSchema(env: Record<string, string>) {
  if (!env.EIDGATE_TEST_SCHEMA) return;
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`CREATE SCHEMA IF NOT EXISTS ${env.EIDGATE_TEST_SCHEMA}`);
  await c.end();
}

interface Running {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  port: number;
}

/** Starts `node src/main.ts` and resolves once it logs that it listens. */
async function startProcess(env: Record<string, string>): Promise<Running> {
  await ensureSchema(env);
  // Held until the child listens on the port (see reservePort), so no one else can take it in between.
  using reserved = reservePort();
  const { port } = reserved.address();
  const { EIDGATE_TEST_SCHEMA: _s, ...rest } = env;
  const child = spawn(NODE, ['src/main.ts'], {
    env: { PATH: process.env.PATH, PORT: String(port), SIMULATOR: 'off', ...rest },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: Running = { child, stdout: '', stderr: '', port };
  child.stderr!.on('data', (d) => (r.stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      r.stdout += d;
      if (r.stdout.includes('eidgate is listening')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${r.stderr}`)));
  });
  return r;
}

async function stop(r: Running): Promise<number | null> {
  r.child.kill('SIGTERM');
  const [code] = await once(r.child, 'exit');
  return code as number | null;
}

const field = (out: string, name: string) => new RegExp(`${name}:\\s+(\\S+)`).exec(out)?.[1];

describe('npm start', () => {
  it('brings the broker up, prints development credentials that work, and stops cleanly on SIGTERM', async () => {
    // No simulator here: ID-porten is configured for every account through the IDPORTEN_* overrides.
    const idporten = { IDPORTEN_ISSUER: 'http://127.0.0.1:9', IDPORTEN_CLIENT_ID: 'x', IDPORTEN_CLIENT_SECRET: 'y' };
    const env: Record<string, string> = { ...storeEnv(), ...idporten };
    const r = await startProcess(env);
    const base = `http://127.0.0.1:${r.port}`;
    try {
      const creds = banner(env);
      assert.equal(statSync(join(env.DATA_DIR ?? '', 'development-credentials.txt')).mode & 0o777, 0o600);
      const accountId = field(creds, 'accountId')!;
      const clientId = field(creds, 'client_id')!;
      const secret = field(creds, 'client_secret')!;
      assert.match(accountId, /^a-/);
      const token = await getToken(base, clientId, secret);
      const created = await call(base, 'POST', '/auth/rest/sessions', { token, body: validSessionRequest() });
      assert.equal(created.status, 200);
      assert.equal(created.body.accountId, accountId);
      assert.equal((await call(base, 'GET', '/healthz')).status, 200);
      assert.equal((await call(base, 'GET', '/readyz')).status, 200);
      const metrics = await fetch(`${base}/metrics`).then((x) => x.text());
      assert.match(metrics, /eidgate_http_request_duration_seconds_count\{method="POST",route="\/auth\/rest\/sessions",status="200"\} 1/);
      // stdout is the JSON log stream: every line JSON (no banner in it), with a trace id, and neither the
      // secret nor the token on stdout or stderr.
      const logLines = r.stdout.split('\n').filter(Boolean);
      assert.ok(logLines.length > 0);
      for (const l of logLines) assert.doesNotThrow(() => JSON.parse(l), `not a JSON log line: ${l}`);
      assert.ok(logLines.some((l) => JSON.parse(l).reqId));
      assert.ok(logLines.some((l) => JSON.parse(l).msg?.startsWith('development credentials written to a file')));
      const logs = `${r.stdout}\n${r.stderr}`;
      assert.ok(!logs.includes(secret), 'no secret in logs');
      assert.ok(!logs.includes(token), 'no token in logs');
    } finally {
      assert.equal(await stop(r), 0);
    }
  });

  it('uses fixed development credentials as given, also on a later start', async () => {
    const env = {
      ...storeEnv(),
      EIDGATE_DEV_ACCOUNT_ID: 'a-dev-fixed',
      EIDGATE_DEV_CLIENT_ID: 'dev-client-fixed',
      EIDGATE_DEV_CLIENT_SECRET: 'fixed-secret-0123456789abcdefghijklmnop',
    };
    for (let i = 0; i < 2; i++) {
      const r = await startProcess(env);
      try {
        assert.equal(field(banner(env), 'accountId'), 'a-dev-fixed');
        assert.equal(field(banner(env), 'client_id'), 'dev-client-fixed');
        const token = await getToken(`http://127.0.0.1:${r.port}`, 'dev-client-fixed', env.EIDGATE_DEV_CLIENT_SECRET);
        assert.ok(token);
      } finally {
        await stop(r);
      }
    }
  });

  it('bootstraps and prints nothing in production', async () => {
    const env = {
      ...storeEnv(),
      EIDGATE_ENV: 'production',
      EIDGATE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      PUBLIC_URL: 'https://login.example.test',
      EIDGATE_ALLOW_EMBEDDED_STORE: 'true',
    };
    const r = await startProcess(env);
    try {
      for (const out of [r.stdout, r.stderr, banner(env)]) {
        assert.ok(!out.includes('client_secret'));
        assert.ok(!out.includes('development account'));
      }
    } finally {
      await stop(r);
    }
  });

  it('refuses to start with a bad configuration, naming the value', async () => {
    const res = spawnSync(NODE, ['src/main.ts'], {
      env: { PATH: process.env.PATH, PORT: 'abc', DATABASE_URL: 'mysql://x' },
      encoding: 'utf8',
    });
    assert.equal(res.status, 2);
    assert.match(res.stderr, /PORT: "abc"/);
    assert.match(res.stderr, /DATABASE_URL/);
    assert.ok(!res.stderr.includes('    at '), 'no stack trace');
  });
});

describe('eidgate CLI', () => {
  const env = storeEnv();
  const cli = (...args: string[]) => {
    const { EIDGATE_TEST_SCHEMA: _s, ...rest } = env;
    return spawnSync(NODE, ['src/cli/main.ts', ...args], { env: { PATH: process.env.PATH, ...rest }, encoding: 'utf8' });
  };
  const json = (...args: string[]) => {
    const r = cli(...args, '--json');
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  it('manages accounts, domains, clients, secrets and keys, with --json for scripts', async () => {
    await ensureSchema(env);
    const account = json('accounts', 'create', '--name', 'Kommune', '--callback-domain', 'app.kommune.no');
    assert.match(account.id, /^a-/);
    assert.deepEqual(json('accounts', 'add-domain', account.id, 'Other.Kommune.no').callbackDomains, [
      'app.kommune.no',
      'other.kommune.no',
    ]);
    assert.deepEqual(json('accounts', 'remove-domain', account.id, 'app.kommune.no').callbackDomains, ['other.kommune.no']);
    assert.ok(json('accounts', 'list').some((a: { id: string }) => a.id === account.id));
    const client = json('clients', 'create', '--account', account.id, '--token-lifetime', '120');
    assert.equal(client.tokenLifetime, 120);
    assert.ok(client.clientSecret.length >= 32);
    const listed = json('clients', 'list', '--account', account.id);
    assert.equal(listed.length, 1);
    assert.ok(!JSON.stringify(listed).includes(client.clientSecret), 'list never shows a secret');
    assert.ok(!JSON.stringify(listed).includes('sha256$'), 'nor its hash');
    const added = json('secrets', 'add', client.clientId);
    json('secrets', 'revoke', client.clientId, added.secretId);
    assert.equal(json('clients', 'disable', client.clientId).disabled, true);
    assert.equal(json('clients', 'list', '--account', account.id)[0].disabled, true);
    const keysBefore = json('keys', 'list');
    const rotated = json('keys', 'rotate');
    assert.ok(!keysBefore.some((k: { kid: string }) => k.kid === rotated.kid));
    assert.equal(json('keys', 'list').filter((k: { retiredAt: string | null }) => k.retiredAt === null).length, 1);
  });

  it('configures every registered provider, Ansattporten included, and never shows a secret', async () => {
    await ensureSchema(env);
    const account = json('accounts', 'create', '--name', 'Etat');
    for (const provider of PROVIDERS.filter((p) => p.configKind === 'oidc').map((p) => p.id)) {
      const saved = json(
        'providers',
        'set',
        account.id,
        provider,
        '--issuer',
        `https://${provider}.example/`,
        '--client-id',
        `c-${provider}`,
        '--client-secret',
        'provider-secret-value',
      );
      assert.equal(saved.providerId, provider);
      assert.equal(saved.issuer, `https://${provider}.example`);
      assert.equal(saved.hasSecret, true);
    }
    // Swedish BankID: the RP API preset, BankID's CA and the RP certificate from files; the key is never shown.
    const pki = await generatePki();
    const dir = mkdtempSync(join(tmpdir(), 'eidgate-sbid-'));
    for (const [name, text] of [
      ['ca.pem', pki.caCertPem],
      ['rp.pem', pki.rpCertPem],
      ['rp.key.pem', pki.rpKeyPem],
    ] as const)
      writeFileSync(join(dir, name), text);
    const sbid = json(
      'providers',
      'set',
      account.id,
      'sbid',
      '--bankid-api',
      'test',
      '--ca-file',
      join(dir, 'ca.pem'),
      '--cert-file',
      join(dir, 'rp.pem'),
      '--key-file',
      join(dir, 'rp.key.pem'),
    );
    assert.equal(sbid.bankid.apiUrl, 'https://appapi2.test.bankid.com/rp/v6.0');
    assert.equal(sbid.hasRpCertificate, true);
    rmSync(dir, { recursive: true, force: true });
    const list = json('providers', 'list', account.id);
    assert.ok(!JSON.stringify(list).includes(pki.rpKeyPem.split('\n')[1] ?? 'x'), 'the RP key is never shown');
    assert.deepEqual(
      list.map((p: { providerId: string }) => p.providerId),
      [...PROVIDER_IDS],
    );
    assert.ok(!JSON.stringify(list).includes('provider-secret-value'));
    const unknown = cli(
      'providers',
      'set',
      account.id,
      'nope',
      '--issuer',
      'https://x.example',
      '--client-id',
      'c',
      '--client-secret',
      's',
    );
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, new RegExp(`unknown provider "nope" \\(known: ${PROVIDER_IDS.join(', ')}\\)`));
  });

  it('answers mistakes with a message and an exit code, never a stack trace', () => {
    const unknownAccount = cli('clients', 'create', '--account', 'a-missing-one');
    assert.equal(unknownAccount.status, 1);
    assert.match(unknownAccount.stderr, /does not exist/);
    const usage = cli('accounts', 'frobnicate');
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /unknown command/);
    const badFlag = cli('accounts', 'list', '--nope');
    assert.equal(badFlag.status, 2);
    const badDomain = cli('accounts', 'create', '--name', 'x', '--callback-domain', 'https://not a host/');
    assert.equal(badDomain.status, 1);
    for (const r of [unknownAccount, usage, badFlag, badDomain]) assert.ok(!r.stderr.includes('    at '), r.stderr);
  });
});

describe('the CLI beside a running broker on the embedded store', { skip: DATABASE_URL !== undefined && 'embedded store only' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'eidgate-admin-'));
  dirs.push(dir);
  const env = { DATA_DIR: dir };
  const cli = (...args: string[]) =>
    spawnSync(NODE, ['src/cli/main.ts', ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });

  it('sends its writes to the broker, so they are seen at once and survive the broker restart', async () => {
    const first = await startProcess(env);
    let account: { id: string };
    let rotated: { kid: string };
    try {
      const created = cli('accounts', 'create', '--name', 'Beside', '--callback-domain', 'beside.example', '--json');
      assert.equal(created.status, 0, created.stderr);
      account = JSON.parse(created.stdout);
      const rotate = cli('keys', 'rotate', '--json');
      assert.equal(rotate.status, 0, rotate.stderr);
      rotated = JSON.parse(rotate.stdout);
      // The broker itself has the account now: a client for it and a token from the broker work.
      const client = JSON.parse(cli('clients', 'create', '--account', account.id, '--json').stdout);
      const token = await getToken(`http://127.0.0.1:${first.port}`, client.clientId, client.clientSecret);
      assert.ok(token.length > 0);
      // A refusal comes back as the command's own: exit 1 and the reason.
      const refused = cli('accounts', 'add-domain', 'a-does-not-exist', 'x.example');
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /a-does-not-exist/);
    } finally {
      assert.equal(await stop(first), 0);
    }
    assert.ok(!existsSync(join(dir, 'admin-endpoint.json')), 'the endpoint is withdrawn at stop');
    // With the broker stopped, the CLI opens the store itself and finds what it wrote before.
    const list = cli('accounts', 'list', '--json');
    assert.equal(list.status, 0, list.stderr);
    assert.ok(JSON.parse(list.stdout).some((a: { id: string }) => a.id === account.id));
    const keys = JSON.parse(cli('keys', 'list', '--json').stdout) as { kid: string; retiredAt: string | null }[];
    assert.ok(
      keys.some((k) => k.kid === rotated.kid && k.retiredAt === null),
      'the rotation meant what it printed',
    );
  });

  it('refuses, changing nothing, when a running broker holds the store but does not answer', () => {
    // This test process plays a live broker whose admin API is gone.
    writeFileSync(join(dir, 'admin-endpoint.json'), JSON.stringify({ pid: process.pid, url: 'http://127.0.0.1:9', token: 'x' }));
    try {
      const r = cli('accounts', 'create', '--name', 'Lost');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /holds DATA_DIR=.*did not answer.*nothing was changed/);
    } finally {
      rmSync(join(dir, 'admin-endpoint.json'));
    }
    const list = JSON.parse(cli('accounts', 'list', '--json').stdout) as { name: string }[];
    assert.ok(!list.some((a) => a.name === 'Lost'));
  });

  it('ignores the endpoint of a broker that died', () => {
    writeFileSync(join(dir, 'admin-endpoint.json'), JSON.stringify({ pid: 2 ** 22 + 17, url: 'http://127.0.0.1:9', token: 'x' }));
    const r = cli('accounts', 'create', '--name', 'After a crash', '--json');
    assert.equal(r.status, 0, r.stderr);
  });
});
