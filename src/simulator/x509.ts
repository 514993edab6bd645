// A self-signed X.509 certificate for a signing key, so the JWKS and token headers can carry `x5c` as
// ID-porten's do. Node can sign but not build certificates, and the few DER structures a certificate needs
// are smaller than a dependency: version 3, a serial, sha256WithRSAEncryption, a CN, a validity, the key.
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';

const tlv = (tag: number, body: Buffer): Buffer => {
  const len = body.length;
  const head =
    len < 0x80
      ? Buffer.from([tag, len])
      : len < 0x100
        ? Buffer.from([tag, 0x81, len])
        : len < 0x10000
          ? Buffer.from([tag, 0x82, len >> 8, len & 0xff])
          : Buffer.from([tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.concat([head, body]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const integer = (bytes: Buffer) => tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const oid = (hex: string) => tlv(0x06, Buffer.from(hex, 'hex'));
const NULL = Buffer.from([0x05, 0x00]);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const SHA256_RSA = seq(oid('2a864886f70d01010b'), NULL);
const CN = '550403';

function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${s.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${s}Z`));
}

/** A DER certificate, base64 (the x5c form), for an RSA private key, valid from `notBefore` for ten years. */
export function selfSignedCertificate(privateKey: KeyObject, commonName: string, notBefore: Date): string {
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const name = seq(set(seq(oid(CN), utf8(commonName))));
  const serial = createHash('sha256').update(spki).digest().subarray(0, 16);
  serial[0]! &= 0x7f;
  const notAfter = new Date(notBefore.getTime() + 10 * 365 * 86_400_000);
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    SHA256_RSA,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    spki,
  );
  const signature = sign('sha256', tbs, privateKey);
  return seq(tbs, SHA256_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature]))).toString('base64');
}
