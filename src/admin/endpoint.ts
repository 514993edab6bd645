// How the CLI finds a broker that holds the embedded store. PGlite has one writer: a CLI that opened the
// data directory beside a running broker would write changes the broker never sees and overwrites. So a
// broker on the embedded store publishes its admin endpoint in the data directory (a file only the
// directory's owner can read, with a token made at each start), and the CLI sends its commands there.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ENDPOINT_FILE = 'admin-endpoint.json';

export interface AdminEndpoint {
  pid: number;
  url: string;
  token: string;
}

export const newAdminToken = (): string => randomBytes(32).toString('base64url');

export function publishEndpoint(dataDir: string, endpoint: AdminEndpoint): void {
  writeFileSync(join(dataDir, ENDPOINT_FILE), JSON.stringify(endpoint), { mode: 0o600 });
}

export function withdrawEndpoint(dataDir: string, pid = process.pid): void {
  const current = readEndpoint(dataDir);
  if (current?.pid === pid) rmSync(join(dataDir, ENDPOINT_FILE), { force: true });
}

export function readEndpoint(dataDir: string): AdminEndpoint | undefined {
  try {
    const v = JSON.parse(readFileSync(join(dataDir, ENDPOINT_FILE), 'utf8')) as Partial<AdminEndpoint>;
    return typeof v.pid === 'number' && typeof v.url === 'string' && typeof v.token === 'string'
      ? { pid: v.pid, url: v.url, token: v.token }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The endpoint of a broker that is running now; a file left by one that died is stale. */
export function liveEndpoint(dataDir: string): AdminEndpoint | undefined {
  const e = readEndpoint(dataDir);
  if (!e) return undefined;
  try {
    process.kill(e.pid, 0);
    return e;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; still a broker holding the directory.
    return (err as { code?: string }).code === 'EPERM' ? e : undefined;
  }
}
