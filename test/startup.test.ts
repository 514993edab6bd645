// How the broker process starts when something around it is wrong or not there yet, as an operator sees it:
// real processes (node src/main.ts), their exit codes and what they write on stdout and stderr.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker } from '../src/broker.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { LogCapture } from './helpers.ts';

const NODE = process.execPath;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'eidgate-startup-'));
  dirs.push(d);
  return d;
};
const newKey = () => randomBytes(32).toString('base64');

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node src/main.ts` with exactly this environment (and PATH) until it exits. */
async function runToExit(env: Record<string, string>): Promise<Ended> {
  const child = spawn(NODE, ['src/main.ts'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

const noStack = (text: string) => assert.ok(!/\n\s+at /.test(text), `no stack trace in:\n${text}`);

describe('a store sealed with another encryption key', () => {
  it('stops the start with one line naming EIDGATE_ENCRYPTION_KEY and exit code 2', async () => {
    const dir = tempDir();
    const k1 = newKey();
    // A store that a broker with k1 created (and stopped).
    const first = await createBroker(
      loadConfig({ DATA_DIR: dir, EIDGATE_ENCRYPTION_KEY: k1, SIMULATOR: 'off', PORT: '0', LOG_LEVEL: 'silent' }),
      { purge: false, logger: createLogger('silent', new LogCapture()) },
    );
    await first.close();

    const r = await runToExit({ DATA_DIR: dir, EIDGATE_ENCRYPTION_KEY: newKey(), SIMULATOR: 'off', PORT: '0' });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      'eidgate: the store was sealed with another encryption key: set EIDGATE_ENCRYPTION_KEY to the key it was created with (while rotating, list the earlier key in EIDGATE_OLD_ENCRYPTION_KEYS)\n',
    );
    noStack(r.stdout + r.stderr);
  });
});
