// Standard Webhooks signing secrets: `whsec_` then the key in base64. Pure, so the configuration can check one.
import { randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
/** A new secret's bytes (Standard Webhooks: between 24 and 64). */
const SECRET_BYTES = 32;

export const newWebhookSecret = (): string => `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;

/** A `whsec_…` secret as Standard Webhooks writes it: the prefix, then 24 to 64 bytes in base64. */
export function isWebhookSecret(s: string): boolean {
  if (!s.startsWith(SECRET_PREFIX)) return false;
  const body = s.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return false;
  const n = Buffer.from(body, 'base64').length;
  return n >= 24 && n <= 64;
}
