import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';

/**
 * Where a webhook may be posted: public unicast addresses only, checked after DNS at delivery
 * time, and the request then connects to exactly the address checked (`pinnedLookup`), so a
 * second resolution cannot swap in an internal one (DNS rebinding).
 */
const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4] // reserved, broadcast
] as const) {
  blocked.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // old site-local
  ['ff00::', 8] // multicast
] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** The IPv4 address an IPv6 one carries (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96), if any. */
function embeddedIpv4(address: string): string | null {
  const m = /^(?:::ffff:|64:ff9b::)(?:0:)?(.+)$/i.exec(address);
  if (!m?.[1]) return null;
  const tail = m[1];
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!hex?.[1] || !hex[2]) return null;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** True for every address a webhook must never reach (loopback, private, link-local, …). */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedIpv4(address);
  if (v4 !== null) return blocked.check(v4, 'ipv4');
  // Other IPv4-compatible forms (::a.b.c.d) are deprecated and never a public target.
  if (/^::[0-9a-f.:]*$/i.test(address)) return true;
  return blocked.check(address, 'ipv6');
}

export class TargetRefused extends Error {}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;
export const systemResolver: Resolver = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

export interface TargetPolicy {
  /** `WEBHOOKS_ALLOW_PRIVATE_NETWORKS=1`: http and private/loopback targets (dev and tests). */
  allowPrivateNetworks: boolean;
  resolver?: Resolver;
}

/** Whether a URL may be stored as an endpoint at all (scheme only: DNS is checked at delivery). */
export function schemeAllowed(url: URL, policy: TargetPolicy): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && policy.allowPrivateNetworks);
}

/**
 * The one address the request will connect to. Every address the name resolves to must be
 * public: a name that mixes public and internal addresses is refused outright.
 */
export async function resolveTarget(
  url: URL,
  policy: TargetPolicy
): Promise<{ address: string; family: 4 | 6 }> {
  if (!schemeAllowed(url, policy)) throw new TargetRefused('only https URLs are allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  const found = literal
    ? [{ address: host, family: literal }]
    : await (policy.resolver ?? systemResolver)(host).catch(() => {
        throw new TargetRefused(`could not resolve ${host}`);
      });
  const first = found[0];
  if (!first) throw new TargetRefused(`could not resolve ${host}`);
  if (!policy.allowPrivateNetworks) {
    const bad = found.find((a) => isForbiddenAddress(a.address));
    if (bad) throw new TargetRefused(`${host} resolves to a non-public address`);
  }
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
