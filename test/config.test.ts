import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';

const DEV_WHSEC = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.publicUrl, 'http://localhost:8080');
    assert.equal(c.dataDir, './.eidgate');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.env, 'development');
    assert.equal(c.simulator.enabled, true);
    assert.equal(c.simulator.port, 8081);
  });

  it('derives PUBLIC_URL from PORT and strips a trailing slash', () => {
    assert.equal(loadConfig({ PORT: '9000' }).publicUrl, 'http://localhost:9000');
    assert.equal(loadConfig({ PUBLIC_URL: 'https://login.example.no/' }).publicUrl, 'https://login.example.no');
  });

  it('names each bad value with a clear message', () => {
    const p = problems({
      PORT: 'eighty',
      PUBLIC_URL: 'ftp://x',
      DATABASE_URL: 'mysql://x',
      EIDGATE_ENV: 'staging',
      TRUST_PROXY: 'maybe',
      EIDGATE_ENCRYPTION_KEY: 'short',
    });
    for (const name of ['PORT', 'PUBLIC_URL', 'DATABASE_URL', 'EIDGATE_ENV', 'TRUST_PROXY', 'EIDGATE_ENCRYPTION_KEY']) {
      assert.ok(
        p.some((m) => m.startsWith(`${name}:`)),
        `${name} in ${p}`,
      );
    }
  });

  it('refuses production without an encryption key or with the simulator', () => {
    assert.ok(problems({ EIDGATE_ENV: 'production' }).some((m) => m.startsWith('EIDGATE_ENCRYPTION_KEY')));
    const key = Buffer.alloc(32, 1).toString('base64');
    assert.ok(problems({ EIDGATE_ENV: 'production', EIDGATE_ENCRYPTION_KEY: key, SIMULATOR: 'on' }).some((m) => m.startsWith('SIMULATOR')));
    const prod = {
      EIDGATE_ENV: 'production',
      EIDGATE_ENCRYPTION_KEY: key,
      PUBLIC_URL: 'https://x.example',
      DATABASE_URL: 'postgres://db/x',
    };
    assert.equal(loadConfig(prod).simulator.enabled, false);
  });

  describe('production mode', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const prod = {
      EIDGATE_ENV: 'production',
      EIDGATE_ENCRYPTION_KEY: key,
      PUBLIC_URL: 'https://login.example.no',
      DATABASE_URL: 'postgres://eidgate@db:5432/eidgate',
    };

    it('starts with an https PUBLIC_URL, DATABASE_URL and a key, simulator and development account off', () => {
      const c = loadConfig(prod);
      assert.equal(c.simulator.enabled, false);
      assert.deepEqual(c.dev, {
        accountId: undefined,
        clientId: undefined,
        clientSecret: undefined,
        webhookUrl: undefined,
        webhookSecret: undefined,
        oidcClientId: undefined,
        oidcClientSecret: undefined,
        oidcRedirectUris: undefined,
      });
    });

    it('refuses an http PUBLIC_URL, also the default one', () => {
      assert.ok(problems({ ...prod, PUBLIC_URL: 'http://login.example.no' }).some((m) => m.startsWith('PUBLIC_URL: must be https')));
      const { PUBLIC_URL: _u, ...noUrl } = prod;
      assert.ok(problems(noUrl).some((m) => m.startsWith('PUBLIC_URL: must be https')));
    });

    it('refuses the embedded store unless EIDGATE_ALLOW_EMBEDDED_STORE opts in', () => {
      const { DATABASE_URL: _d, ...embedded } = prod;
      assert.ok(problems(embedded).some((m) => m.startsWith('DATABASE_URL: required') && m.includes('EIDGATE_ALLOW_EMBEDDED_STORE')));
      assert.equal(loadConfig({ ...embedded, EIDGATE_ALLOW_EMBEDDED_STORE: 'true' }).databaseUrl, undefined);
      assert.ok(
        problems({ ...embedded, EIDGATE_ALLOW_EMBEDDED_STORE: 'maybe' }).some((m) => m.startsWith('EIDGATE_ALLOW_EMBEDDED_STORE:')),
      );
    });

    it('refuses development credentials instead of ignoring them', () => {
      for (const name of ['EIDGATE_DEV_ACCOUNT_ID', 'EIDGATE_DEV_CLIENT_ID']) {
        const value = name === 'EIDGATE_DEV_ACCOUNT_ID' ? 'a-dev-fixed' : 'dev-client';
        assert.ok(problems({ ...prod, [name]: value }).some((m) => m.startsWith(`${name}: there is no development account`)));
      }
    });

    it('refuses the development webhook instead of ignoring it', () => {
      const p = problems({ ...prod, EIDGATE_DEV_WEBHOOK_URL: 'https://hooks.example/x', EIDGATE_DEV_WEBHOOK_SECRET: DEV_WHSEC });
      for (const name of ['EIDGATE_DEV_WEBHOOK_URL', 'EIDGATE_DEV_WEBHOOK_SECRET'])
        assert.ok(
          p.some((m) => m.startsWith(`${name}: there is no development account`)),
          name,
        );
    });

    it('names every missing piece at once', () => {
      const p = problems({ EIDGATE_ENV: 'production' });
      for (const name of ['EIDGATE_ENCRYPTION_KEY', 'PUBLIC_URL', 'DATABASE_URL']) {
        assert.ok(
          p.some((m) => m.startsWith(`${name}:`)),
          `${name} in ${p}`,
        );
      }
    });
  });

  it('events: one day of retries, 10 s per attempt, 1 s polling, no private addresses, unless set', () => {
    const d = loadConfig({});
    assert.deepEqual(d.events, {
      ttlSeconds: 86400,
      webhookTimeoutMs: 10000,
      pollIntervalMs: 1000,
      allowPrivateAddresses: false,
      nats: undefined,
    });
    const c = loadConfig({
      EVENT_TTL_SECONDS: '3600',
      WEBHOOK_TIMEOUT_MS: '2500',
      WEBHOOK_POLL_INTERVAL_MS: '200',
      EIDGATE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
    });
    assert.deepEqual(c.events, {
      ttlSeconds: 3600,
      webhookTimeoutMs: 2500,
      pollIntervalMs: 200,
      allowPrivateAddresses: true,
      nats: undefined,
    });
    assert.ok(problems({ WEBHOOK_TIMEOUT_MS: '600000' }).some((m) => m.startsWith('WEBHOOK_TIMEOUT_MS:')));
  });

  it('the NATS sink: off unless NATS_URL is set; stream and subject prefix defaulted and checked', () => {
    assert.equal(loadConfig({}).events.nats, undefined);
    assert.deepEqual(loadConfig({ NATS_URL: 'nats://127.0.0.1:4222' }).events.nats, {
      url: 'nats://127.0.0.1:4222',
      stream: 'EIDGATE_EVENTS',
      subjectPrefix: 'eidgate.events',
    });
    assert.ok(problems({ NATS_URL: 'http://x' }).some((m) => m.startsWith('NATS_URL:')));
    assert.ok(problems({ NATS_URL: 'nats://x:1', NATS_STREAM: 'a.b' }).some((m) => m.startsWith('NATS_STREAM:')));
    assert.ok(problems({ NATS_URL: 'nats://x:1', NATS_SUBJECT_PREFIX: 'a.>' }).some((m) => m.startsWith('NATS_SUBJECT_PREFIX:')));
    assert.ok(problems({ NATS_STREAM: 'S' }).some((m) => m.includes('need NATS_URL')));
  });

  it('takes the development webhook as a URL and a Standard Webhooks secret, both or neither', () => {
    const c = loadConfig({ EIDGATE_DEV_WEBHOOK_URL: 'http://localhost:9000/hook', EIDGATE_DEV_WEBHOOK_SECRET: DEV_WHSEC });
    assert.equal(c.dev.webhookUrl, 'http://localhost:9000/hook');
    assert.equal(c.dev.webhookSecret, DEV_WHSEC);
    assert.ok(problems({ EIDGATE_DEV_WEBHOOK_URL: 'http://localhost:9000/hook' }).some((m) => m.includes('set both or neither')));
    for (const bad of ['not-a-secret', 'whsec_c2hvcnQ=', `whsec_${'!'.repeat(40)}`])
      assert.ok(
        problems({ EIDGATE_DEV_WEBHOOK_URL: 'http://localhost:9000/hook', EIDGATE_DEV_WEBHOOK_SECRET: bad }).some((m) =>
          m.startsWith('EIDGATE_DEV_WEBHOOK_SECRET:'),
        ),
        bad,
      );
  });

  it('reads old encryption keys for rotation, each checked', () => {
    const a = Buffer.alloc(32, 2).toString('base64');
    const b = Buffer.alloc(32, 3).toString('base64');
    const current = Buffer.alloc(32, 4).toString('base64');
    assert.deepEqual(loadConfig({ EIDGATE_ENCRYPTION_KEY: current, EIDGATE_OLD_ENCRYPTION_KEYS: `${a}, ${b}` }).oldEncryptionKeys, [a, b]);
    assert.deepEqual(loadConfig({}).oldEncryptionKeys, []);
    assert.ok(
      problems({ EIDGATE_ENCRYPTION_KEY: current, EIDGATE_OLD_ENCRYPTION_KEYS: `${a},nope` }).some((m) =>
        m.startsWith('EIDGATE_OLD_ENCRYPTION_KEYS: key 2'),
      ),
    );
    assert.ok(problems({ EIDGATE_OLD_ENCRYPTION_KEYS: a }).some((m) => m.includes('needs EIDGATE_ENCRYPTION_KEY')));
  });

  it('bounds the wait for the database at start', () => {
    assert.equal(loadConfig({}).databaseConnectTimeoutSeconds, 30);
    assert.equal(loadConfig({ DATABASE_CONNECT_TIMEOUT_SECONDS: '0' }).databaseConnectTimeoutSeconds, 0);
    assert.ok(problems({ DATABASE_CONNECT_TIMEOUT_SECONDS: 'soon' }).some((m) => m.startsWith('DATABASE_CONNECT_TIMEOUT_SECONDS:')));
  });

  it('refuses a short fixed development secret', () => {
    assert.ok(problems({ EIDGATE_DEV_CLIENT_SECRET: 'short' }).some((m) => m.startsWith('EIDGATE_DEV_CLIENT_SECRET')));
  });

  it('reads a config file, lets the environment win, and rejects unknown keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eidgate-config-'));
    const file = join(dir, 'eidgate.json');
    writeFileSync(file, JSON.stringify({ port: 7000, host: '0.0.0.0' }));
    const c = loadConfig({ EIDGATE_CONFIG: file, HOST: '127.0.0.2' });
    assert.equal(c.port, 7000);
    assert.equal(c.host, '127.0.0.2');
    writeFileSync(file, JSON.stringify({ prot: 7000 }));
    assert.ok(problems({ EIDGATE_CONFIG: file }).some((m) => m.includes('unknown key "prot"')));
    writeFileSync(file, '{not json');
    assert.throws(() => loadConfig({ EIDGATE_CONFIG: file }), /cannot read/);
  });
});
