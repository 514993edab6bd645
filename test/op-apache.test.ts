// Apache's mod_auth_openidc (Debian's libapache2-mod-auth-openidc), an independent relying party, protects a
// path with eidgate's OpenID Provider: the README's configuration, run for real, through the hosted journey
// to the ID-porten simulator. Its info hook shows what it received.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent, formAction } from './agent.ts';
import { reservePort, startBroker, type TestBroker } from './helpers.ts';
import { OIDC_SECRET, oidcClient } from './op-support.ts';
import { startSimulatorFor } from './simulator-support.ts';

const APACHE = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';
const available = existsSync(APACHE) && existsSync(`${MODULES}/mod_auth_openidc.so`);

describe('Apache mod_auth_openidc logs in through eidgate', { skip: !available && 'no apache2 with mod_auth_openidc' }, () => {
  let t: TestBroker;
  let sim: RunningSimulator;
  let apache: ChildProcess;
  let dir: string;
  let origin: string;

  before(async () => {
    t = await startBroker();
    sim = await startSimulatorFor(t, { par: false });
    dir = mkdtempSync(join(tmpdir(), 'eidgate-apache-'));
    let port: number;
    {
      // Apache binds the port itself: the reservation is held until then (see reservePort).
      using reserved = reservePort();
      port = reserved.address().port;
      origin = `http://localhost:${port}`;
      const { clientId } = await oidcClient(t, { redirectUris: [`${origin}/secure/redirect_uri`] });
      mkdirSync(join(dir, 'www', 'secure'), { recursive: true });
      writeFileSync(join(dir, 'www', 'secure', 'index.html'), 'protected page\n');
      writeFileSync(
        join(dir, 'httpd.conf'),
        `ServerRoot ${dir}
ServerName localhost
Listen 127.0.0.1:${port}
PidFile ${dir}/httpd.pid
ErrorLog ${dir}/error.log
LogLevel warn auth_openidc:info
DefaultRuntimeDir ${dir}
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authn_core_module ${MODULES}/mod_authn_core.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule authz_user_module ${MODULES}/mod_authz_user.so
LoadModule dir_module ${MODULES}/mod_dir.so
LoadModule auth_openidc_module ${MODULES}/mod_auth_openidc.so
DocumentRoot ${dir}/www
DirectoryIndex index.html

OIDCProviderMetadataURL ${t.config.publicUrl}/auth/open/.well-known/openid-configuration
OIDCClientID ${clientId}
OIDCClientSecret ${OIDC_SECRET}
OIDCRedirectURI ${origin}/secure/redirect_uri
OIDCCryptoPassphrase apache-test-passphrase-0123456789
OIDCResponseType code
OIDCScope "openid profile nin idp-id"
OIDCPKCEMethod S256
OIDCAuthRequestParams acr_values=idp%3Aidporten
OIDCRemoteUserClaim sub
OIDCInfoHook iat access_token id_token userinfo session

<Location /secure>
  AuthType openid-connect
  # Node's fetch always says Sec-Fetch-Mode: cors, which mod_auth_openidc answers with 401 rather than a
  # redirect; with a condition set it redirects every unauthenticated request, as for a browser.
  OIDCUnAuthAction auth true
  Require valid-user
</Location>
`,
      );
    }
    apache = spawn(APACHE, ['-X', '-f', join(dir, 'httpd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Ready when it answers (an unprotected path: 404).
    for (let i = 0; ; i++) {
      try {
        await fetch(`${origin}/`);
        break;
      } catch (e) {
        if (i > 100 || apache.exitCode !== null) {
          throw new Error(
            `apache did not start: ${e}; ${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  after(async () => {
    if (apache && apache.exitCode === null) {
      const exited = new Promise((r) => apache.once('exit', r));
      apache.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
    await sim?.close();
  });

  it('the protected page after an ID-porten login, with the mapped claims in its session', async () => {
    const agent = new Agent();
    const log = () => readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000);
    // A browser's request (mod_auth_openidc answers others with 401 rather than a redirect).
    const first = await agent.request(`${origin}/secure/`, { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' } });
    assert.equal(first.status, 302, log());
    const atProvider = await agent.follow(new URL(first.headers.get('location')!, origin));
    assert.equal(atProvider.response?.status, 200, `${atProvider.url} ${atProvider.body.slice(0, 300)}\n${log()}`);
    assert.ok(atProvider.url.startsWith(sim.issuer), `at the simulator: ${atProvider.url}`);
    const done = await agent.follow(formAction(atProvider.body, atProvider.url), {
      form: { action: 'login', eid: 'bankid', person: sim.people[0]!.pid },
    });
    assert.equal(done.response?.status, 200, `${done.url}: ${done.body.slice(0, 300)}\n${log()}`);
    assert.equal(done.body, 'protected page\n');
    const info = (await (await agent.request(`${origin}/secure/redirect_uri?info=json`)).json()) as {
      id_token: Record<string, unknown>;
      userinfo: Record<string, unknown>;
    };
    assert.equal(info.id_token.iss, `${t.config.publicUrl}/auth/open`);
    assert.equal(info.id_token.nin, sim.people[0]!.pid);
    assert.equal(info.id_token.idp, 'idporten');
    assert.equal(info.userinfo.nin, sim.people[0]!.pid);
  });
});
