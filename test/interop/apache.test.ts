// Interop with an independent relying party: Debian's Apache with mod_auth_openidc, run as a child process
// with its own ServerRoot and configuration in a temporary directory on a random port (no system service).
// It discovers the simulator (browser-facing and back-channel origins apart, as at ID-porten), and does a
// login on the page, a headless TestID login, a step-up to high, logout and cancel. .ci/run installs
// apache2 and libapache2-mod-auth-openidc; without them locally the suite is skipped and says why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.ts';
import { Agent, formAction } from '../agent.ts';

const HTTPD = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';
const missing = [HTTPD, `${MODULES}/mod_auth_openidc.so`].filter((f) => !existsSync(f));
const SECRET = 'apache-interop-secret-0123456789abcdef';
const PID = '47906701517';
const HEADLESS_PID = '14838529179';

/** Asks for HTML, as a browser does (mod_auth_openidc answers 401 rather than redirecting other clients). */
class Browser extends Agent {
  override request(url: string | URL, init: Parameters<Agent['request']>[1] = {}) {
    return super.request(url, { ...init, headers: { accept: 'text/html,application/xhtml+xml', ...init.headers } });
  }
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('interop: Apache mod_auth_openidc', {
  skip: missing.length ? `not installed: ${missing.join(', ')} (apt-get install apache2 libapache2-mod-auth-openidc)` : false,
}, () => {
  let sim: RunningSimulator;
  let httpd: ChildProcess;
  let dir: string;
  let base: string;

  before(async () => {
    const simPort = await freePort();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    sim = await startSimulator({
      port: simPort,
      issuer: `http://localhost:${simPort}`,
      loginUrl: `http://127.0.0.1:${simPort}`,
      clients: [
        {
          client_id: 'apache-rp',
          client_secret: SECRET,
          redirect_uris: [`${base}/protected/redirect_uri`],
          post_logout_redirect_uris: [`${base}/public/loggedout.html`],
          scope: 'openid profile',
        },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'eidgate-apache-'));
    chmodSync(dir, 0o755);
    for (const d of ['htdocs/protected', 'htdocs/headless', 'htdocs/high', 'htdocs/public']) mkdirSync(join(dir, d), { recursive: true });
    for (const d of ['protected', 'headless', 'high', 'public']) writeFileSync(join(dir, 'htdocs', d, 'index.html'), `${d} content\n`);
    writeFileSync(join(dir, 'htdocs/public/loggedout.html'), 'logged out\n');
    writeFileSync(join(dir, 'htdocs/public/cancelled.html'), 'not logged in\n');
    const asRoot = process.getuid?.() === 0;
    writeFileSync(
      join(dir, 'httpd.conf'),
      `ServerRoot "${dir}"
Listen 127.0.0.1:${port}
ServerName 127.0.0.1:${port}
PidFile "${dir}/httpd.pid"
ErrorLog "${dir}/error.log"
LogLevel warn auth_openidc:info
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule authn_core_module ${MODULES}/mod_authn_core.so
LoadModule authz_user_module ${MODULES}/mod_authz_user.so
LoadModule dir_module ${MODULES}/mod_dir.so
LoadModule headers_module ${MODULES}/mod_headers.so
LoadModule auth_openidc_module ${MODULES}/mod_auth_openidc.so
${asRoot ? 'User nobody\nGroup nogroup\n' : ''}DocumentRoot "${dir}/htdocs"
DirectoryIndex index.html
OIDCProviderMetadataURL ${sim.issuer}/.well-known/openid-configuration
OIDCClientID apache-rp
OIDCClientSecret ${SECRET}
OIDCRedirectURI ${base}/protected/redirect_uri
OIDCCryptoPassphrase apache-interop-passphrase-0123456789
OIDCPKCEMethod S256
OIDCScope "openid profile"
OIDCRemoteUserClaim pid
OIDCInfoHook iat id_token userinfo
OIDCDefaultURL ${base}/public/cancelled.html
# The test's fetch() says Sec-Fetch-Mode: cors, which mod_auth_openidc answers with 401 instead of a login; a
# browser following a link says navigate.
RequestHeader set Sec-Fetch-Mode navigate early
<Location /protected>
  AuthType openid-connect
  Require valid-user
  OIDCPathAuthRequestParams "acr_values=idporten-loa-substantial&ui_locales=en"
</Location>
<Location /headless>
  AuthType openid-connect
  Require valid-user
  OIDCPathAuthRequestParams "acr_values=idporten-loa-high&login_hint=testid:${HEADLESS_PID}_idporten-loa-high"
</Location>
<Location /high>
  AuthType openid-connect
  Require claim acr:idporten-loa-high
  OIDCUnAutzAction auth
  OIDCPathAuthRequestParams "acr_values=idporten-loa-high&ui_locales=en"
</Location>
`,
    );
    httpd = spawn(HTTPD, ['-d', dir, '-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    httpd.stderr!.on('data', (d) => {
      out += d;
    });
    // Ready when it answers; a process that exits first fails with its output.
    for (let i = 0; ; i++) {
      if (httpd.exitCode !== null) throw new Error(`apache2 exited: ${out}`);
      const ok = await fetch(`${base}/public/index.html`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 200) throw new Error(`apache2 did not answer: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  after(async () => {
    if (httpd && httpd.exitCode === null) {
      httpd.kill('SIGTERM');
      await once(httpd, 'exit');
    }
    await sim?.close();
    if (process.env.KEEP_APACHE_LOG) process.stderr.write(readFileSync(join(dir, 'error.log'), 'utf8'));
    rmSync(dir, { recursive: true, force: true });
  });

  async function claimsOf(agent: Agent): Promise<Record<string, unknown>> {
    const res = await agent.request(`${base}/protected/redirect_uri?info=json`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { id_token: Record<string, unknown> }).id_token;
  }

  async function pageLogin(agent: Agent, path: string, form: Record<string, string>) {
    const page = await agent.follow(`${base}${path}`);
    assert.match(page.body, /Log in to ID-porten/);
    return agent.follow(formAction(page.body, page.url), { form: { action: 'login', pid: '', ...form } });
  }

  it('logs in on the page and gets ID-porten claims', async () => {
    const agent = new Browser();
    const done = await pageLogin(agent, '/protected/', { eid: 'minid', person: PID });
    assert.equal(done.body, 'protected content\n');
    const claims = await claimsOf(agent);
    assert.equal(claims.pid, PID);
    assert.equal(claims.acr, 'idporten-loa-substantial');
    assert.deepEqual(claims.amr, ['Minid-OTC']);
  });

  it('logs in headlessly with login_hint=testid:…, through one redirect at the simulator', async () => {
    const agent = new Browser();
    const first = await agent.request(`${base}/headless/`);
    const authorize = first.headers.get('location')!;
    assert.ok(authorize.startsWith(`${sim.loginUrl}/authorize?`), authorize);
    const atSim = await agent.request(authorize);
    assert.equal(atSim.status, 302);
    assert.ok(atSim.headers.get('location')!.startsWith(`${base}/protected/redirect_uri?`));
    const done = await agent.follow(atSim.headers.get('location')!);
    assert.equal(done.body, 'headless content\n');
    const claims = await claimsOf(agent);
    assert.equal(claims.pid, HEADLESS_PID);
    assert.equal(claims.acr, 'idporten-loa-high');
  });

  it('steps up from substantial to high', async () => {
    const agent = new Browser();
    await pageLogin(agent, '/protected/', { eid: 'testid', person: PID, level: 'idporten-loa-substantial' });
    assert.equal((await claimsOf(agent)).acr, 'idporten-loa-substantial');
    // mod_auth_openidc answers an unauthorized session with a "Stepup Authentication" page that refreshes to the login.
    const stepup = await agent.follow(`${base}/high/`);
    const refresh = /http-equiv="refresh" content="0; url=([^"]+)"/.exec(stepup.body)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(refresh, stepup.body);
    const page = await agent.follow(new URL(refresh, base));
    assert.match(page.body, /Log in to ID-porten/, 'a new login is asked for at high');
    assert.ok(!page.body.includes('value="minid"'), 'only eIDs reaching high are offered');
    const done = await agent.follow(formAction(page.body, page.url), {
      form: { action: 'login', eid: 'testid', person: PID, pid: '', level: 'idporten-loa-high' },
    });
    assert.equal(done.body, 'high content\n');
    assert.equal((await claimsOf(agent)).acr, 'idporten-loa-high');
  });

  it('logs out through the simulator (mod_auth_openidc sends GET) and the SSO session is gone', async () => {
    const agent = new Browser();
    await pageLogin(agent, '/protected/', { eid: 'minid', person: PID });
    const out = await agent.follow(`${base}/protected/redirect_uri?logout=${encodeURIComponent(`${base}/public/loggedout.html`)}`);
    assert.equal(out.url, `${base}/public/loggedout.html`);
    assert.equal(out.body, 'logged out\n');
    const again = await agent.follow(`${base}/protected/`);
    assert.match(again.body, /Log in to ID-porten/, 'no silent login after logout');
  });

  it('cancel does not log in (mod_auth_openidc 2.4.12 lands on OIDCDefaultURL, see the interop notes)', async () => {
    const agent = new Browser();
    const page = await agent.follow(`${base}/protected/`);
    const done = await agent.follow(formAction(page.body, page.url), { form: { action: 'cancel' } });
    assert.notEqual(done.body, 'protected content\n');
    const again = await agent.follow(`${base}/protected/`);
    assert.match(again.body, /Log in to ID-porten/);
  });
});
