// Where the key that seals data at rest comes from: EIDGATE_ENCRYPTION_KEY, or in development a key file
// beside the embedded store (or a fixed, loudly logged key on a server). The broker and the CLI share this.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { EncryptionKeys } from './domain/encryption-keys.ts';

export function resolveEncryptionKey(config: Config, log: Logger): string {
  if (config.encryptionKey) return config.encryptionKey;
  if (config.env === 'production') throw new Error('EIDGATE_ENCRYPTION_KEY is required in production');
  if (!config.databaseUrl && config.dataDir !== 'memory://') {
    const file = join(config.dataDir, 'encryption.key');
    if (!existsSync(file)) {
      mkdirSync(config.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    }
    return readFileSync(file, 'utf8').trim();
  }
  log.warn('EIDGATE_ENCRYPTION_KEY is not set: using the fixed development key. Never do this with real identity data.');
  return createHash('sha256').update('eidgate development key, not secret').digest('base64');
}

/** The key that seals (as above) and the old keys that still open, for a rotation in progress. */
export function resolveEncryptionKeys(config: Config, log: Logger): EncryptionKeys {
  return { current: resolveEncryptionKey(config, log), old: config.oldEncryptionKeys };
}
