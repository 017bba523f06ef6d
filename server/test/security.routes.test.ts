import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKey, MAX_PUSH_BODY_BYTES, REAUTH_WINDOW_MS, type ErrorCode } from '@kspay/shared';
import { inspectRoutes } from 'hono/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../src/console/middleware/guards';
import { hashToken } from '../src/lib/tokens';
import { V1_MAX_BODY_BYTES } from '../src/payments';
import { PUBLIC_KEY_PATHS } from '../src/payments/catalog';
import { closeServer, expectKsError, type TestServer } from './helpers/payments';
import {
  ROUTES,
  routeKey,
  type RegisteredRoute,
  type Req,
  type Table
} from './helpers/route-registry';
import {
  buildWorld,
  send,
  SHOP_ORIGIN,
  type SendOptions,
  type Who,
  type World
} from './helpers/route-world';
import { expectError, snapshot } from './helpers/security';
import { describeEachDialect, testConfig, testServer } from './helpers/services';

const EVIL = 'https://evil.example.com';
const FORMS = ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data'];

/** The built SPA is served too, so its catch-all is part of the app being checked. */
function webRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-web-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>KS Pay</title>');
  return dir;
}

/** The routes the app really serves (handlers, not middleware), as `METHOD pattern`. */
const served = (t: TestServer) =>
  new Set(
    inspectRoutes(t.app)
      .filter((r) => !r.isMiddleware)
      .map((r) => routeKey(r))
  );

/**
 * The shared security suite, over every route in the registry, on SQLite and PostgreSQL:
 * credentials (401 under /api, KS Pay's 9000/9002/9005 under /v1), foreign Origins and CORS,
 * non-JSON and oversized bodies, and another merchant's ids (a "missing" answer, never 403
 * and never data). Every refusal leaves every table as it was.
 */
describeEachDialect('every route runs the shared security suite', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer(dialect, { config: testConfig({ webRoot: webRoot() }) });
  });
  afterAll(async () => {
    await closeServer(t);
    const root = t.services.config.webRoot;
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('lists every route the app serves in the registry, and no route it does not serve', () => {
    const registered = new Set(ROUTES.map((r) => routeKey(r)));
    const real = served(t);
    const unregistered = [...real].filter((k) => !registered.has(k));
    const stale = [...registered].filter((k) => !real.has(k));
    expect(unregistered, 'add these to server/test/helpers/route-registry.ts').toEqual([]);
    expect(stale, 'these are registered but not served').toEqual([]);
    expect(real.size).toBeGreaterThanOrEqual(30);
  });

  for (const route of ROUTES) describe(routeKey(route), () => securityCases(() => t, route));
});

function securityCases(getT: () => TestServer, route: RegisteredRoute) {
  let w: World;
  let req: Req;
  beforeAll(async () => {
    w = await buildWorld(getT());
    req = await route.valid(w);
  });

  const api = route.pattern.startsWith('/api');
  const v1 = route.pattern.startsWith('/v1');
  const changes = route.method === 'POST' || route.method === 'PATCH' || route.method === 'DELETE';

  /** Runs `fn` and asserts no table changed, except attempt counters where the route keeps them. */
  const unchanged = async (fn: () => Promise<void>, ignore: readonly Table[] = []) => {
    const before = await snapshot(w.t, [...ignore]);
    await fn();
    expect(await snapshot(w.t, [...ignore])).toEqual(before);
  };
  const refusedApi = (who: Who, status: number, code: ErrorCode, opts?: SendOptions) =>
    unchanged(async () => {
      await expectError(await send(w, route, req, who, opts), status, code);
    });
  const refusedV1 = (
    who: Who,
    status: number,
    code: number,
    opts?: SendOptions,
    r = req,
    via: { method: string; access: string } = route
  ) =>
    unchanged(async () => {
      const res = await send(w, via, r, who, opts);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      await expectKsError(res, status, code);
    }, route.counts);

  if (api && route.access === 'session') {
    it('answers 401 without a session or with an unknown session token', async () => {
      await refusedApi('anonymous', 401, 'unauthorized');
      await refusedApi('owner', 401, 'unauthorized', {
        noCredentials: true,
        headers: { cookie: `kspay_session=${'A'.repeat(43)}` }
      });
    });
  }

  if (route.recentAuth) {
    it('answers 401 reauthentication_required when the password is older than 10 minutes', async () => {
      const { db } = w.t.services.db;
      const tokenHash = hashToken(w.owner.merchant.token);
      const row = await db
        .selectFrom('sessions')
        .select('authenticated_at')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirstOrThrow();
      const stale = new Date(w.t.clock.now().getTime() - REAUTH_WINDOW_MS - 1000).toISOString();
      const setAt = (at: string) =>
        db
          .updateTable('sessions')
          .set({ authenticated_at: at })
          .where('token_hash', '=', tokenHash)
          .execute();
      await setAt(stale);
      try {
        await refusedApi('owner', 401, 'reauthentication_required');
      } finally {
        await setAt(row.authenticated_at);
      }
    });
  }

  if (api && changes) {
    it('answers 403 to a foreign, missing or merely same-site Origin, even with a session', async () => {
      const variants: Record<string, string | null>[] = [
        { origin: EVIL },
        { origin: 'null' },
        { origin: null, 'sec-fetch-site': 'cross-site' },
        { origin: null, 'sec-fetch-site': 'same-site' },
        { origin: null }
      ];
      for (const headers of variants) {
        await refusedApi('owner', 403, 'forbidden_origin', { headers });
      }
    });
    it('answers 415 to a body that is not JSON', async () => {
      for (const type of FORMS) {
        await refusedApi('owner', 415, 'unsupported_media_type', {
          raw: 'a=b',
          headers: { 'content-type': type }
        });
      }
    });
    it('answers 413 to a body over its limit', async () => {
      const limit = route.pattern === '/api/sync/push' ? MAX_PUSH_BODY_BYTES : MAX_BODY_BYTES;
      await refusedApi('owner', 413, 'payload_too_large', {
        raw: JSON.stringify({ pad: 'x'.repeat(limit) }),
        headers: { 'content-type': 'application/json' }
      });
    });
  }
  if (api && route.json) {
    it('answers 400 bad_json to malformed JSON', () =>
      refusedApi('owner', 400, 'bad_json', {
        raw: '{"oops":',
        headers: { 'content-type': 'application/json' }
      }));
  }

  if (api) {
    it('never lets another site read its answer (no CORS headers under /api)', async () => {
      const res = await send(w, route, req, 'owner', { headers: { origin: EVIL } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    });
  }

  if (v1 && ['bearer', 'catalog', 'refresh'].includes(route.access)) {
    it("answers KS Pay's 9000 without a token, to a made-up token and to a session cookie", async () => {
      await refusedV1('anonymous', 400, 9000);
      // A made-up refresh token is KS Pay's 9008 "Invalid token." (401).
      const [status, code] = route.access === 'refresh' ? [401, 9008] : [400, 9000];
      await refusedV1('owner', status, code, {
        headers: { authorization: `Bearer ${'A'.repeat(43)}` }
      });
      await refusedV1('owner', 400, 9000, {
        noCredentials: true,
        headers: { cookie: w.owner.merchant.cookie }
      });
    });
  }
  if (route.access === 'key-pair') {
    it("answers KS Pay's 9002 without keys and 9005 to mistyped ones", async () => {
      await refusedV1('owner', 400, 9002, undefined, { ...req, body: {} });
      // One character changed (never to itself: a key ending in 0 would stay correct).
      const key = w.owner.pair.publicKey;
      const typo = {
        accessKey: `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`,
        secretKey: w.owner.pair.secretKey
      };
      await refusedV1('owner', 400, 9005, undefined, { ...req, body: typo });
      const unknown = {
        accessKey: generateKey('public', 'test'),
        secretKey: generateKey('secret', 'test')
      };
      await refusedV1('owner', 400, 11001, undefined, { ...req, body: unknown });
    });
  }
  if (v1 && route.method === 'POST') {
    it('answers 415 to a body that is not JSON and 413 to one over 16 KiB', async () => {
      for (const type of FORMS) {
        await refusedV1('owner', 415, 25, { raw: 'a=b', headers: { 'content-type': type } });
      }
      await refusedV1('owner', 413, 25, {
        raw: JSON.stringify({ pad: 'x'.repeat(V1_MAX_BODY_BYTES) }),
        headers: { 'content-type': 'application/json' }
      });
    });
  }
  if (v1) {
    const pathOnly = () => req.path.split('?')[0] ?? req.path;
    it('refuses CORS preflights from other origins (13007, no CORS headers)', async () => {
      const preflight = { method: 'OPTIONS', access: 'preflight' };
      // The catalog is open to the owner's listed origin; everything else is backend-only.
      const catalog = PUBLIC_KEY_PATHS.some((p) => p.test(pathOnly()));
      const origins = catalog ? [EVIL] : [EVIL, SHOP_ORIGIN];
      for (const origin of origins) {
        const r = { path: pathOnly(), headers: { origin, 'access-control-request-method': 'GET' } };
        await refusedV1('anonymous', 403, 13007, undefined, r, preflight);
      }
    });
  }
  if (route.access === 'catalog') {
    it('serves the public key to allowed origins only', async () => {
      const key = { 'x-access-key': w.owner.pair.publicKey };
      await refusedV1('anonymous', 403, 13007, { headers: { ...key, origin: EVIL } });
      await refusedV1('anonymous', 403, 13007, { headers: key });
      const ok = await send(w, route, req, 'anonymous', {
        headers: { ...key, origin: SHOP_ORIGIN }
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    });
  }

  if (route.foreign) {
    it("answers another merchant's request for the owner's records as if they did not exist", async () => {
      const ownerIds = [
        w.owner.appId,
        w.owner.pair.keyId,
        w.domainId,
        w.txnId,
        w.owner.merchant.email,
        w.owner.sessionId
      ];
      for (const c of route.foreign?.(w) ?? []) {
        await unchanged(async () => {
          const res = await send(w, route, c.req, 'other');
          const text = await res.clone().text();
          expect(res.status, `${c.req.path}: ${text}`).toBe(c.status);
          if (typeof c.code === 'string') await expectError(res, c.status, c.code);
          if (typeof c.code === 'number') await expectKsError(res, c.status, c.code);
          for (const id of ownerIds) expect(text).not.toContain(id);
        }, route.counts);
      }
    });
  }

  // Last: it may change state (sign out, rotate a token, regenerate a pair). Under /v1 it comes
  // from another site's page: the server may act (a backend may send any Origin), but the
  // answer carries no CORS header, so no page can read it.
  it("accepts the owner's request (the registry entry is real)", async () => {
    const foreignPage = v1 && route.access !== 'preflight';
    const res = await send(
      w,
      route,
      req,
      'owner',
      foreignPage ? { headers: { origin: EVIL } } : {}
    );
    if (route.validStatus) expect(res.status).toBe(route.validStatus);
    else expect(res.status, await res.clone().text()).toBeLessThan(300);
    if (foreignPage) expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
}
