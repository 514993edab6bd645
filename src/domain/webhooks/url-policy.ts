// Where a webhook may point. https outside development; in production no address in a private, loopback,
// link-local or otherwise internal range (no SSRF through webhooks), unless the operator allows it. Checked
// when a subscription is saved (the host's addresses, as resolved then) and again at every connection
// (guardedLookup), so a name that resolves to an internal address later (DNS rebinding) is refused too.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { InvalidParam } from '../../errors/index.ts';

export interface UrlPolicy {
  /** Development: http is accepted and every address is. */
  development: boolean;
  /** Production: addresses in internal ranges are accepted (EIDGATE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES). */
  allowPrivateAddresses: boolean;
}

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv6');

/** Whether an address is in a range a production webhook may not reach. IPv4-mapped IPv6 counts as its IPv4. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return INTERNAL.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const checksAddresses = (p: UrlPolicy) => !p.development && !p.allowPrivateAddresses;

/** The URL's problems as invalidParams (empty when it may be used); resolves its host in production. */
export async function checkWebhookUrl(value: string, policy: UrlPolicy, field = 'url'): Promise<InvalidParam[]> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ name: field, reason: 'must be an absolute URL' }];
  }
  if (url.protocol !== 'https:' && !(policy.development && url.protocol === 'http:')) {
    return [{ name: field, reason: policy.development ? 'must be an http or https URL' : 'must be https' }];
  }
  if (url.username || url.password) return [{ name: field, reason: 'must not carry credentials' }];
  if (url.hash) return [{ name: field, reason: 'must not have a fragment' }];
  if (!checksAddresses(policy)) return [];
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await resolveAll(host)).map((a) => a.address);
  } catch {
    return [{ name: field, reason: `its host ${host} does not resolve` }];
  }
  const internal = addresses.find(isInternalAddress);
  if (internal) {
    return [{ name: field, reason: `its host resolves to ${internal}, an internal address (loopback, private or link-local)` }];
  }
  return [];
}

const resolveAll = (host: string) =>
  new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for outgoing connections that refuses internal addresses when the policy does: the address
 * checked is the one connected to, so a DNS answer that changed since the subscription was saved cannot
 * reach inside.
 */
export function guardedLookup(policy: UrlPolicy) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (checksAddresses(policy)) {
        const internal = addresses.find((a) => isInternalAddress(a.address));
        if (internal) {
          const refused = Object.assign(new Error(`${hostname} resolves to an internal address (${internal.address})`), {
            code: 'EIDGATE_INTERNAL_ADDRESS',
          });
          return callback(refused, []);
        }
      }
      if ((options as { all?: boolean }).all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
