// completionData in BankID's v6 shape. The signature is XML shaped like BankID's (an XML-DSig <Signature>
// whose <Object> holds <bankIdSignedData> with usrVisibleData, srvInfo and clientInfo) and the OCSP response
// is DER shaped like an OCSPResponse, but neither is verifiable: the digest is computed, the signature value
// and the OCSP body are placeholders. Brokers may store them as evidence; they must not be trusted as such.
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { Order } from './orders.ts';
import type { SwedishPerson } from './people.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const xmlEsc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** A stable "unique hardware identifier" per person, as the same phone would report every time. */
export function uhiFor(personalNumber: string): string {
  return createHash('sha256').update(`eidgate-sbid-sim-device:${personalNumber}`).digest('base64').slice(0, 28);
}

function requirementXml(order: Order): string {
  const r = order.request.requirement ?? {};
  const conditions: [string, string][] = [];
  if (r.certificatePolicies?.length) conditions.push(['CertificatePolicies', r.certificatePolicies.join(',')]);
  if (r.pinCode !== undefined) conditions.push(['PinCode', r.pinCode ? 'yes' : 'no']);
  if (r.mrtd !== undefined) conditions.push(['Mrtd', r.mrtd ? 'yes' : 'no']);
  if (r.cardReader) conditions.push(['CardReader', r.cardReader]);
  return `<requirement>${conditions.map(([t, v]) => `<condition><type>${t}</type><value>${xmlEsc(v)}</value></condition>`).join('')}</requirement>`;
}

// Parsed once per certificate, not per completed order.
const certFields = new Map<string, { subject: string; der: string }>();
function fieldsOf(pem: string): { subject: string; der: string } {
  const cached = certFields.get(pem);
  if (cached) return cached;
  const cert = new X509Certificate(pem);
  const fields = { subject: cert.subject.split('\n').reverse().join(','), der: cert.raw.toString('base64') };
  certFields.set(pem, fields);
  return fields;
}

function signatureXml(order: Order, person: SwedishPerson, rpCertPem: string, caCertPem: string): string {
  const rpSubject = fieldsOf(rpCertPem).subject;
  const visible = order.request.userVisibleData
    ? `<usrVisibleData charset="UTF-8" visible="wysiwys"${order.request.userVisibleDataFormat ? ` format="${xmlEsc(order.request.userVisibleDataFormat)}"` : ''}>${xmlEsc(order.request.userVisibleData)}</usrVisibleData>`
    : '';
  const nonVisible = order.request.userNonVisibleData
    ? `<usrNonVisibleData>${xmlEsc(order.request.userNonVisibleData)}</usrNonVisibleData>`
    : '';
  const signedData =
    `<bankIdSignedData xmlns="http://www.bankid.com/signature/v1.0.0/types" Id="bidSignedData">${visible}${nonVisible}` +
    `<srvInfo><name>${b64(rpSubject)}</name><nonce>${randomBytes(20).toString('base64')}</nonce><displayName>${b64('eidgate simulator RP')}</displayName></srvInfo>` +
    `<clientInfo><funcId>${order.request.kind === 'sign' ? 'Signing' : 'Identification'}</funcId><version>${b64('eidgate-sbid-simulator=1&platform=simulator')}</version>` +
    `<env><ai><type>${b64('SIMULATOR')}</type><deviceInfo>${b64('eidgate test app')}</deviceInfo><uhi>${b64(uhiFor(person.personalNumber))}</uhi>` +
    `<fsib>0</fsib><utb>cs1</utb>${requirementXml(order)}<uauth>pw</uauth></ai></env></clientInfo></bankIdSignedData>`;
  const digest = createHash('sha256').update(signedData).digest('base64');
  const caDer = fieldsOf(caCertPem).der;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>' +
    '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo xmlns="http://www.w3.org/2000/09/xmldsig#">' +
    '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>' +
    '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>' +
    '<Reference Type="http://www.bankid.com/signature/v1.0.0/types" URI="#bidSignedData"><Transforms>' +
    '<Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/></Transforms>' +
    `<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue>${digest}</DigestValue></Reference>` +
    '</SignedInfo>' +
    `<SignatureValue>${randomBytes(256).toString('base64')}</SignatureValue>` +
    `<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#" Id="bidKeyInfo"><X509Data><X509Certificate>${caDer}</X509Certificate></X509Data></KeyInfo>` +
    `<Object>${signedData}</Object></Signature>`
  );
}

/** DER shaped like an OCSPResponse (successful, id-pkix-ocsp-basic) whose body is a marker, not a BasicOCSPResponse. */
function ocspPlaceholder(): string {
  const a = forge.asn1;
  const der = a
    .toDer(
      a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
        a.create(a.Class.UNIVERSAL, a.Type.ENUMERATED, false, String.fromCharCode(0)),
        a.create(a.Class.CONTEXT_SPECIFIC, 0, true, [
          a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
            a.create(a.Class.UNIVERSAL, a.Type.OID, false, a.oidToDer('1.3.6.1.5.5.7.48.1.1').getBytes()),
            a.create(a.Class.UNIVERSAL, a.Type.OCTETSTRING, false, 'eidgate BankID simulator: not a real OCSP response'),
          ]),
        ]),
      ]),
    )
    .getBytes();
  return Buffer.from(der, 'binary').toString('base64');
}

export function completionData(
  order: Order,
  person: SwedishPerson,
  deviceIp: string,
  pki: { rpCertPem: string; caCertPem: string },
): Record<string, unknown> {
  const data: Record<string, unknown> = {
    user: {
      personalNumber: person.personalNumber,
      name: `${person.givenName} ${person.surname}`,
      givenName: person.givenName,
      surname: person.surname,
    },
    device: { ipAddress: deviceIp, uhi: uhiFor(person.personalNumber) },
    bankIdIssueDate: person.bankIdIssueDate ?? '2024-01-15',
    signature: Buffer.from(signatureXml(order, person, pki.rpCertPem, pki.caCertPem), 'utf8').toString('base64'),
    ocspResponse: ocspPlaceholder(),
  };
  if (order.request.requirement?.mrtd) data.stepUp = { mrtd: true };
  if (order.request.returnRisk) data.risk = 'low';
  return data;
}
