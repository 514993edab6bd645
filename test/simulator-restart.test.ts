// The simulator as a process (`npm run simulator`) keeps its state in its data directory: after a restart
// the same person has the same `sub`, the same key signs (same `kid`), and a refresh token issued before
// the restart still works — as they do at the real ID-porten.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';

const NODE = process.execPath;
const REDIRECT = 'http://127.0.0.1:9/callback';
const SECRET = 'restart-test-secret-0123456789abcdef';
const VERIFIER = 'restart-verifier-0123456789-0123456789-0123456789';

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('simulator process: state survives a restart', () => {
  let dir: string;
  let port: number;
  let child: ChildProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eidgate-sim-'));
    port = await freePort();
    writeFileSync(
      join(dir, 'clients.json'),
      JSON.stringify([
        { client_id: 'rp', client_secret: SECRET, redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] },
      ]),
    );
  });
  after(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<void> {
    child = spawn(NODE, ['src/simulator/main.ts'], {
      env: {
        ...process.env,
        SIMULATOR_PORT: String(port),
        SIMULATOR_DATA_DIR: join(dir, 'state'),
        SIMULATOR_CLIENTS_FILE: join(dir, 'clients.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr!.on('data', (d) => {
      out += d;
    });
    for await (const chunk of child.stdout!) {
      out += chunk;
      if (out.includes('ID-porten simulator at')) return;
    }
    throw new Error(`the simulator did not start: ${out}`);
  }

  async function stop(): Promise<void> {
    const c = child!;
    child = undefined;
    c.kill('SIGTERM');
    if (c.exitCode === null) await once(c, 'exit');
  }

  const issuer = () => `http://localhost:${port}`;
  async function login() {
    const q = new URLSearchParams({
      client_id: 'rp',
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 's',
      nonce: 'n',
      code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'),
      code_challenge_method: 'S256',
      login_hint: 'testid:47906701517_idporten-loa-high',
    });
    const res = await fetch(`${issuer()}/authorize?${q}`, { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    return tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER });
  }
  async function tokenRequest(form: Record<string, string>) {
    const res = await fetch(`${issuer()}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`rp:${SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams(form),
    });
    const body = (await res.json()) as Record<string, string>;
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  }

  it('keeps sub, kid and refresh tokens', async () => {
    await start();
    const first = await login();
    const sub = decodeJwt(first.id_token!).sub;
    const kid = decodeProtectedHeader(first.id_token!).kid;
    assert.ok(first.refresh_token);
    await stop();
    assert.ok(readdirSync(join(dir, 'state')).includes('keys.json'), 'keys are kept in the data directory');

    await start();
    const second = await login();
    assert.equal(decodeJwt(second.id_token!).sub, sub, 'the same pairwise sub');
    assert.equal(decodeProtectedHeader(second.id_token!).kid, kid, 'the same signing key');
    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    assert.equal(decodeJwt(refreshed.id_token!).sub, sub, 'the refresh token from before the restart works');
    await stop();
  });
});
