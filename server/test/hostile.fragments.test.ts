import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  call,
  closeServer,
  createMerchant,
  createTestApp,
  generateKeys,
  type TestServer
} from './helpers/payments';
import { ROUTES, routeKey, type Req } from './helpers/route-registry';
import { buildWorld, send } from './helpers/route-world';
import { expectError, snapshot } from './helpers/security';
import { describeEachDialect, NO_RATE_LIMITS, testConfig, testServer } from './helpers/services';

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
    t = await testServer(dialect, { config: testConfig({ rateLimits: NO_RATE_LIMITS }) });
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

/**
 * Accounts and the activity log: the places PostgreSQL once answered 500 to (a NUL in the
 * sign-up name, a NUL inside the audit cursor's two halves, which the sweep above never split
 * on `|`). Each answers 400 naming the field, and writes nothing.
 */
describeEachDialect('hostile fragments: account names and console cursors', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect, { config: testConfig({ rateLimits: NO_RATE_LIMITS }) });
  });
  afterAll(() => closeServer(t));

  it('refuses a NUL or other control character in the sign-up name', async () => {
    const before = await snapshot(t, ['rate_limits']);
    for (const name of ['\u0000', 'a\u0000b', 'Ann\u0000', 'x\u001b[31m']) {
      const res = await call(t, 'POST', '/api/auth/sign-up', {
        body: { name, email: 'nul@example.com', password: 'fern moss and granite' }
      });
      const body = await expectError(res, 400, 'validation_failed');
      expect(Object.keys(body?.error.fields ?? {})).toEqual(['name']);
    }
    expect(await snapshot(t, ['rate_limits'])).toEqual(before);
  });

  it('refuses an audit cursor that is not one the server gave out', async () => {
    const m = await createMerchant(t);
    const appId = await createTestApp(t, m);
    const { keyId } = await generateKeys(t, m, appId);
    const at = t.clock.now().toISOString();
    for (const before of [
      `${at}|\u0000`,
      `\u0000|au_123456789`,
      `${at}|au_12345678\u0000`,
      `${at}\u0000|au_123456789`,
      `${at}|au_123456789|x`,
      `${at}|'; DROP TABLE audit_log; --`,
      `not-a-time|au_123456789`,
      `|`
    ]) {
      const res = await call(
        t,
        'GET',
        `/api/apps/${appId}/audit?before=${encodeURIComponent(before)}`,
        {
          cookie: m.cookie
        }
      );
      const body = await expectError(res, 400, 'validation_failed');
      expect(Object.keys(body?.error.fields ?? {}), JSON.stringify(before)).toEqual(['before']);
    }
    // A cursor the server handed out still pages.
    await call(t, 'POST', `/api/apps/${appId}/keys/${keyId}/disable`, { cookie: m.cookie });
    const first = await call(t, 'GET', `/api/apps/${appId}/audit?limit=1`, { cookie: m.cookie });
    const page = (await first.json()) as { nextBefore: string | null };
    expect(page.nextBefore).toBeTruthy();
    const next = await call(
      t,
      'GET',
      `/api/apps/${appId}/audit?limit=1&before=${encodeURIComponent(page.nextBefore!)}`,
      { cookie: m.cookie }
    );
    expect(next.status).toBe(200);
    expect(((await next.json()) as { entries: unknown[] }).entries).toHaveLength(1);
  });
});
