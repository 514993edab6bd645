// Property-based fuzzing of the two public APIs (fast-check, a few thousand generated requests per run):
// whatever arrives, the answer is never a 5xx, every 4xx is in its API's error format (RFC 6749 at the
// token endpoint, Signicat's error object on the sessions API), and a refused request stores nothing.
// The generators mix valid values with the shapes that broke things before: NUL, unpaired surrogates,
// nulls, wrong types, huge strings, upper-case enums, unknown fields.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { call, getToken, startBroker, validSessionRequest, type TestBroker } from './helpers.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

/** Percent-encodes every byte (encodeURIComponent throws on a lone surrogate; the broker must not). */
const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** Strings that have hurt parsers and databases: full Unicode, lone surrogates, NUL, long, URL-ish. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '%00', '%ff', '%ED%A0%80', 'ÿ', '\u202e', ''),
  fc.constantFrom('REDIRECT', 'Embedded', 'headless', 'idporten', 'IDPORTEN', 'nbid', 'sbid', 'high', 'HIGH', 'nin', 'NIN'),
  fc.webUrl({ withFragments: true, withQueryParameters: true }),
  fc.string({ minLength: 300, maxLength: 5000 }),
);
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 5 }),
  fc.dictionary(nasty, nasty, { maxKeys: 4 }),
);

/** A session request: each field valid, missing, null or hostile; plus unknown fields now and then. */
const sessionBody = fc
  .record(
    {
      flow: fc.oneof(fc.constantFrom('redirect', 'REDIRECT', 'embedded', 'headless'), anyJson),
      requestedAttributes: fc.oneof(fc.constant(['nin', 'name']), fc.constant([]), fc.array(nasty, { maxLength: 4 }), anyJson),
      allowedProviders: fc.oneof(fc.constant(['idporten']), fc.array(nasty, { maxLength: 3 }), anyJson),
      callbackUrls: fc.oneof(
        fc.constant(validSessionRequest().callbackUrls),
        fc.record({ success: fc.oneof(nasty, anyJson), abort: nasty, error: nasty }, { requiredKeys: [] }),
        anyJson,
      ),
      language: fc.oneof(fc.constantFrom('nb', 'en-GB', 'se', 'NB'), nasty, anyJson),
      requestedLoa: fc.oneof(fc.constantFrom('low', 'substantial', 'HIGH'), anyJson),
      externalReference: fc.oneof(nasty, anyJson),
      tags: fc.oneof(fc.array(nasty, { maxLength: 5 }), anyJson),
      prefilledInput: fc.oneof(fc.record({ nin: nasty, email: nasty }, { requiredKeys: [] }), anyJson),
      additionalParameters: fc.oneof(fc.dictionary(nasty, nasty, { maxKeys: 3 }), anyJson),
      embeddedParentDomains: fc.oneof(fc.array(nasty, { maxLength: 3 }), anyJson),
      returnUrl: fc.oneof(nasty, anyJson),
      sessionLifetime: fc.oneof(fc.integer({ min: -10, max: 100_000 }), anyJson),
      requestDomain: fc.oneof(nasty, anyJson),
      themeId: fc.oneof(nasty, anyJson),
      encryptionPublicKey: fc.oneof(fc.constant(null), anyJson),
    },
    { requiredKeys: [] },
  )
  .chain((body) => fc.dictionary(nasty, anyJson, { maxKeys: 2 }).map((extra) => ({ ...extra, ...body })));

function assertSignicatError(status: number, body: any, label: string): void {
  assert.ok(status < 500, `${label}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
  if (status >= 400) {
    for (const k of ['type', 'title', 'detail', 'code', 'traceId'])
      assert.equal(typeof body?.[k], 'string', `${label}: ${k} in ${JSON.stringify(body).slice(0, 300)}`);
    assert.equal(body.status, status, label);
  }
}

describe('fuzzing the public APIs', () => {
  let t: TestBroker;
  let token: string;
  before(async () => {
    t = await startBroker();
    token = await getToken(t.base, t.clientId, t.clientSecret);
  });
  after(() => t.close());
  const count = async () => (await t.broker.store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions'))[0]!.n;

  it(`session create: ${RUNS} generated bodies, no 5xx, every refusal Signicat's error object, nothing stored`, async () => {
    await fc.assert(
      fc.asyncProperty(sessionBody, async (body) => {
        const before = await count();
        const res = await call(t.base, 'POST', '/auth/rest/sessions', { token, body: JSON.stringify(body) });
        assertSignicatError(res.status, res.body, 'create');
        if (res.status >= 400) assert.equal(await count(), before, 'a refused request stores nothing');
        else assert.equal(res.body.status, 'CREATED');
      }),
      { numRuns: RUNS },
    );
  });

  it(`session GET and cancel: ${RUNS / 2} generated ids and queries, no 5xx`, async () => {
    await fc.assert(
      fc.asyncProperty(nasty, nasty, fc.constantFrom('GET', 'POST'), async (id, query, method) => {
        const path = `/auth/rest/sessions/${pct(id)}${method === 'POST' ? '/cancel' : ''}?sessionNonce=${pct(query)}&x=${pct(query)}`;
        const res = await call(t.base, method, path, { token });
        assertSignicatError(res.status, res.body, `${method} ${path.slice(0, 60)}`);
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it(`token endpoint: ${RUNS} generated requests, no 5xx, every refusal RFC 6749`, async () => {
    const form = fc.dictionary(fc.constantFrom('grant_type', 'scope', 'client_id', 'client_secret', 'x'), nasty, { maxKeys: 5 });
    const header = fc.oneof(
      fc.constant(undefined),
      nasty.map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
      nasty.map((s) => `Basic ${s}`),
      nasty.map((s) => `Bearer ${s}`),
    );
    const contentType = fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data');
    await fc.assert(
      fc.asyncProperty(form, header, contentType, async (fields, authorization, type) => {
        const body =
          type === 'application/json' ? JSON.stringify(fields) : new URLSearchParams(fields as Record<string, string>).toString();
        const headers: Record<string, string> = { 'content-type': type, ...(authorization ? { authorization } : {}) };
        let res: Awaited<ReturnType<typeof call>>;
        try {
          res = await call(t.base, 'POST', '/auth/open/connect/token', { body, headers });
        } catch (e) {
          // fetch refuses some header values (a byte over 0xff) before sending: nothing reached the broker.
          if (e instanceof TypeError) return;
          throw e;
        }
        assert.ok(res.status < 500, `token: ${res.status} ${JSON.stringify(res.body)}`);
        if (res.status >= 400) {
          assert.equal(typeof res.body?.error, 'string', `token: ${JSON.stringify(res.body)}`);
          assert.equal(res.headers.get('cache-control'), 'no-store');
        }
      }),
      { numRuns: RUNS },
    );
  });
});
