// How the broker process starts when something around it is wrong or not there yet, as an operator sees it:
// real processes (node src/main.ts), their exit codes and what they write on stdout and stderr.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker } from '../src/broker.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { createConnection, createServer, type Socket } from 'node:net';
import { DATABASE_URL, LogCapture, dropSchema, newSchema, reservePort } from './helpers.ts';

const NODE = process.execPath;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'eidgate-startup-'));
  dirs.push(d);
  return d;
};
const newKey = () => randomBytes(32).toString('base64');

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node src/main.ts` with exactly this environment (and PATH) until it exits. */
async function runToExit(env: Record<string, string>): Promise<Ended> {
  const child = spawn(NODE, ['src/main.ts'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

interface Running {
  exited: Promise<number | null>;
  stdout: string;
  stderr: string;
  /** Resolves when stdout has shown `text` (rejects if the process ends first). */
  waitFor(text: string): Promise<void>;
  stop(): Promise<number | null>;
}

/** Starts `node src/main.ts` and keeps it running; the test synchronises on what it writes. */
function start(env: Record<string, string>): Running {
  const child = spawn(NODE, ['src/main.ts'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const r: Running = {
    exited,
    stdout: '',
    stderr: '',
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (r.stdout.includes(text)) resolve();
        };
        child.stdout.on('data', check);
        check();
        exited.then((code) => reject(new Error(`exited ${code} before "${text}": ${r.stderr}`)));
      }),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  child.stdout.on('data', (d) => (r.stdout += d));
  child.stderr.on('data', (d) => (r.stderr += d));
  return r;
}

/** DATABASE_URL aimed at another port, with its own schema (created here) as search_path. */
async function schemaUrl(port: number): Promise<{ url: string; schema: string }> {
  const schema = newSchema();
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`CREATE SCHEMA ${schema}`);
  await c.end();
  const u = new URL(DATABASE_URL ?? '');
  u.hostname = '127.0.0.1';
  u.port = String(port);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { url: u.toString(), schema };
}

const noStack = (text: string) => assert.ok(!/\n\s+at /.test(text), `no stack trace in:\n${text}`);

describe('a store sealed with another encryption key', () => {
  it('stops the start with one line naming EIDGATE_ENCRYPTION_KEY and exit code 2', async () => {
    const dir = tempDir();
    const k1 = newKey();
    // A store that a broker with k1 created (and stopped).
    const first = await createBroker(
      loadConfig({ DATA_DIR: dir, EIDGATE_ENCRYPTION_KEY: k1, SIMULATOR: 'off', PORT: '0', LOG_LEVEL: 'silent' }),
      { purge: false, logger: createLogger('silent', new LogCapture()) },
    );
    await first.close();

    const r = await runToExit({ DATA_DIR: dir, EIDGATE_ENCRYPTION_KEY: newKey(), SIMULATOR: 'off', PORT: '0' });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      'eidgate: the store was sealed with another encryption key: set EIDGATE_ENCRYPTION_KEY to the key it was created with (while rotating, list the earlier key in EIDGATE_OLD_ENCRYPTION_KEYS)\n',
    );
    noStack(r.stdout + r.stderr);
  });
});

describe('a database that cannot be reached at start', () => {
  it('retries within DATABASE_CONNECT_TIMEOUT_SECONDS, then stops with one line naming DATABASE_URL and the cause, password redacted', async () => {
    // Bound but not listening: connections to it are refused, and no one else can take the port meanwhile.
    using nothing = reservePort();
    const url = `postgres://eidgate:hunter2-secret@127.0.0.1:${nothing.address().port}/eidgate`;
    const r = await runToExit({ DATABASE_URL: url, DATABASE_CONNECT_TIMEOUT_SECONDS: '1', SIMULATOR: 'off', PORT: '0' });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0]!,
      new RegExp(
        `^eidgate: cannot reach the database at DATABASE_URL=postgres://eidgate:\\*\\*\\*@127\\.0\\.0\\.1:${nothing.address().port}/eidgate: connect ECONNREFUSED .* \\(gave up after 1 s, \\d+ attempts\\)$`,
      ),
    );
    // It did retry, and said so in its log (JSON, no password there either).
    const retries = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'database not reachable yet (DATABASE_URL); retrying');
    assert.ok(retries.length >= 1, r.stdout);
    assert.ok(!(r.stdout + r.stderr).includes('hunter2'), 'no password anywhere');
    noStack(r.stdout + r.stderr);
  });

  it('comes up once the database does', { skip: !DATABASE_URL && 'needs DATABASE_URL' }, async () => {
    // The broker is aimed at a port that refuses until a proxy to the real server starts listening on it,
    // which the test does only after the broker has logged its first retry.
    using reserved = reservePort();
    const { url, schema } = await schemaUrl(reserved.address().port);
    const target = new URL(DATABASE_URL ?? '');
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    const r = start({ DATABASE_URL: url, DATABASE_CONNECT_TIMEOUT_SECONDS: '120', SIMULATOR: 'off', PORT: '0' });
    try {
      await r.waitFor('database not reachable yet (DATABASE_URL); retrying');
      assert.doesNotMatch(r.stdout, /eidgate is listening/);
      await new Promise<void>((resolve) => proxy.listen({ handle: reserved }, resolve));
      await r.waitFor('eidgate is listening');
      assert.equal(await r.stop(), 0, r.stderr);
    } finally {
      await r.stop();
      for (const s of sockets) s.destroy();
      proxy.close();
      await dropSchema(schema);
    }
  });
});

// util-linux script(1) runs the broker on a pseudo-terminal, as a developer's shell does.
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('the development banner', () => {
  it('is shown on the terminal when there is one', { skip: !hasScript && 'needs script(1)' }, async () => {
    const dir = tempDir();
    const child = spawn('script', ['-qefc', `${NODE} src/main.ts`, '/dev/null'], {
      env: { PATH: process.env.PATH, DATA_DIR: dir, SIMULATOR: 'off', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    let terminal = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        terminal += d;
        if (terminal.includes('eidgate is listening')) resolve();
      });
      exited.then(() => reject(new Error(`exited: ${terminal}`)));
    });
    child.kill('SIGTERM');
    await exited;
    assert.match(terminal, /eidgate development account/);
    assert.match(terminal, /client_secret: [\w-]{43}/);
    assert.ok(!existsSync(join(dir, 'development-credentials.txt')), 'no file when a terminal shows them');
  });
});
