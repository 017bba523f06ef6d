import fc from 'fast-check';
import type { RegisteredRoute, Req } from './route-registry';

/**
 * Arbitraries for the hostile-input property test: what an attacker, a fuzzer or a broken
 * client sends. Strings include SQL and HTML fragments, path tricks, broken percent-encoding,
 * NUL, lone surrogates, bidi overrides, zalgo, and sizes around and far beyond every limit.
 */
export const FRAGMENTS = [
  "' OR '1'='1",
  "'; DROP TABLE apps; --",
  '" OR 1=1 --',
  "') UNION SELECT token_hash, user_id FROM sessions --",
  '1; SELECT pg_sleep(5)',
  "%' AND 1=0 --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  'javascript:alert(1)',
  '{{constructor.constructor("return process")()}}',
  '${jndi:ldap://x/a}',
  '=HYPERLINK("http://x")',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '\u0000',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udfff',
  '👩‍👩‍👧‍👦',
  'Z̷̢̛͓a̵l̶g̸o̴',
  '𝕒𝕡_𝟙𝟚𝟛',
  'ap_12345678\u0301',
  '__proto__',
  'constructor',
  'prototype',
  'NaN',
  '-1',
  '1e309',
  'null',
  'true',
  '[]',
  '{}',
  '\r\nSet-Cookie: x=1',
  ' '
] as const;

const fragment = fc.constantFrom(...FRAGMENTS);

/** Sizes around and far beyond every limit: 255 characters, 64 KiB bodies, long URLs. */
const huge = fc
  .tuple(
    fc.constantFrom('x', 'é', '😀', "'", '<', '\u0000'),
    fc.constantFrom(129, 256, 5_000, 33_000, 70_000)
  )
  .map(([c, n]) => c.repeat(n));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fragment },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.array(fragment, { minLength: 2, maxLength: 5 }).map((a) => a.join(''))
  },
  { weight: 1, arbitrary: huge }
);

/** Deep nesting: as text up to 20,000 levels (a raw body), as a value up to 800 (in a body). */
const nesting = (max: number) =>
  fc.integer({ min: 50, max }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
const nested = nesting(20_000);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, 0, -0, -1, 1e308, 2 ** 53 + 2, 0.1, 1.005, -1e-7),
  fc.double(),
  fc.integer(),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  nesting(800).map((s) => JSON.parse(s) as unknown)
);

/** Printable Latin-1 (what an HTTP header can carry), plus header-sized fragments. */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
  fc.constantFrom("' OR 1=1 --", '<script>', 'Bearer', 'Bearer ', '%00', 'a'.repeat(8000)),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)) })
);

/** Percent-encoded UTF-8 (a lone surrogate, which cannot be encoded, becomes U+FFFD first). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const encodeAll = (s: string) => encodeURIComponent(s.replace(LONE_SURROGATE, '\ufffd'));
/** Raw, as a careless client would send it: only what would end the segment is escaped. */
const rawSegment = (s: string) =>
  [...s]
    .map((c) => ('/?#'.includes(c) || c.charCodeAt(0) <= 0x20 ? encodeURIComponent(c) : c))
    .join('');
/** A path segment or query value: percent-encoded, or raw. */
const segment = fc.oneof(hostileString.map(encodeAll), hostileString.map(rawSegment));

export interface HostileReq extends Req {
  /** A raw body (sent with `content-type: application/json`), e.g. malformed JSON. */
  raw?: string;
  /** Header values replacing the route's credentials, for the `credentials` target. */
  credentials?: Record<string, string>;
  target: string;
}

/** Every path into a JSON value (objects and arrays), the root included as []. */
function pathsOf(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...at, i], out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) pathsOf(x, [...at, k], out);
  }
  return out;
}

function setAt(root: unknown, at: (string | number)[], value: unknown): unknown {
  if (at.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of at.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[at[at.length - 1] as string | number] = value;
  return copy;
}

/** Hostile variants of one valid request: bodies, path segments, query strings, credentials. */
export function hostileRequest(route: RegisteredRoute, base: Req): fc.Arbitrary<HostileReq> {
  const [pathname = '', query = ''] = base.path.split('?');
  const segments = pathname.split('/');
  const patternSegs = route.pattern.split('/');
  // Segments that are parameters (or the catch-all); fixed routes get a hostile suffix.
  const params = patternSegs.flatMap((s, i) => (s.startsWith(':') || s === '*' ? [i] : []));
  const options: fc.Arbitrary<HostileReq>[] = [];

  options.push(
    fc
      .tuple(fc.constantFrom(...(params.length ? params : [segments.length])), segment)
      .map(([i, seg]) => {
        const s = [...segments];
        s[i] = seg;
        return { ...base, path: `${s.join('/')}${query ? `?${query}` : ''}`, target: 'path' };
      })
  );
  options.push(
    fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(
              'limit',
              'days',
              'cursor',
              'from',
              'to',
              'q',
              'v',
              'page',
              'status',
              'fromDate',
              'toDate',
              'before'
            ),
            segment
          ),
          segment
        ),
        { minLength: 1, maxLength: 4 }
      )
      .map((pairs) => {
        const extra = pairs.map(([k, v]) => `${k}=${v}`).join('&');
        return {
          ...base,
          path: `${pathname}?${query ? `${query}&` : ''}${extra}`,
          target: 'query'
        };
      })
  );
  if (route.json && base.body !== undefined) {
    const paths = pathsOf(base.body);
    options.push(
      fc.tuple(fc.constantFrom(...paths), hostileValue).map(([at, v]) => ({
        ...base,
        body: setAt(base.body, at, v),
        target: `body ${at.join('.')}`
      })),
      fc.tuple(hostileString, hostileValue).map(([k, v]) => ({
        ...base,
        body: { ...(base.body as object), [k]: v },
        target: 'body extra key'
      })),
      fc
        .oneof(
          fragment,
          hostileString,
          nested.map((s) => s.slice(1))
        )
        .map((raw) => ({ ...base, raw, target: 'raw body' }))
    );
  }
  const credentialHeaders = ['cookie', 'authorization', 'x-access-key', 'x-signature', 'origin'];
  options.push(
    fc.tuple(fc.constantFrom(...credentialHeaders), headerValue).map(([h, v]) => ({
      ...base,
      credentials: { [h]: h === 'cookie' ? `kspay_session=${v}` : v },
      target: `header ${h}`
    }))
  );
  // Counterexamples print short: a 2 MiB string or 800 brackets would drown the report.
  return fc.oneof(...options).map((h) =>
    Object.assign(h, {
      [fc.toStringMethod]: () =>
        `${h.target}: ${h.path.slice(0, 200)} ${JSON.stringify(h.body)?.slice(0, 300) ?? ''}${h.raw?.slice(0, 100) ?? ''} ${JSON.stringify(h.credentials ?? {}).slice(0, 200)}`
    })
  );
}
