// Shared by the hostile-provider cases (one file per case, like openid-client's conformance modules): each
// file starts its own misbehaving provider in one mode and its own broker, so files run in parallel and no
// file can change another's provider. Every case runs against each OpenID Connect provider in
// HOSTILE_PROVIDERS (the table), the fixture speaking that provider's dialect. A journey is the scripted
// browser going from the authenticationUrl through the provider to the first callback, and the session read
// back through the REST API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../agent.ts';
import { startHostileIdp, type HostileDialect, type HostileIdp, type HostileMode } from '../fixtures/hostile-idp.ts';
import { call, getToken, startBroker, validSessionRequest, type TestBroker } from '../helpers.ts';

export const CALLBACK = 'https://example.com/';

/** One provider of the table; `generic` registers it as an account's generic provider (providers add-oidc). */
export interface HostileProviderEntry {
  id: string;
  dialect: HostileDialect;
  attributes: string[];
  generic?: { claims: Record<string, string>; acr: string[]; label: string };
  /** Cases that do not apply: a generic provider requires only sub and its nin claim, so no amr. */
  skip?: readonly HostileMode[];
}

/** The providers every hostile case runs against, each with its dialect and the attributes its sessions ask for. */
export const HOSTILE_PROVIDERS: readonly HostileProviderEntry[] = [
  {
    id: 'idporten',
    dialect: 'idporten',
    attributes: ['nin', 'name', 'firstName', 'lastName', 'dateOfBirth', 'idpId', 'idportenSub', 'idportenLoa'],
  },
  {
    id: 'nbid',
    dialect: 'nbid',
    attributes: ['nin', 'name', 'firstName', 'lastName', 'dateOfBirth', 'idpId', 'nbidIdp', 'nbidAlternativeSubject'],
  },
  {
    // The same relying party built from an operator's settings: the ID-porten dialect under a generic mapping.
    id: 'hostile-oidc',
    dialect: 'idporten',
    attributes: ['nin', 'name', 'firstName', 'lastName', 'dateOfBirth'],
    generic: {
      claims: { nin: 'pid', firstName: 'given_name', lastName: 'family_name', name: '{given_name} {family_name}' },
      acr: ['substantial=idporten-loa-substantial', 'high=idporten-loa-high'],
      label: 'Hostile OIDC',
    },
    skip: ['missing-amr'],
  },
];
export type HostileProvider = (typeof HOSTILE_PROVIDERS)[number];

export interface Hostile {
  provider: HostileProvider;
  t: TestBroker;
  idp: HostileIdp;
  token: string;
  close(): Promise<void>;
}

/**
 * A broker whose `provider` points at a hostile provider in `mode`, speaking that provider's dialect. `env`
 * is the broker's; the provider timeout stays at its default unless a case is about it (a short one makes
 * every case flaky on a loaded machine).
 */
export async function startHostile(
  mode: HostileMode,
  env: Record<string, string> = {},
  provider: HostileProvider = HOSTILE_PROVIDERS[0]!,
): Promise<Hostile> {
  const idp = await startHostileIdp(mode, provider.dialect);
  const t = await startBroker(env);
  if (provider.generic) {
    await t.broker.providerConfigs.addGeneric(t.accountId, provider.id, {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      par: 'off',
      acr: provider.generic.acr,
      claims: JSON.stringify(provider.generic.claims),
      label: [`en=${provider.generic.label}`],
    });
  } else {
    await t.broker.providerConfigs.save(t.accountId, {
      providerId: provider.id,
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      clientAuth: 'client_secret_basic',
      par: false,
    });
  }
  const token = await getToken(t.base, t.clientId, t.clientSecret);
  return {
    provider,
    t,
    idp,
    token,
    async close() {
      await t.close();
      await idp.close();
    },
  };
}

/** A redirect session for the case's provider with all three callbacks on CALLBACK; returns the API's body. */
export async function createSession(h: Hostile, requestedLoa = 'substantial'): Promise<any> {
  const res = await call(h.t.base, 'POST', '/auth/rest/sessions', {
    token: h.token,
    body: validSessionRequest({
      allowedProviders: [h.provider.id],
      requestedLoa,
      requestedAttributes: h.provider.attributes,
      callbackUrls: { success: `${CALLBACK}success`, abort: `${CALLBACK}abort`, error: `${CALLBACK}error` },
    }),
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

export async function readSession(h: Hostile, id: string): Promise<any> {
  const res = await call(h.t.base, 'GET', `/auth/rest/sessions/${id}`, { token: h.token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

export interface Journey {
  /** The session as created. */
  s: any;
  /** Where the browser was sent last: a URL starting with CALLBACK, or the page it stopped on. */
  landed: { url: string; body: string };
  /** The session as the API returns it after the journey. */
  session: any;
}

/** A whole login in a fresh browser: authenticationUrl → provider → broker callback → the RP's callback. */
export async function journey(h: Hostile, requestedLoa = 'substantial'): Promise<Journey> {
  const s = await createSession(h, requestedLoa);
  const landed = await new Agent().follow(s.authenticationUrl, {}, CALLBACK);
  const session = await readSession(h, s.id);
  return { s, landed, session };
}

/**
 * What every failed login must look like: the session in ERROR with `code`, the browser on the error
 * callback, no subject or level in the API or in the sealed row, and neither the provider's pid nor the
 * bad pid anywhere in the session or the broker's log. `detail` names the check that must have failed,
 * so a case cannot pass by failing for another reason.
 */
export async function assertRejected(h: Hostile, j: Journey, code: string, detail?: RegExp): Promise<void> {
  const { s, landed, session } = j;
  assert.equal(session.status, 'ERROR', JSON.stringify(session));
  assert.equal(session.error?.code, code, JSON.stringify(session.error));
  assert.equal(typeof session.error.detail, 'string');
  assert.ok(session.error.detail.length > 0, 'the error has a detail');
  if (detail) assert.match(session.error.detail, detail);
  assert.equal(landed.url, `${CALLBACK}error?sessionId=${s.id}`, 'the browser is sent to the error callback');
  assert.equal(session.subject, undefined, 'no subject');
  assert.equal(session.loa, undefined, 'no level of assurance');
  const row = await h.t.broker.store.sessions.get(s.id);
  assert.ok(row?.identityEnc, 'the row keeps its sealed identity part');
  const sealed = JSON.parse(h.t.broker.sealer.open(row.identityEnc, `session:${s.id}`));
  assert.equal(sealed.subject, undefined, 'nothing from a failed validation is stored');
  assertNoNin(h, JSON.stringify(session), 'the session');
  assertNoNin(h, JSON.stringify(sealed), 'the sealed row');
  assertNoNin(h, h.t.logs.text, "the broker's log");
}

/** Neither national identity number the provider can send (good or bad) appears in `text`. */
export function assertNoNin(h: Hostile, text: string, where: string): void {
  for (const nin of [h.idp.pid, h.idp.badPid]) assert.ok(!text.includes(nin), `${where} holds a national identity number`);
}

/** One describe per provider of the table, each with its own hostile provider in `mode` and broker. */
export function forEachProvider(
  mode: HostileMode,
  body: (get: () => Hostile) => void,
  opts: { env?: Record<string, string>; title?: string } = {},
): void {
  for (const provider of HOSTILE_PROVIDERS) {
    if (provider.skip?.includes(mode)) continue;
    describe(`hostile provider (${provider.id}): ${opts.title ?? mode}`, () => {
      let h: Hostile;
      before(async () => {
        h = await startHostile(mode, opts.env, provider);
      });
      after(() => h.close());
      body(() => h);
    });
  }
}

/**
 * The whole of a case whose only check is "the login ends in ERROR with this code": for each provider of
 * the table, its own provider in `mode` and broker, one journey, and assertRejected.
 */
export function rejectedCase(mode: HostileMode, code: string, opts: { detail?: RegExp; env?: Record<string, string> } = {}): void {
  forEachProvider(
    mode,
    (h) => {
      it(`ends the session in ERROR ${code}, with no subject, on the error callback`, async () => {
        await assertRejected(h(), await journey(h()), code, opts.detail);
      });
    },
    { env: opts.env },
  );
}
