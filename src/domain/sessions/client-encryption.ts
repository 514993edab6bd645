// Encrypted results (Signicat's encryptionPublicKey, message-level encryption): the key a client sends is
// checked here, and what the client reads of its session is sealed to it as a compact JWE with jose.
// Signicat documents the key algorithms (RSA-OAEP for RSA 2048/4096, ECDH-ES for P-256/P-384/P-521) but not
// the content encryption; A256GCM is the safe default (../shared/reference/signicat-integration-surface.md
// B.3, C.4). The JWE carries the key's kid so a client holding several keys knows which one to use.
import { CompactEncrypt, importJWK, type JWK } from 'jose';
import type { InvalidParam } from '../../errors/index.ts';
import type { EncryptionPublicKey } from '../../model/session-request.ts';

export const CLIENT_JWE_ENC = 'A256GCM';
const FIELD = 'encryptionPublicKey';
const RSA_BITS = [2048, 4096];
const CURVES = ['P-256', 'P-384', 'P-521'];
/** JWK members that belong to a private or symmetric key: a client must never send them (Signicat: d must be null). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A checked client key: kty in upper case, alg filled in, only the public members kept. */
export type ClientKey =
  | { kty: 'RSA'; use: 'enc'; alg: 'RSA-OAEP'; kid?: string; n: string; e: string }
  | { kty: 'EC'; use: 'enc'; alg: 'ECDH-ES'; kid?: string; crv: string; x: string; y: string };

/**
 * The key as the session keeps it, or undefined with the reason pushed to `bad`. The key is imported with
 * jose, so a key the encryption would fail on (an RSA modulus that is not one, a point off the curve) is
 * refused now, not when the session finishes.
 */
export async function checkEncryptionKey(jwk: EncryptionPublicKey | undefined, bad: InvalidParam[]): Promise<ClientKey | undefined> {
  if (jwk === undefined) return undefined;
  const refuse = (reason: string, name = FIELD) => {
    bad.push({ name, reason });
    return undefined;
  };
  const members = jwk as Record<string, unknown>;
  const leaked = PRIVATE_MEMBERS.filter((m) => members[m] !== undefined);
  if (leaked.length > 0) return refuse(`must be a public key: private members (${leaked.join(', ')}) must not be sent`);
  if (jwk.use !== 'enc') return refuse('use must be enc', `${FIELD}.use`);
  const kty = jwk.kty.toUpperCase();
  let key: ClientKey;
  if (kty === 'RSA') {
    if (jwk.alg !== undefined && jwk.alg !== 'RSA-OAEP') return refuse('alg must be RSA-OAEP for an RSA key', `${FIELD}.alg`);
    if (!jwk.n || !jwk.e) return refuse('is not a valid RSA public key: n and e are required');
    const bits = modulusBits(jwk.n);
    if (!RSA_BITS.includes(bits)) return refuse(`the RSA modulus must be 2048 or 4096 bits (this one has ${bits})`, `${FIELD}.n`);
    key = { kty: 'RSA', use: 'enc', alg: 'RSA-OAEP', n: jwk.n, e: jwk.e };
  } else if (kty === 'EC') {
    if (jwk.alg !== undefined && jwk.alg !== 'ECDH-ES') return refuse('alg must be ECDH-ES for an EC key', `${FIELD}.alg`);
    if (!jwk.crv || !CURVES.includes(jwk.crv)) return refuse('crv must be P-256, P-384 or P-521', `${FIELD}.crv`);
    if (!jwk.x || !jwk.y) return refuse('is not a valid EC public key: x and y are required');
    key = { kty: 'EC', use: 'enc', alg: 'ECDH-ES', crv: jwk.crv, x: jwk.x, y: jwk.y };
  } else {
    return refuse('kty must be RSA or EC', `${FIELD}.kty`);
  }
  if (jwk.kid !== undefined) key.kid = jwk.kid;
  try {
    await importJWK(key as JWK, key.alg);
  } catch (e) {
    return refuse(`is not a valid ${key.kty} public key: ${(e as Error).message}`);
  }
  return key;
}

function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i) * 8 - Math.clz32(bytes[i] ?? 0) + 24;
}

/** Imported keys by their JWK text: importing costs more than encrypting a session's few hundred bytes. */
const imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
const MAX_IMPORTED = 1000;

function importClientKey(key: ClientKey): Promise<CryptoKey | Uint8Array> {
  const text = JSON.stringify(key);
  let k = imported.get(text);
  if (!k) {
    if (imported.size >= MAX_IMPORTED) imported.delete(imported.keys().next().value as string);
    k = importJWK(key as JWK, key.alg);
    imported.set(text, k);
  }
  return k;
}

/** A compact JWE of the text, readable only with the client's private key. */
export async function encryptForClient(key: ClientKey, plaintext: string): Promise<string> {
  const header = { alg: key.alg, enc: CLIENT_JWE_ENC, ...(key.kid ? { kid: key.kid } : {}) };
  return new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader(header).encrypt(await importClientKey(key));
}
