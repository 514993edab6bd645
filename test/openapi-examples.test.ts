// The OpenAPI document as an integrator reads it: every example valid against its schema in the generated
// document and shaped like a real answer of today's broker, every operation and status described, the
// token endpoint declared as an OAuth2 client-credentials scheme, the session error codes listed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SESSION_ERROR_CODES } from '../src/http/api/document.ts';
import { API_SCOPE } from '../src/domain/tokens.ts';
import { createSessionRequestExample, EXAMPLE_USES, EXAMPLES } from '../src/http/api/examples.ts';
import { PATHS } from '../src/http/paths.ts';
import type { RunningSimulator } from '../src/simulator/simulator.ts';
import { startSimulatorFor } from './simulator-support.ts';
import { Agent, formAction } from './agent.ts';
import { startHostile, type Hostile } from './hostile/support.ts';
import { call, getToken, startBroker, type TestBroker } from './helpers.ts';

// ajv-formats is CommonJS: under Node's ESM interop its plugin is the module object's own `default`.
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv2020) => void }).default;

const CALLBACK = 'https://example.com/';

/** Every dotted path of a JSON value (array items as []), so two values can be compared by shape. */
function shape(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v) => shape(v, `${prefix}[]`))];
  if (value && typeof value === 'object') {
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => shape(v, prefix ? `${prefix}.${k}` : k))];
  }
  return [prefix];
}
const sameShape = (real: unknown, example: unknown, label: string) =>
  assert.deepEqual(
    [...new Set(shape(example))].sort(),
    [...new Set(shape(real))].sort(),
    `${label}: the example has the real answer's fields`,
  );

describe('the OpenAPI document for integrators', () => {
  let t: TestBroker;
  let doc: any;
  let ajv: Ajv2020;
  const DOC_ID = 'https://eidgate.invalid/openapi.json';
  const validator = (ref: string): ValidateFunction => {
    const v = ajv.getSchema(`${DOC_ID}${ref}`);
    assert.ok(v, `schema ${ref} in the document`);
    return v;
  };

  before(async () => {
    t = await startBroker();
    doc = (await call(t.base, 'GET', '/openapi.json')).body;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: DOC_ID, components: doc.components });
  });
  after(() => t.close());

  for (const [name, example] of Object.entries(EXAMPLES)) {
    it(`example ${name} is valid against ${example.schema} in the generated document`, () => {
      assert.deepEqual(doc.components.examples[name].value, example.value, 'published as written');
      const validate = validator(`#/components/schemas/${example.schema}`);
      assert.ok(validate(example.value), JSON.stringify(validate.errors));
    });
  }

  it('an example that drifts from its schema fails the check', () => {
    const validate = validator('#/components/schemas/Session');
    assert.equal(validate({ ...EXAMPLES.SuccessSession.value, status: 'DONE' }), false);
    assert.equal(validate({ ...EXAMPLES.SuccessSession.value, sessionLifetime: '1200' }), false);
    assert.equal(validator('#/components/schemas/SessionRequest')({ ...createSessionRequestExample, requestedLoa: 'medium' }), false);
  });

  it('every example an operation shows fits the schema of that request or response', () => {
    let checked = 0;
    for (const [path, methods] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        const media = [op.requestBody, ...Object.values(op.responses)].map((h: any) => h?.content?.['application/json']);
        for (const m of media) {
          for (const [name, ex] of Object.entries<any>(m?.examples ?? {})) {
            const value = ex.$ref ? doc.components.examples[ex.$ref.split('/').pop()].value : ex.value;
            const validate = validator(m.schema.$ref);
            assert.ok(validate(value), `${method} ${path} ${name}: ${JSON.stringify(validate.errors)}`);
            checked++;
          }
        }
      }
    }
    assert.equal(
      checked,
      EXAMPLE_USES.reduce((n, u) => n + u.examples.length, 0),
    );
  });

  it('describes every operation and every status', () => {
    for (const [path, methods] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        assert.ok(op.description?.length > 20, `${method} ${path} has a description`);
        for (const [status, r] of Object.entries<any>(op.responses)) {
          assert.ok(r.description && r.description !== 'Default Response', `${method} ${path} ${status} is described`);
        }
      }
    }
  });

  it('declares the token endpoint as an OAuth2 client-credentials scheme used by the session operations', () => {
    const scheme = doc.components.securitySchemes.oauth2;
    assert.equal(scheme.type, 'oauth2');
    assert.equal(scheme.flows.clientCredentials.tokenUrl, `${t.config.publicUrl}${PATHS.token}`);
    assert.deepEqual(Object.keys(scheme.flows.clientCredentials.scopes), [API_SCOPE]);
    for (const [path, method] of [
      [PATHS.sessions, 'post'],
      ['/auth/rest/sessions/{id}', 'get'],
      ['/auth/rest/sessions/{id}/cancel', 'post'],
      ['/auth/rest/webhooks', 'post'],
      ['/auth/rest/webhooks', 'get'],
      ['/auth/rest/webhooks/{id}', 'patch'],
      ['/auth/rest/webhooks/{id}/deliveries/{eventId}/redeliver', 'post'],
    ] as const) {
      assert.deepEqual(doc.paths[path][method].security, [{ oauth2: [API_SCOPE] }, { bearerAuth: [] }], `${method} ${path}`);
    }
  });

  it('tells the callback contract and lists every session error code', () => {
    const errorText = doc.components.schemas.Session.properties.error.description;
    for (const code of SESSION_ERROR_CODES) {
      assert.match(errorText, new RegExp(`\`${code}\``), `Session.error lists ${code}`);
      assert.match(doc.info.description, new RegExp(`\`${code}\``), `the guide lists ${code}`);
    }
    for (const words of ['sessionId', 'externalReference', 'fragment', 'callbackUrls'])
      assert.ok(doc.info.description.includes(words), words);
  });
});

describe('the examples are shaped like real answers', () => {
  let t: TestBroker;
  let sim: RunningSimulator;
  let hostile: Hostile;
  const request = {
    ...createSessionRequestExample,
    callbackUrls: { success: `${CALLBACK}login/success`, abort: `${CALLBACK}login/abort`, error: `${CALLBACK}login/error` },
  };

  before(async () => {
    t = await startBroker();
    sim = await startSimulatorFor(t);
    hostile = await startHostile('low-acr');
  });
  after(async () => {
    await t?.close();
    await sim?.close();
    await hostile?.close();
  });

  it('create, then log in: the created and the successful session', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    const created = await call(t.base, 'POST', PATHS.sessions, { token, body: request });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    sameShape(created.body, EXAMPLES.CreatedSession.value, 'CreatedSession');
    const agent = new Agent();
    const page = await agent.follow(created.body.authenticationUrl, {}, CALLBACK);
    const person = sim.people.find((p) => p.pid === EXAMPLES.SuccessSession.value.subject.nin.value) ?? sim.people[0]!;
    const landed = await agent.follow(
      formAction(page.body, page.url),
      { form: { action: 'login', eid: 'bankid', person: person.pid } },
      CALLBACK,
    );
    assert.equal(landed.url, `${CALLBACK}login/success?sessionId=${created.body.id}&externalReference=order-1234`);
    const done = await call(t.base, 'GET', `/auth/rest/sessions/${created.body.id}`, { token });
    assert.equal(done.body.status, 'SUCCESS');
    sameShape(done.body, EXAMPLES.SuccessSession.value, 'SuccessSession');
    assert.deepEqual(done.body.subject.nin, EXAMPLES.SuccessSession.value.subject.nin, 'the synthetic person of the example');
  });

  it('a refused request: the error object with invalidParams', async () => {
    const token = await getToken(t.base, t.clientId, t.clientSecret);
    const refused = await call(t.base, 'POST', PATHS.sessions, { token, body: { ...request, requestedLoa: 'medium' } });
    const example = EXAMPLES.InvalidParamsError.value;
    assert.equal(refused.status, example.status);
    sameShape(refused.body, example, 'InvalidParamsError');
    assert.deepEqual({ ...refused.body, traceId: example.traceId }, example);
  });

  it('a login below the requested level: the ERROR session', async () => {
    const h = hostile;
    const created = await call(h.t.base, 'POST', PATHS.sessions, {
      token: h.token,
      body: { ...request, requestedLoa: 'high', externalReference: undefined },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const landed = await new Agent().follow(created.body.authenticationUrl, {}, CALLBACK);
    assert.equal(landed.url, `${CALLBACK}login/error?sessionId=${created.body.id}`);
    const failed = await call(h.t.base, 'GET', `/auth/rest/sessions/${created.body.id}`, { token: h.token });
    const example = EXAMPLES.ErrorSession.value;
    sameShape(failed.body, example, 'ErrorSession');
    assert.deepEqual(failed.body.error, example.error);
    assert.equal(failed.body.statusDetail, example.statusDetail);
  });
});
