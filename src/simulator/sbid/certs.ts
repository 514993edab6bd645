// The simulator's test PKI: a CA, the RP API's server certificate (localhost, 127.0.0.1, ::1) and an RP client
// certificate, all issued by that CA. Real BankID hands RPs a PKCS#12 file (passphrase qwerty123 in test), so the
// RP certificate is also written as rp.p12 with that passphrase. With a data directory the files are created on
// first start and reused after, so an RP configured once keeps working across restarts; leaf certificates close
// to expiry are reissued from the same CA. Keys come from node:crypto (fast, native); node-forge builds the
// X.509 and PKCS#12 structures, which node:crypto cannot.
import { generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

export const RP_PFX_PASSPHRASE = 'qwerty123';

export interface SbidPki {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  rpCertPem: string;
  rpKeyPem: string;
  rpPfx: Buffer;
  /** Where the files are, when kept in a data directory. */
  paths?: { caCert: string; serverCert: string; serverKey: string; rpCert: string; rpKey: string; rpPfx: string };
}

const generateRsa = promisify(generateKeyPair);

async function newKey(): Promise<string> {
  const { privateKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return privateKey;
}

type Attr = { name?: string; shortName?: string; type?: string; value: string };

function issue(opts: {
  subject: Attr[];
  keyPem: string;
  issuer?: { certPem: string; keyPem: string };
  years: number;
  extensions: object[];
}): string {
  const key = forge.pki.privateKeyFromPem(opts.keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // A positive serial: 16 random bytes with the top bit cleared.
  const serial = randomBytes(16);
  serial.writeUInt8(serial.readUInt8(0) & 0x7f, 0);
  cert.serialNumber = serial.toString('hex');
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000); // an hour of clock skew
  cert.validity.notAfter = new Date(now.getTime() + opts.years * 365 * 24 * 60 * 60 * 1000);
  cert.setSubject(opts.subject);
  const issuerCert = opts.issuer ? forge.pki.certificateFromPem(opts.issuer.certPem) : cert;
  cert.setIssuer(issuerCert.subject.attributes);
  cert.setExtensions([
    ...opts.extensions,
    { name: 'subjectKeyIdentifier' },
    ...(opts.issuer ? [{ name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() }] : []),
  ]);
  const signer = opts.issuer ? (forge.pki.privateKeyFromPem(opts.issuer.keyPem) as forge.pki.rsa.PrivateKey) : key;
  cert.sign(signer, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function newCa(keyPem: string): string {
  return issue({
    subject: [
      { name: 'commonName', value: 'eidgate BankID simulator Test CA' },
      { name: 'organizationName', value: 'eidgate simulator (not BankID)' },
      { name: 'countryName', value: 'SE' },
    ],
    keyPem,
    years: 20,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
}

function newServerCert(keyPem: string, ca: { certPem: string; keyPem: string }): string {
  return issue({
    subject: [
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'eidgate BankID simulator RP API' },
      { name: 'countryName', value: 'SE' },
    ],
    keyPem,
    issuer: ca,
    years: 2,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
}

function newRpCert(keyPem: string, ca: { certPem: string; keyPem: string }): string {
  // Shaped like BankID's test RP certificate (CN, name, serialNumber = organisation number, O, C).
  return issue({
    subject: [
      { name: 'commonName', value: 'eidgate simulator RP' },
      { type: '2.5.4.41', value: 'Test av eidgate' }, // name
      { name: 'serialNumber', value: '5566778899' },
      { name: 'organizationName', value: 'Testbanken Simulator AB' },
      { name: 'countryName', value: 'SE' },
    ],
    keyPem,
    issuer: ca,
    years: 2,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
}

function toPfx(certPem: string, keyPem: string, caCertPem: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(keyPem),
    [forge.pki.certificateFromPem(certPem), forge.pki.certificateFromPem(caCertPem)],
    RP_PFX_PASSPHRASE,
    // AES-256 with PBKDF2: readable by OpenSSL 3 (and so Node) without its legacy provider.
    { algorithm: 'aes256', friendlyName: 'eidgate simulator RP' },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** True when the certificate expires within 30 days (or cannot be read), so it should be reissued. */
function expiresSoon(certPem: string): boolean {
  try {
    return new Date(new X509Certificate(certPem).validTo).getTime() - Date.now() < 30 * 24 * 60 * 60 * 1000;
  } catch {
    return true;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Generates the whole PKI in memory. */
export async function generatePki(): Promise<SbidPki> {
  const [caKeyPem, serverKeyPem, rpKeyPem] = await Promise.all([newKey(), newKey(), newKey()]);
  const caCertPem = newCa(caKeyPem);
  const ca = { certPem: caCertPem, keyPem: caKeyPem };
  const serverCertPem = newServerCert(serverKeyPem, ca);
  const rpCertPem = newRpCert(rpKeyPem, ca);
  return { caCertPem, caKeyPem, serverCertPem, serverKeyPem, rpCertPem, rpKeyPem, rpPfx: toPfx(rpCertPem, rpKeyPem, caCertPem) };
}

/**
 * Loads the PKI from a data directory, creating what is missing: a missing CA means a new PKI (every leaf is
 * reissued); a missing or expiring leaf is reissued from the existing CA.
 */
export async function loadOrCreatePki(dataDir: string): Promise<SbidPki> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const paths = {
    caCert: join(dataDir, 'ca.pem'),
    caKey: join(dataDir, 'ca.key.pem'),
    serverCert: join(dataDir, 'server.pem'),
    serverKey: join(dataDir, 'server.key.pem'),
    rpCert: join(dataDir, 'rp.pem'),
    rpKey: join(dataDir, 'rp.key.pem'),
    rpPfx: join(dataDir, 'rp.p12'),
  };
  const writeKey = (path: string, pem: string) => writeFile(path, pem, { mode: 0o600 });
  let caCertPem = await readIfExists(paths.caCert);
  let caKeyPem = await readIfExists(paths.caKey);
  let fresh = false;
  if (!caCertPem || !caKeyPem) {
    caKeyPem = await newKey();
    caCertPem = newCa(caKeyPem);
    await writeKey(paths.caKey, caKeyPem);
    await writeFile(paths.caCert, caCertPem);
    fresh = true;
  }
  const ca = { certPem: caCertPem, keyPem: caKeyPem };

  let serverCertPem = fresh ? undefined : await readIfExists(paths.serverCert);
  let serverKeyPem = fresh ? undefined : await readIfExists(paths.serverKey);
  if (!serverCertPem || !serverKeyPem || expiresSoon(serverCertPem)) {
    serverKeyPem = await newKey();
    serverCertPem = newServerCert(serverKeyPem, ca);
    await writeKey(paths.serverKey, serverKeyPem);
    await writeFile(paths.serverCert, serverCertPem);
  }

  let rpCertPem = fresh ? undefined : await readIfExists(paths.rpCert);
  let rpKeyPem = fresh ? undefined : await readIfExists(paths.rpKey);
  let rpPfx: Buffer | undefined;
  if (!rpCertPem || !rpKeyPem || expiresSoon(rpCertPem)) {
    rpKeyPem = await newKey();
    rpCertPem = newRpCert(rpKeyPem, ca);
    await writeKey(paths.rpKey, rpKeyPem);
    await writeFile(paths.rpCert, rpCertPem);
  } else {
    rpPfx = await readFile(paths.rpPfx).catch(() => undefined);
  }
  if (!rpPfx) {
    rpPfx = toPfx(rpCertPem, rpKeyPem, caCertPem);
    await writeFile(paths.rpPfx, rpPfx, { mode: 0o600 });
  }
  return {
    caCertPem,
    caKeyPem,
    serverCertPem,
    serverKeyPem,
    rpCertPem,
    rpKeyPem,
    rpPfx,
    paths: {
      caCert: paths.caCert,
      serverCert: paths.serverCert,
      serverKey: paths.serverKey,
      rpCert: paths.rpCert,
      rpKey: paths.rpKey,
      rpPfx: paths.rpPfx,
    },
  };
}
