import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's address for rate limits and the session list.
 *
 * `X-Forwarded-For` is read only when `trustProxy` is set, and then only its LAST entry: that
 * is the one our own proxy appended; anything before it came from the client and can be forged.
 * Without a socket (tests driving the app through `app.request()`) the answer is null, and
 * callers count all such requests under one shared key: limits still apply, never vanish.
 */
export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const last = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (last && isIP(last)) return last;
  }
  try {
    const address = getConnInfo(c).remote.address;
    return address && isIP(address) ? address : null;
  } catch {
    return null;
  }
}

/**
 * The key an address is rate-limited under. An IPv6 user holds a whole /64, so limits apply
 * per /64; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) counts as the IPv4 address.
 */
export function rateLimitSubject(ip: string | null): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  return `${expandIpv6(ip).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(ip: string): string[] {
  const [head = '', tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (`::1.2.3.4`) is two groups; only the first four groups matter here.
  const missing = Math.max(0, 8 - left.length - right.length);
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(missing).fill('0'), ...right];
  return groups.map((g) => (g.includes('.') ? g : g.replace(/^0+(?=.)/, '')));
}
