import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeServer, type TestServer } from './helpers/payments';
import { ROUTES, routeKey, type Req } from './helpers/route-registry';
import { buildWorld, send } from './helpers/route-world';
import { snapshot } from './helpers/security';
import { describeEachDialect, testServer } from './helpers/services';

/**
 * What a database refuses rather than stores: PostgreSQL errors on a NUL in a text parameter
 * and on some encodings SQLite takes as they come. The property test runs on SQLite only (for
 * speed), so this sweep puts each fragment into every string of every route's body, into
 * the last path segment and into every query key the routes read, on both databases.
 */
const FRAGMENTS = [
  '\u0000',
  'a\u0000b',
  '%00',
  '\ud800',
  '\udfff\ud800',
  "'; DROP TABLE apps; --",
  "' OR '1'='1",
  '\\',
  '👩‍👩‍👧‍👦',
  'Z̷̢̛͓a̵l̶g̸o̴',
  '\u202e',
  'x'.repeat(70_000),
  // Valid URLs to a WHATWG parser that a database stores differently or not at all.
  'https://shop.example/a\u0000b',
  'https://shop.example/\ud800'
];
const QUERY_KEYS = ['q', 'cursor', 'before', 'limit', 'days', 'from', 'to', 'v', 'page', 'status'];

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const enc = (s: string) => encodeURIComponent(s.replace(LONE, '\ufffd'));

function replaceStrings(v: unknown, f: string): unknown {
  if (typeof v === 'string') return f;
  if (Array.isArray(v)) return v.map((x) => replaceStrings(x, f));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceStrings(x, f)]));
  }
  return v;
}

function variants(base: Req, f: string): Req[] {
  const [pathname = '', query] = base.path.split('?');
  const segs = pathname.split('/');
  segs[segs.length - 1] = enc(f);
  const out: Req[] = [
    { ...base, path: `${segs.join('/')}${query ? `?${query}` : ''}` },
    { ...base, path: `${pathname}?${QUERY_KEYS.map((k) => `${k}=${enc(f)}`).join('&')}` }
  ];
  if (base.body && typeof base.body === 'object') {
    out.push({ ...base, body: replaceStrings(base.body, f) });
    for (const k of Object.keys(base.body)) {
      out.push({ ...base, body: { ...base.body, [k]: f } });
    }
  }
  return out;
}

describeEachDialect('hostile fragments in every field of every route', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect);
  });
  afterAll(() => closeServer(t));

  it('never answers 5xx, and changes no table the route does not own', async () => {
    for (const route of ROUTES) {
      const w = await buildWorld(t);
      const base = await route.valid(w);
      const own = [...(route.writes ?? []), ...(route.counts ?? [])];
      const before = await snapshot(t, own);
      for (const f of FRAGMENTS) {
        for (const v of variants(base, f)) {
          const res = await send(w, route, v, 'owner');
          const where = `${routeKey(route)} ${JSON.stringify(v).slice(0, 200)}`;
          expect(res.status, `${where} → ${await res.text()}`).toBeLessThan(500);
        }
      }
      expect(await snapshot(t, own), routeKey(route)).toEqual(before);
    }
  }, 180_000);
});
