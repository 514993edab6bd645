// The container image's start, without a container engine: the Dockerfile's CMD, run exactly, with the
// environment the image and compose.yaml give it (Dockerfile ENV, the service's environment, its env file),
// against the PostgreSQL this run uses. Two things differ from the container, on purpose: PORT (a free port
// here, 8080 there) and DATABASE_URL's host (this run's server, not the compose service `db`). The image
// build, the user switch, the file layout under /app and the compose networking are not exercised here.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { DATABASE_URL, dropSchema, newSchema, reservePort } from './helpers.ts';

const NODE = process.execPath;
const schemas: string[] = [];
after(async () => {
  for (const s of schemas) await dropSchema(s);
});

/** The last stage's ENV, USER, CMD and HEALTHCHECK of the Dockerfile. */
function readDockerfile() {
  const text = readFileSync('Dockerfile', 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const stage = lines.slice(lines.findLastIndex((l) => l.startsWith('FROM ')));
  const env: Record<string, string> = {};
  for (const l of stage.filter((x) => x.startsWith('ENV '))) {
    for (const pair of l.slice(4).trim().split(/\s+/)) {
      const [k, ...v] = pair.split('=');
      env[k ?? ''] = v.join('=');
    }
  }
  const json = (prefix: string): string[] => {
    const line = stage.find((x) => x.startsWith(prefix));
    assert.ok(line, `Dockerfile has ${prefix}`);
    return JSON.parse(line.slice(line.indexOf('[')));
  };
  const user = stage
    .find((x) => x.startsWith('USER '))
    ?.slice(5)
    .trim();
  return { env, user, cmd: json('CMD '), healthcheck: json('HEALTHCHECK ') };
}

/** compose.yaml's eidgate service: its `environment` mapping and its env_file (a flat, known layout). */
function readCompose() {
  const lines = readFileSync('compose.yaml', 'utf8').split('\n');
  const service = lines.indexOf('  eidgate:');
  assert.ok(service > 0, 'compose.yaml has the eidgate service');
  const body: string[] = [];
  for (const l of lines.slice(service + 1)) {
    if (l.trim() && !l.startsWith('    ')) break;
    body.push(l);
  }
  const envFile = body
    .find((l) => l.startsWith('    env_file: '))
    ?.slice('    env_file: '.length)
    .trim();
  const start = body.indexOf('    environment:');
  const environment: Record<string, string> = {};
  for (const l of body.slice(start + 1)) {
    const m = /^ {6}([A-Z_]+): (.*)$/.exec(l);
    if (!m) break;
    environment[m[1] ?? ''] = (m[2] ?? '').replace(/^"(.*)"$/, '$1');
  }
  const image = /^ {4}image: (.+)$/m.exec(lines.slice(lines.indexOf('  db:')).join('\n'))?.[1];
  return { envFile, environment, dbImage: image };
}

/** The variables the env file's example declares. */
const declared = (file: string): string[] =>
  readFileSync(`${file}.example`, 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => l.slice(0, l.indexOf('=')));

describe('the container image (its start command and environment, as a process)', { skip: !DATABASE_URL && 'needs DATABASE_URL' }, () => {
  const docker = readDockerfile();
  const compose = readCompose();

  it('is defined as the README says: non-root, production, PostgreSQL 17, secrets from an env file', () => {
    assert.ok(docker.user && docker.user !== 'root' && docker.user !== '0', `USER ${docker.user}`);
    assert.equal(docker.env.EIDGATE_ENV, 'production');
    assert.equal(compose.environment.EIDGATE_ENV, 'production');
    assert.equal(compose.dbImage, 'postgres:17');
    assert.equal(compose.envFile, 'eidgate.env');
    assert.deepEqual(declared('eidgate.env').sort(), ['DATABASE_URL', 'EIDGATE_ENCRYPTION_KEY']);
    assert.ok(!('EIDGATE_ENCRYPTION_KEY' in compose.environment), 'the key is not in compose.yaml');
  });

  it('starts in production mode on PostgreSQL, answers its healthcheck, shows no development credentials, stops on SIGTERM', async () => {
    const schema = newSchema();
    schemas.push(schema);
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    await c.query(`CREATE SCHEMA ${schema}`);
    await c.end();
    const db = new URL(DATABASE_URL ?? '');
    db.searchParams.set('options', `-c search_path=${schema}`);
    // The env file as an operator fills it in from its example.
    const envFile: Record<string, string> = { EIDGATE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), DATABASE_URL: db.toString() };
    using reserved = reservePort();
    const port = String(reserved.address().port);
    const env = { PATH: process.env.PATH, ...docker.env, ...envFile, ...compose.environment, PORT: port };
    const [program, ...args] = docker.cmd;
    assert.equal(program, 'node');
    const child = spawn(NODE, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit').then(([code]) => code as number | null);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += d;
          if (stdout.includes('eidgate is listening')) resolve();
        });
        exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      reserved.close();
      const [hcProgram, ...hcArgs] = docker.healthcheck.slice(docker.healthcheck.indexOf('CMD') + 1);
      assert.equal(hcProgram, 'node');
      const hc = spawnSync(NODE, hcArgs, { env, encoding: 'utf8' });
      assert.equal(hc.status, 0, `healthcheck: ${hc.stderr}`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(ready.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      for (const line of stdout.split('\n').filter(Boolean)) assert.doesNotThrow(() => JSON.parse(line), line);
      assert.ok(!`${stdout}${stderr}`.includes('development account'));
      assert.ok(!`${stdout}${stderr}`.includes(envFile.EIDGATE_ENCRYPTION_KEY ?? '-'), 'the key is never printed');
      // And once stopped, the healthcheck says so.
      assert.notEqual(spawnSync(NODE, hcArgs, { env }).status, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses to start without its env file, naming what is missing', () => {
    const [, ...args] = docker.cmd;
    const r = spawnSync(NODE, args, { env: { PATH: process.env.PATH, ...docker.env, ...compose.environment }, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /EIDGATE_ENCRYPTION_KEY: required with EIDGATE_ENV=production/);
    assert.match(r.stderr, /DATABASE_URL: required with EIDGATE_ENV=production/);
  });
});
