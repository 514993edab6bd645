// Digdir's verification tests (docs.digdir.no idporten_verifikasjonstester), run offline against the
// simulator with two relying parties: "own" (the service under test) and "other" (another service in the
// same SSO session). docs/simulator.md has the same list as a checklist a team follows with its own service.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { startSimulator, ssoSessionTtl, type RunningSimulator } from '../src/simulator/simulator.ts';
import { Agent, formAction } from './agent.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';
const AFTER = 'http://127.0.0.1:9/logged-out';
const SECRET = 'verification-test-secret-0123456789abcdef';
const VERIFIER = 'verification-verifier-0123456789-0123456789-0123456789';
const PID = '47906701517';

describe("Digdir's verification tests, offline", () => {
  let sim: RunningSimulator;
  before(async () => {
    const client = (id: string) => ({
      client_id: id,
      client_secret: SECRET,
      redirect_uris: [REDIRECT],
      post_logout_redirect_uris: [AFTER],
      frontchannel_logout_uri: `http://127.0.0.1:9/${id}/frontchannel`,
      frontchannel_logout_session_required: true,
      scope: 'openid profile',
    });
    sim = await startSimulator({ port: 0, clients: [client('own'), client('other')] });
  });
  after(() => sim.close());

  const url = (clientId: string, extra: Record<string, string> = {}) =>
    `${sim.loginUrl}/authorize?${new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      state: 's',
      nonce: 'n',
      code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'),
      code_challenge_method: 'S256',
      ...extra,
    })}`;

  async function exchange(clientId: string, callback: string) {
    const code = new URL(callback).searchParams.get('code')!;
    const res = await fetch(`${sim.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER }),
    });
    return decodeJwt(((await res.json()) as { id_token: string }).id_token) as Record<string, unknown> & { raw?: string };
  }

  /** Logs in on the page; returns the id_token (raw and claims). */
  async function login(agent: Agent, clientId: string, form: Record<string, string> = {}, extra: Record<string, string> = {}) {
    const page = await agent.follow(url(clientId, extra), {}, REDIRECT);
    assert.match(page.body, /<form/, 'a login page');
    const done = await agent.follow(
      formAction(page.body, page.url),
      { form: { action: 'login', eid: 'minid', person: PID, pid: '', ...form } },
      REDIRECT,
    );
    const code = new URL(done.url).searchParams.get('code')!;
    const res = await fetch(`${sim.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER }),
    });
    const raw = ((await res.json()) as { id_token: string }).id_token;
    return { raw, claims: decodeJwt(raw) };
  }

  /** An authorization that the SSO session answers without a page. */
  async function silent(agent: Agent, clientId: string, extra: Record<string, string> = {}) {
    const done = await agent.follow(url(clientId, extra), {}, REDIRECT);
    assert.ok(done.url.startsWith(REDIRECT), `SSO without a page for ${clientId}`);
    return exchange(clientId, done.url);
  }

  it('SSO to and from the service at substantial; high needs a new login', async () => {
    const agent = new Agent();
    const first = await login(agent, 'other');
    const own = await silent(agent, 'own');
    assert.equal(own.pid, PID);
    assert.equal(own.auth_time, first.claims.auth_time, 'the same login (SSO)');
    await silent(agent, 'other');
    const high = await agent.follow(url('own', { acr_values: 'idporten-loa-high' }), {}, REDIRECT);
    assert.match(high.body, /<form/, 'a new login at high');
  });

  it('prompt=login forces a login within the SSO session', async () => {
    const agent = new Agent();
    await login(agent, 'own');
    const page = await agent.follow(url('own', { prompt: 'login' }), {}, REDIRECT);
    assert.match(page.body, /<form/);
  });

  it('ui_locales: the page and the id_token locale follow it', async () => {
    for (const [lang, text] of [
      ['en', /Log in to ID-porten/],
      ['nn', /Vel ein elektronisk ID|Vel elektronisk ID/],
    ] as const) {
      const agent = new Agent();
      const page = await agent.follow(url('own', { ui_locales: lang }), {}, REDIRECT);
      assert.match(page.body, text);
      const done = await agent.follow(
        formAction(page.body, page.url),
        { form: { action: 'login', eid: 'minid', person: PID, pid: '' } },
        REDIRECT,
      );
      assert.equal((await exchange('own', done.url)).locale, lang);
    }
  });

  async function logoutFrom(agent: Agent, idToken: string) {
    const res = await agent.request(`${sim.loginUrl}/logout`, {
      form: { id_token_hint: idToken, post_logout_redirect_uri: AFTER, state: 'x' },
    });
    const body = await res.text();
    const frames = [...body.matchAll(/<iframe[^>]*src="([^"]+)"/g)].map((m) => new URL(m[1]!.replaceAll('&amp;', '&')));
    return { res, body, frames };
  }

  for (const initiator of ['own', 'other'] as const) {
    it(`${initiator === 'own' ? '6' : '7'}. single logout from ${initiator === 'own' ? 'the service itself' : 'another service'}: every service's front-channel uri with its sid`, async () => {
      const agent = new Agent();
      const a = await login(agent, 'own');
      const b = await silent(agent, 'other');
      const idToken = initiator === 'own' ? a.raw : (await login(agent, 'other', {}, { prompt: 'login' })).raw;
      const { res, frames } = await logoutFrom(agent, idToken);
      assert.equal(res.status, 200);
      const byPath = new Map(frames.map((f) => [f.pathname, f]));
      assert.equal(byPath.get('/own/frontchannel')?.searchParams.get('sid'), a.claims.sid, "own's front-channel call, with own's sid");
      assert.ok(byPath.get('/other/frontchannel'), "other's front-channel call");
      assert.ok(b.pid);
      const again = await agent.follow(url('own'), {}, REDIRECT);
      assert.match(again.body, /<form/, 'the SSO session is gone');
    });
  }

  it('8. single logout after the session timed out: the logout is refused and the next login asks again', async () => {
    const agent = new Agent();
    const a = await login(agent, 'own');
    const expired = (await (await fetch(`${sim.issuer}/simulator/expire-sessions`, { method: 'POST' })).json()) as { expired: number };
    assert.ok(expired.expired >= 1);
    const { res } = await logoutFrom(agent, a.raw);
    assert.equal(res.status, 400, 'ID-porten shows an error page when there is no session');
    const again = await agent.follow(url('own'), {}, REDIRECT);
    assert.match(again.body, /<form/);
  });

  it('the SSO session: 30 minutes idle, at most 120 minutes', async () => {
    const agent = new Agent();
    await login(agent, 'own');
    const id = agent.cookies(new URL(sim.loginUrl).hostname).get('_session')!;
    const session = await sim.provider.Session.find(id);
    const left = session!.exp! - Math.floor(Date.now() / 1000);
    assert.ok(left > 1790 && left <= 1800, `idle window ${left}`);
    const now = 10_000;
    assert.equal(ssoSessionTtl(now, now), 1800);
    assert.equal(ssoSessionTtl(now - 7000, now), 200, 'capped at 120 minutes from the login');
  });
});
