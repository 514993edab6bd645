// The journey's steps with a scripted adapter (no provider, no HTTP): binding to the browser, a provider
// that cannot start, a bug that must not be hidden, a payload that is not the adapter's, and a race.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { Sealer } from '../../src/crypto.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { ProviderCatalog } from '../../src/domain/providers/catalog.ts';
import { DecoupledOrders } from '../../src/domain/journey/orders.ts';
import { Journeys } from '../../src/domain/journey/journeys.ts';
import { ProviderFailure, type ProviderOutcome, type RedirectAdapter } from '../../src/domain/providers/adapter.ts';
import { ProviderConfigs } from '../../src/domain/providers/configs.ts';
import { Sessions } from '../../src/domain/sessions/sessions.ts';
import { Store } from '../../src/store/index.ts';
import { dropSchema, newSchema, testStoreOptions } from '../helpers.ts';

interface ScriptedJourney {
  nonce: string;
}

/** An adapter whose start and finish do what the test says. */
class ScriptedAdapter implements RedirectAdapter<ScriptedJourney> {
  readonly kind = 'redirect';
  startWith: () => Promise<void> = async () => {};
  outcome: ProviderOutcome = { kind: 'abort' };
  parseJourney(value: unknown): ScriptedJourney | null {
    return typeof value === 'object' && value !== null && 'nonce' in value && typeof value.nonce === 'string'
      ? { nonce: value.nonce }
      : null;
  }
  async start() {
    await this.startWith();
    const state = randomBytes(12).toString('base64url');
    return { redirectUrl: `https://idp.example/authorize?state=${state}`, state, journey: { nonce: 'n-1' } };
  }
  async finish(): Promise<ProviderOutcome> {
    return this.outcome;
  }
}

const IDPORTEN_CONFIG = {
  providerId: 'idporten',
  issuer: 'https://idp.example',
  clientId: 'c',
  clientSecret: 's',
  clientAuth: 'client_secret_basic',
  par: false,
} as const;

const env = { ipAddress: '127.0.0.1', userAgent: 'test' };
const callbackUrls = { success: 'https://example.com/ok', abort: 'https://example.com/abort', error: 'https://example.com/error' };

describe('journey steps', () => {
  const schema = newSchema();
  let store: Store;
  let sessions: Sessions;
  let journeys: Journeys;
  let configs: ProviderConfigs;
  const adapter = new ScriptedAdapter();
  const accountId = 'a-unit-journeys';

  before(async () => {
    store = await Store.open(testStoreOptions(schema));
    const sealer = new Sealer(randomBytes(32).toString('base64'));
    const clock = new ManualClock();
    configs = new ProviderConfigs(store, sealer);
    await store.accounts.create({ id: accountId, name: 'Unit', callbackDomains: ['example.com'] });
    await configs.save(accountId, IDPORTEN_CONFIG);
    sessions = new Sessions({
      store,
      sealer,
      clock,
      findAccount: (id) => store.accounts.get(id),
      isProviderConfigured: async () => true,
      genericProviderIds: async () => [],
      publicHost: 'localhost',
    });
    const catalog = new ProviderCatalog(configs, new Map([['idporten', adapter]]), { timeoutMs: 1000, clock });
    const log = pino({ level: 'silent' });
    journeys = new Journeys({
      sessions,
      catalog,
      callbackUrl: (p) => `https://broker.example/auth/callback/${p}`,
      pageUrl: (id) => `https://broker.example/login/${id}`,
      orders: new DecoupledOrders({ sessions, catalog, store, log }),
      log,
    });
  });
  after(async () => {
    await store.close();
    await dropSchema(schema);
  });

  const newSession = async () =>
    (await sessions.create(accountId, { flow: 'redirect', requestedAttributes: ['nin'], allowedProviders: ['idporten'], callbackUrls }))
      .session;
  const stateOf = async (id: string) => (await store.sessions.get(id))?.journeyState ?? '';
  const callbackFor = async (id: string) => new URL(`https://broker.example/auth/callback/idporten?state=${await stateOf(id)}&code=x`);

  it('binds the session to the browser that opened it; another browser is refused', async () => {
    adapter.startWith = async () => {};
    const s = await newSession();
    const step = await journeys.open(s.id, 'browser-one-0123456789abc');
    assert.equal(step.kind, 'redirect');
    const started = await store.sessions.get(s.id);
    assert.equal(started?.status, 'WAITING_FOR_USER', 'handed to the provider');
    assert.equal((await journeys.open(s.id, 'browser-two-0123456789abc')).kind, 'other_browser');
    assert.equal((await journeys.abort(s.id, 'browser-two-0123456789abc', env)).kind, 'other_browser');
    assert.deepEqual(await store.sessions.get(s.id), started, 'the other browser changed nothing');
  });

  it('a provider that cannot start shows "unavailable" and leaves the session open', async () => {
    adapter.startWith = async () => {
      throw new ProviderFailure('provider_unavailable', 'connection refused');
    };
    const s = await newSession();
    const step = await journeys.open(s.id, 'browser-three-0123456789a');
    assert.equal(step.kind, 'unavailable');
    assert.equal((await store.sessions.get(s.id))?.status, 'CREATED');
  });

  it('a bug in an adapter is not hidden as "unavailable"', async () => {
    const bug = new TypeError('x is undefined');
    adapter.startWith = async () => {
      throw bug;
    };
    const s = await newSession();
    await assert.rejects(journeys.open(s.id, 'browser-four-0123456789ab'), (e) => e === bug);
  });

  it('a sealed journey payload that is not the adapter\'s shape ends nothing: "unavailable"', async () => {
    adapter.startWith = async () => {};
    const s = await newSession();
    await journeys.open(s.id, 'browser-five-0123456789ab');
    assert.ok(await store.sessions.transition(s.id, { from: ['WAITING_FOR_USER'] }, { journeyEnc: null }));
    const step = await journeys.callback('idporten', await callbackFor(s.id), 'browser-five-0123456789ab', env);
    assert.equal(step.kind, 'unavailable');
    assert.equal((await store.sessions.get(s.id))?.status, 'WAITING_FOR_USER');
  });

  it('of two callbacks at once, one finishes the session and the other is shown where it stands', async () => {
    adapter.startWith = async () => {};
    adapter.outcome = { kind: 'success', loa: 'substantial', subjectKey: 'p-1', attributes: { name: 'Kari Nordmann' } };
    const s = await newSession();
    await journeys.open(s.id, 'browser-six-0123456789abc');
    const url = await callbackFor(s.id);
    const steps = await Promise.all([1, 2].map(() => journeys.callback('idporten', url, 'browser-six-0123456789abc', env)));
    assert.deepEqual(
      steps.map((st) => st.kind).sort(),
      ['redirect', 'redirect'],
      'both go to the callback: the loser waits for the winner instead of exchanging the code again',
    );
    assert.equal((await store.sessions.get(s.id))?.status, 'SUCCESS');
  });

  it('a provider configuration removed while the person is at the provider ends the login: ERROR session_error', async () => {
    adapter.startWith = async () => {};
    const s = await newSession();
    await journeys.open(s.id, 'browser-seven-0123456789ab');
    await configs.remove(accountId, 'idporten');
    try {
      const step = await journeys.callback('idporten', await callbackFor(s.id), 'browser-seven-0123456789ab', env);
      assert.deepEqual(step, { kind: 'redirect', url: `https://example.com/error?sessionId=${s.id}` });
      const done = await store.sessions.get(s.id);
      assert.equal(done?.status, 'ERROR');
      assert.equal(done?.error?.code, 'session_error');
      assert.equal(done?.error?.type, 'https://developer.signicat.com/docs/eid-hub/error-codes.html#broker-error-codes');
    } finally {
      await configs.save(accountId, IDPORTEN_CONFIG);
    }
  });
});
