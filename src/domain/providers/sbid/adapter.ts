// Swedish BankID on the Relying Party API v6: JSON over mutual TLS. The broker starts an order (/auth), polls
// it (/collect) until the person has acted in the BankID app, and can cancel it (/cancel). The connection
// trusts only the CA the account configured (BankID's own), never the system's, and presents the RP
// certificate; a server certificate from any other issuer fails the TLS handshake.
import { createHash, X509Certificate } from 'node:crypto';
import { checkServerIdentity, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import { Agent, request } from 'undici';
import type { IdentityAttributes } from '../../../model/attributes.ts';
import type { Loa } from '../../../model/session.ts';
import { LOA_ORDER } from '../../../model/session-constants.ts';
import { type DecoupledAdapter, type DecoupledLaunch, type ProviderOutcome, ProviderFailure, type StartInput } from '../adapter.ts';
import type { ProviderConfig } from '../configs.ts';
import type { AdapterDeps } from '../registry.ts';
import { type CollectResponse, dateOfBirthOf, isSbidHint } from './bankid.ts';

/** What the broker keeps between start and collect, sealed at rest with the session. */
export interface SbidJourney {
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
  qrStartSecret: string;
  /** When BankID answered /auth (wall time): the QR's seconds count from here. */
  startedAt: string;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * The server's chain must lead to the configured CA, checked by signature. `ca` alone is not enough: Node
 * also trusts every CA certificate inside a PKCS#12 file, and an RP certificate file may carry a chain.
 */
function pinnedTo(caPem: string): (host: string, cert: PeerCertificate) => Error | undefined {
  const cas = (caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
  return (host, cert) => {
    const wrongHost = checkServerIdentity(host, cert);
    if (wrongHost) return wrongHost;
    const seen = new Set<string>();
    for (
      let c: DetailedPeerCertificate | undefined = cert as DetailedPeerCertificate;
      c?.raw && !seen.has(c.fingerprint256);
      c = c.issuerCertificate
    ) {
      seen.add(c.fingerprint256);
      const x = new X509Certificate(c.raw);
      if (cas.some((ca) => ca.fingerprint256 === x.fingerprint256 || (x.checkIssued(ca) && x.verify(ca.publicKey)))) return undefined;
    }
    return new Error('the BankID RP API server certificate is not issued by the configured CA');
  };
}

/** The level Swedish BankID gives: eIDAS substantial (tillitsnivå 3). */
const SBID_LOA: Loa = 'substantial';

export class SbidAdapter implements DecoupledAdapter<SbidJourney> {
  readonly kind = 'decoupled';
  readonly #deps: AdapterDeps;
  /** One mutual-TLS agent per RP certificate and CA: the connection pool is kept between calls. */
  readonly #agents = new Map<string, Agent>();

  constructor(deps: AdapterDeps) {
    this.#deps = deps;
  }

  parseJourney(value: unknown): SbidJourney | null {
    if (typeof value !== 'object' || value === null) return null;
    const v = value as Record<string, unknown>;
    const ok = [v.orderRef, v.autoStartToken, v.qrStartToken, v.qrStartSecret, v.startedAt].every(isString);
    return ok ? (v as unknown as SbidJourney) : null;
  }

  #agent(config: ProviderConfig): Agent {
    const b = config.bankid;
    if (!b) throw new ProviderFailure('provider_error', 'sbid is configured without its BankID RP API settings');
    const key = createHash('sha256')
      .update(JSON.stringify([b.caCertPem, config.rpPfxBase64, config.rpPfxPassphrase, config.rpCertPem, config.rpKeyPem]))
      .digest('hex');
    let agent = this.#agents.get(key);
    if (!agent) {
      const identity = config.rpPfxBase64
        ? { pfx: Buffer.from(config.rpPfxBase64, 'base64'), passphrase: config.rpPfxPassphrase ?? '' }
        : { cert: config.rpCertPem, key: config.rpKeyPem };
      agent = new Agent({
        connect: { ca: b.caCertPem, ...identity, rejectUnauthorized: true, checkServerIdentity: pinnedTo(b.caCertPem) },
        keepAliveTimeout: 30_000,
      });
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /** One call to the RP API: the parsed answer, or a ProviderFailure that says which side failed. */
  async #call(config: ProviderConfig, path: string, body: unknown): Promise<Record<string, unknown>> {
    const base = config.bankid?.apiUrl ?? config.issuer;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${base}${path}`, {
        method: 'POST',
        dispatcher: this.#agent(config),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        headersTimeout: this.#deps.timeoutMs,
        bodyTimeout: this.#deps.timeoutMs,
      });
    } catch (err) {
      if (err instanceof ProviderFailure) throw err;
      throw new ProviderFailure('provider_unavailable', `BankID RP API ${path} unreachable: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const json = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
    if (res.statusCode === 200 && json) return json;
    const code = isString(json?.errorCode) ? json.errorCode : `http ${res.statusCode}`;
    const kind = res.statusCode >= 500 || code === 'maintenance' ? 'provider_unavailable' : 'provider_error';
    throw new ProviderFailure(kind, `BankID RP API ${path}: ${code}${isString(json?.details) ? ` (${json.details})` : ''}`);
  }

  async start(input: StartInput): Promise<{ reference: string; launch: DecoupledLaunch; journey: SbidJourney }> {
    if (!input.endUserIp) throw new ProviderFailure('provider_error', "BankID needs the person's IP address (endUserIp)");
    const body: Record<string, unknown> = { endUserIp: input.endUserIp };
    // Same-device starts come back here once the app is done (BankID's recommended returnUrl in the order).
    if (input.redirectUri) body.returnUrl = input.redirectUri;
    const r = await this.#call(input.config, '/auth', body);
    const { orderRef, autoStartToken, qrStartToken, qrStartSecret } = r;
    if (!isString(orderRef) || !isString(autoStartToken) || !isString(qrStartToken) || !isString(qrStartSecret)) {
      throw new ProviderFailure('invalid_provider_response', 'BankID /auth answered without orderRef, autoStartToken or QR tokens');
    }
    // Wall time, not the broker's clock: the QR's seconds are counted by BankID's clock.
    const startedAt = new Date().toISOString();
    const journey: SbidJourney = { orderRef, autoStartToken, qrStartToken, qrStartSecret, startedAt };
    return {
      reference: orderRef,
      launch: { autoStartToken, qr: { startToken: qrStartToken, startSecret: qrStartSecret, startedAt } },
      journey,
    };
  }

  async collect(input: {
    config: ProviderConfig;
    journey: SbidJourney;
    requestedLoa: Loa | undefined;
  }): Promise<{ kind: 'pending'; hint: string | undefined } | ProviderOutcome> {
    const r = (await this.#call(input.config, '/collect', { orderRef: input.journey.orderRef })) as CollectResponse;
    if (r.status === 'pending') return { kind: 'pending', hint: isSbidHint(r.hintCode) ? r.hintCode : 'unknown' };
    if (r.status === 'failed') {
      if (r.hintCode === 'userCancel') return { kind: 'abort' };
      return { kind: 'error', code: 'provider_error', detail: `BankID order failed: ${r.hintCode ?? 'no hintCode'}` };
    }
    if (r.status !== 'complete') throw new ProviderFailure('invalid_provider_response', `BankID /collect status ${String(r.status)}`);
    return this.#complete(r, input.requestedLoa);
  }

  #complete(r: CollectResponse, requestedLoa: Loa | undefined): ProviderOutcome {
    const user = r.completionData?.user;
    const pnr = user?.personalNumber;
    if (!pnr || !/^[0-9]{12}$/.test(pnr)) {
      return { kind: 'error', code: 'invalid_provider_response', detail: 'BankID completionData has no 12-digit personalNumber' };
    }
    const attributes: IdentityAttributes = { nin: { value: pnr, issuingCountry: 'SE', type: 'PERSON' } };
    const dob = dateOfBirthOf(pnr);
    if (dob) attributes.dateOfBirth = dob;
    if (isString(user?.name)) attributes.name = user.name;
    if (isString(user?.givenName)) attributes.firstName = user.givenName;
    if (isString(user?.surname)) attributes.lastName = user.surname;
    const data = r.completionData;
    if (isString(data?.device?.ipAddress)) attributes.sbidDeviceIp = data.device.ipAddress;
    if (isString(data?.signature)) attributes.sbidXmlSignature = data.signature;
    if (isString(data?.ocspResponse)) attributes.sbidOcspResponse = data.ocspResponse;
    if (requestedLoa && LOA_ORDER[requestedLoa] > LOA_ORDER[SBID_LOA]) {
      return { kind: 'error', code: 'loa_too_low', detail: 'Swedish BankID reaches substantial; the session asked for high' };
    }
    return { kind: 'success', attributes, loa: SBID_LOA, subjectKey: pnr };
  }

  async cancel(input: { config: ProviderConfig; journey: SbidJourney }): Promise<void> {
    await this.#call(input.config, '/cancel', { orderRef: input.journey.orderRef });
  }
}
