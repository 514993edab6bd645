// Keeps the fidelity ledger true: the simulator is compared with recorded real ID-porten responses
// (test/fixtures/idporten-golden.json), and every difference found must be listed in the ledger
// (src/simulator/fidelity.ts, by its `golden` keys) and every listed one must still be found. A fix that
// closes a difference fails this test until the ledger drops it; a change that opens one fails it until the
// ledger names it. The ledger is also served (JSON), printed (--fidelity) and written in docs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startSimulator, type RunningSimulator } from '../src/simulator/simulator.ts';
import { DIFFERENCES, FIDELITY_PATH } from '../src/simulator/fidelity.ts';

const golden = JSON.parse(readFileSync(new URL('./fixtures/idporten-golden.json', import.meta.url), 'utf8'));
const REDIRECT = 'http://127.0.0.1:9/callback';
const SECRET = 'fidelity-test-secret-0123456789abcdef';
const VERIFIER = 'fidelity-verifier-0123456789-0123456789-0123456789';

const sorted = (v: unknown) => (Array.isArray(v) ? [...v].sort() : v);

/** The golden-comparison keys where the simulator differs from the recorded real ID-porten. */
async function compare(sim: RunningSimulator): Promise<Set<string>> {
  const found = new Set<string>();
  const host = (v: unknown) =>
    typeof v === 'string' ? v.replace(golden.hosts.login, sim.loginUrl).replace(golden.hosts.issuer, sim.issuer) : v;

  const d = (await (await fetch(`${sim.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  for (const [field, real] of Object.entries(golden.discovery as Record<string, unknown>)) {
    if (JSON.stringify(sorted(host(real))) !== JSON.stringify(sorted(d[field]))) found.add(`discovery.${field}`);
  }
  if (Object.keys(d).some((k) => !(k in golden.discovery))) found.add('discovery.extra');

  const q = new URLSearchParams({
    client_id: 'rp',
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'openid profile',
    state: 's',
    nonce: 'n',
    code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'),
    code_challenge_method: 'S256',
    login_hint: 'testid:47906701517_idporten-loa-high',
  });
  const res = await fetch(`${sim.loginUrl}/authorize?${q}`, { redirect: 'manual' });
  if (res.status !== golden.headless.status) found.add('headless.status');
  const cleared = res.headers.getSetCookie().filter((c) => /=;/.test(c) && /max-age=0/i.test(c));
  if (cleared.length === 0 || res.headers.getSetCookie().some((c) => !/max-age=0/i.test(c))) found.add('headless.cookies');
  const location = new URL(res.headers.get('location') ?? 'http://invalid/');
  const code = location.searchParams.get('code') ?? '';
  const realCode = new URL(golden.headless.location).searchParams.get('code')!;
  if (code.split('.').length !== realCode.split('.').length) found.add('code.format');
  if (location.searchParams.get('iss') !== sim.issuer) found.add('headless.iss');

  const tr = await fetch(`${sim.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`rp:${SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER }),
  });
  const t = (await tr.json()) as Record<string, unknown>;
  if (JSON.stringify(Object.keys(t).sort()) !== JSON.stringify([...golden.token_response.fields].sort())) found.add('token.fields');
  for (const f of ['refresh_token_expires_in', 'token_type', 'expires_in']) {
    const v = f === 'refresh_token_expires_in' && typeof t[f] === 'number' ? Math.round((t[f] as number) / 10) * 10 : t[f];
    if (v !== golden.token_response[f]) found.add(`token.${f}`);
  }
  const idToken = String(t.id_token ?? '');
  const header = idToken ? decodeProtectedHeader(idToken) : {};
  if (JSON.stringify(Object.keys(header).sort()) !== JSON.stringify(Object.keys(golden.id_token_header).sort()))
    found.add('id_token.header');
  const sub = idToken ? String(decodeJwt(idToken).sub) : '';
  if (idToken && golden.id_token_absent_claims.some((c: string) => c in decodeJwt(idToken))) found.add('id_token.claims');
  if (Math.abs(sub.length - golden.id_token_sub_length) > 10) found.add('id_token.sub_length');
  const at = String(t.access_token ?? '');
  if (at.split('.').length !== 3) found.add('access_token.format');
  else {
    const atHeader = decodeProtectedHeader(at);
    if (golden.access_token.header_fields.some((f: string) => !(f in atHeader))) found.add('access_token.header');
    const claims = decodeJwt(at);
    if (JSON.stringify(Object.keys(claims).sort()) !== JSON.stringify([...golden.access_token.claims].sort()))
      found.add('access_token.claims');
  }
  if (String(t.refresh_token ?? '').split('.').length !== 5) found.add('refresh_token.format');

  const par = await fetch(`${sim.issuer}/par`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`rp:${SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams([...q].filter(([k]) => k !== 'login_hint')),
  });
  const p = (await par.json()) as { expires_in?: number; request_uri?: string };
  if (p.expires_in !== golden.par_response.expires_in) found.add('par.expires_in');
  if (!p.request_uri?.startsWith(golden.par_response.request_uri_prefix)) found.add('par.request_uri_prefix');
  return found;
}

describe('fidelity ledger', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({
      port: 0,
      clients: [
        {
          client_id: 'rp',
          client_secret: SECRET,
          redirect_uris: [REDIRECT],
          grant_types: ['authorization_code', 'refresh_token'],
          scope: 'openid profile',
        },
      ],
    });
  });
  after(() => sim.close());

  it('lists exactly the differences the golden comparison finds', async () => {
    const found = await compare(sim);
    const listed = new Set(DIFFERENCES.flatMap((d) => d.golden ?? []));
    const unlisted = [...found].filter((k) => !listed.has(k));
    const gone = [...listed].filter((k) => !found.has(k));
    assert.deepEqual(unlisted, [], 'differences from the real ID-porten that the ledger does not list');
    assert.deepEqual(gone, [], 'differences the ledger lists that the simulator no longer has (drop them from the ledger)');
  });

  it('is served as JSON, printed by eidgate simulator --fidelity and written in docs/simulator-fidelity.md', async () => {
    const served = (await (await fetch(`${sim.issuer}${FIDELITY_PATH}`)).json()) as { count: number; differences: { id: string }[] };
    assert.equal(served.count, DIFFERENCES.length);
    const printed = execFileSync(process.execPath, ['src/cli/main.ts', 'simulator', '--fidelity'], { encoding: 'utf8' });
    const json = JSON.parse(execFileSync(process.execPath, ['src/simulator/main.ts', '--fidelity', '--json'], { encoding: 'utf8' }));
    assert.equal(json.count, DIFFERENCES.length);
    const doc = readFileSync(new URL('../docs/simulator-fidelity.md', import.meta.url), 'utf8');
    for (const d of DIFFERENCES) {
      assert.ok(printed.includes(d.id), `--fidelity prints ${d.id}`);
      assert.ok(doc.includes(`\`${d.id}\``), `docs/simulator-fidelity.md lists ${d.id}`);
    }
    assert.ok(served.differences.every((d) => DIFFERENCES.some((x) => x.id === d.id)));
  });
});
