import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorBodySchema, ksPayErrorBodySchema, SYNC_SCHEMA_VERSION } from '@kspay/shared';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchant, newAppId, newClientId, post } from './helpers/apps';
import { hostileRequest, type HostileReq } from './helpers/hostile-input';
import { closeServer, type TestServer } from './helpers/payments';
import { ROUTES, routeKey, type RegisteredRoute, type Table } from './helpers/route-registry';
import { buildWorld, send, type World } from './helpers/route-world';
import { snapshot } from './helpers/security';
import { NO_RATE_LIMITS, testConfig, testServer } from './helpers/services';

/** Cases per route: 1,000 in CI, fewer locally. The seed is fixed, so a failure replays. */
export const HOSTILE_RUNS = process.env.CI === 'true' ? 1000 : 150;
/** A route's runs take seconds; on a machine running other suites too, several times that. */
const timeout = 120_000;
const SEED = 8_2026;

/**
 * Which tables a request wrote: TEMP triggers on every table (the migrations' own included)
 * log each inserted, updated or deleted row's table inside the writing transaction, so a
 * rolled-back write leaves no trace. One better-sqlite3 connection does every write, and the
 * triggers live on it. Exact per request, and far cheaper than a snapshot per case.
 */
async function watchWrites(t: TestServer): Promise<() => Promise<string[]>> {
  const { db } = t.services.db;
  await sql`create temp table hostile_writes (tbl text not null)`.execute(db);
  const { rows } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  for (const { name } of rows) {
    for (const op of ['insert', 'update', 'delete']) {
      await sql
        .raw(
          `create temp trigger hostile_${op}_${name} after ${op} on main."${name}" ` +
            `begin insert into hostile_writes values ('${name}'); end`
        )
        .execute(db);
    }
  }
  return async () => {
    const written = await sql<{ tbl: string }>`select distinct tbl from hostile_writes`.execute(db);
    await sql`delete from hostile_writes`.execute(db);
    return written.rows.map((r) => r.tbl).sort();
  };
}

/**
 * A replayed (client, mutation id) is acknowledged without its arguments being read, so every
 * hostile push gets a client and app id of its own, or only the first case would be looked at.
 */
function freshIds(route: RegisteredRoute, base: HostileReq, h: HostileReq): HostileReq {
  if (route.pattern !== '/api/sync/push' || h.body === undefined) return h;
  const b = base.body as { clientId: string; mutations: { args: { id: string } }[] };
  const text = JSON.stringify(h.body)
    .replaceAll(b.clientId, newClientId())
    .replaceAll(b.mutations[0]?.args.id ?? '\u0000', newAppId());
  return { ...h, body: JSON.parse(text) as unknown };
}

/**
 * Hostile input on every route (SQLite, in process, one server): arbitrary JSON, wrong types,
 * huge and unicode-heavy strings, SQL and HTML fragments in bodies, path parameters, query
 * strings and credential headers, sent by the signed-in owner with the app's own Origin.
 *
 * - never a 5xx, and every refusal is in the area's error shape;
 * - a refused request (4xx) writes no table, except the attempt counters its route keeps
 *   (`rate_limits` for sign-in, sign-up, re-authentication, forgot-password, token exchange);
 * - an accepted one writes only the tables its route writes (registry `writes`); a push
 *   whose only mutation is refused may only advance the client and store the refusal.
 */
describe('hostile input on every route [sqlite]', () => {
  let t: TestServer;
  let writtenTables: () => Promise<string[]>;
  beforeAll(async () => {
    const webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kspay-web-'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>KS Pay</title>');
    t = await testServer('sqlite', { config: testConfig({ webRoot, rateLimits: NO_RATE_LIMITS }) });
    writtenTables = await watchWrites(t);
  });
  afterAll(async () => {
    await closeServer(t);
    const root = t.services.config.webRoot;
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  for (const route of ROUTES) {
    it(`${routeKey(route)}: no 5xx, no change but the route's own`, { timeout }, async () => {
      const w: World = await buildWorld(t);
      const base: HostileReq = { ...(await route.valid(w)), target: 'valid' };
      const own = [...(route.writes ?? []), ...(route.counts ?? [])];
      const before = await snapshot(t, own);
      await writtenTables();
      const area = route.pattern.startsWith('/v1')
        ? 'v1'
        : route.pattern.startsWith('/api')
          ? 'api'
          : 'web';

      await fc.assert(
        fc.asyncProperty(hostileRequest(route, base), async (generated) => {
          const h = freshIds(route, base, generated);
          const json: Record<string, string> =
            h.raw !== undefined ? { 'content-type': 'application/json' } : {};
          const res = await send(w, route, h, 'owner', {
            raw: h.raw,
            headers: { ...json, ...h.credentials }
          });
          const text = await res.text();
          const where = `${h.target} → ${res.status} ${text.slice(0, 300)}`;
          expect(res.status, where).toBeLessThan(500);
          if (res.status >= 400 && area !== 'web') {
            const schema = area === 'api' ? errorBodySchema : ksPayErrorBodySchema;
            expect(schema.safeParse(JSON.parse(text)).success, where).toBe(true);
          }

          let allowed: readonly Table[] =
            res.status >= 400 ? (route.counts ?? []) : (route.writes ?? []);
          if (route.pattern === '/api/sync/push' && res.status === 200) {
            const { rejections } = JSON.parse(text) as { rejections: unknown[] };
            const sent = (h.body as { mutations?: unknown[] }).mutations?.length;
            if (sent === 1 && rejections.length === 1)
              allowed = ['sync_clients', 'sync_rejections'];
          }
          const written = await writtenTables();
          expect(
            written.filter((c) => !allowed.includes(c as Table)),
            where
          ).toEqual([]);
        }),
        { numRuns: HOSTILE_RUNS, seed: SEED, endOnFailure: true }
      );
      // And the slow way, once: every table the route may not write is as it was.
      expect(await snapshot(t, own)).toEqual(before);
    });
  }
});

describe('hostile input: cases the property found', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer('sqlite');
  });
  afterAll(() => closeServer(t));

  it('refuses app mutations whose args lack fields, or hold the wrong type (was a 500)', async () => {
    const m = await merchant(t);
    const argsList = [{}, { id: newAppId() }, { id: newAppId(), fields: 'x', logo: null }];
    for (const [i, args] of argsList.entries()) {
      for (const name of ['app.create', 'app.update']) {
        const res = await post(t, '/api/sync/push', m.cookie, {
          businessId: m.businessId,
          clientId: newClientId(),
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: [{ id: 1, name, args }]
        });
        expect(res.status, `${name} ${i}`).toBe(200);
        const body = (await res.json()) as { rejections: { code: string }[] };
        expect(body.rejections.map((r) => r.code)).toEqual(['validation_failed']);
      }
    }
  });
});
