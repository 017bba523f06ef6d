import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  Client,
  describeWithPostgres,
  SHARED_ORIGIN,
  signUpClient,
  startCluster,
  type ServerProcess
} from './helpers/processes';
import { newClientId, pullAll, runBrowsers, type SyncBrowser } from './helpers/sync-browsers';

/**
 * Issue 18's 200-browser scenario at CI scale: 20 browsers (10 merchants, each signed in on
 * two devices) each push 5 app registrations, one push at a time, then pull, all at once, with
 * their requests alternating between two real server processes on one PostgreSQL database, as
 * a load balancer without affinity sends them. `pnpm bench` runs the same code at 200 × 20
 * behind HAProxy.
 */
const MERCHANTS = 10;
const DEVICES = 2;
const MUTATIONS = 5;

describeWithPostgres('many browsers syncing at once through two processes', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let procs: [ServerProcess, ServerProcess];
  /** Round robin, as a load balancer without affinity sends requests. */
  const proc = (i: number) => procs[i % 2 === 0 ? 0 : 1];
  const browsers: SyncBrowser[] = [];
  beforeAll(async () => {
    cluster = await startCluster(2, { PASSWORD_HASH_LN: '12' });
    procs = cluster.procs as [ServerProcess, ServerProcess];
    for (let m = 0; m < MERCHANTS; m++) {
      const client = new Client();
      const res = await signUpClient(client, proc(m), {
        name: `Shop ${m}`,
        email: `browsers${m}-${Date.now()}@example.com`,
        password: 'correct horse battery staple'
      });
      expect(res.status).toBe(200);
      for (let d = 0; d < DEVICES; d++) {
        browsers.push({
          cookie: client.cookie,
          businessId: client.businessId,
          clientId: newClientId()
        });
      }
    }
  }, 120_000);
  afterAll(async () => {
    const errors = cluster?.errors();
    await cluster?.stop();
    expect(errors ?? []).toEqual([]);
  });

  async function tables() {
    const db = new pg.Client({ connectionString: cluster.url });
    await db.connect();
    try {
      const apps = await db.query<{ id: string; business_id: string; version: string }>(
        'select id, business_id, version from apps'
      );
      const versions = await db.query<{ business_id: string; version: string }>(
        'select business_id, version from merchant_versions'
      );
      const clients = await db.query<{ id: string; last_mutation_id: string }>(
        'select id, last_mutation_id from sync_clients'
      );
      return { apps: apps.rows, versions: versions.rows, clients: clients.rows };
    } finally {
      await db.end();
    }
  }

  it('applies every mutation exactly once, and every browser pulls exactly what the server holds', async () => {
    const runs = await runBrowsers({
      browsers,
      mutations: MUTATIONS,
      base: (b, n) => proc(b + n).base,
      origin: SHARED_ORIGIN
    });
    // Every push answered 200 with its own id as the counter and no refusal.
    expect(runs.flatMap((r) => r.bad)).toEqual([]);
    expect(runs.map((r) => r.lastMutationId)).toEqual(browsers.map(() => MUTATIONS));

    const t = await tables();
    // Exactly once: one app and one version per mutation, in every business; every counter at 5.
    expect(t.apps).toHaveLength(MERCHANTS * DEVICES * MUTATIONS);
    const perBusiness = DEVICES * MUTATIONS;
    expect(t.versions.map((v) => Number(v.version))).toEqual(
      Array.from({ length: MERCHANTS }, () => perBusiness)
    );
    for (const b of new Set(browsers.map((x) => x.businessId))) {
      const versions = t.apps.filter((a) => a.business_id === b).map((a) => Number(a.version));
      expect(versions.toSorted((x, y) => x - y)).toEqual(
        Array.from({ length: perBusiness }, (_, i) => i + 1)
      );
    }
    expect(Object.fromEntries(t.clients.map((c) => [c.id, Number(c.last_mutation_id)]))).toEqual(
      Object.fromEntries(browsers.map((b) => [b.clientId, MUTATIONS]))
    );

    // Each browser's pull, taken while others still pushed, holds at least its own five apps,
    // all of its business, each at the version the table has.
    const state = new Map(t.apps.map((a) => [a.id, `${a.business_id}@${Number(a.version)}`]));
    for (const [i, r] of runs.entries()) {
      const businessId = browsers[i]?.businessId;
      expect(r.pulled.length).toBeGreaterThanOrEqual(MUTATIONS);
      for (const app of r.pulled) expect(state.get(app.id)).toBe(`${businessId}@${app.version}`);
    }
    // Convergence: once everyone is done, every browser's pull is its business, row for row.
    for (const [i, b] of browsers.entries()) {
      const pulled = await pullAll(() => proc(i).base, b, SHARED_ORIGIN);
      expect(pulled.lastMutationId).toBe(MUTATIONS);
      expect(Object.fromEntries(pulled.apps.map((a) => [a.id, Number(a.version)]))).toEqual(
        Object.fromEntries(
          t.apps.filter((a) => a.business_id === b.businessId).map((a) => [a.id, Number(a.version)])
        )
      );
    }
  }, 120_000);
});
