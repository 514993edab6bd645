import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';

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
    assert.equal(loadConfig({ EIDGATE_ENV: 'production', EIDGATE_ENCRYPTION_KEY: key }).simulator.enabled, false);
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
