import { SYNC_SCHEMA_VERSION, type Mutation } from '@kspay/shared';
import type { AppPushResponse, AppRecord, PullResponse } from '@kspay/shared/apps';
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import { create, newAppId, newClientId } from './helpers/apps';
import {
  type Client,
  describeWithPostgres,
  signedUpClient,
  useCluster,
  type ServerProcess
} from './helpers/processes';

/**
 * Sync (DESIGN.md §4) through two real server processes on one PostgreSQL database, with
 * clients alternating between them: nothing lost, nothing applied twice, and the pull cursor
 * never skips a row that a writer on the other process commits late.
 */
describeWithPostgres('several server processes on one PostgreSQL: sync', () => {
  const cluster = useCluster();
  let procs: [ServerProcess, ServerProcess];
  beforeAll(() => {
    procs = cluster.procs;
  });
  /** Round-robin, as a load balancer without affinity sends requests. */
  const proc = (i: number) => procs[i % 2 === 0 ? 0 : 1];

  async function merchant() {
    const { client } = await signedUpClient(procs[0]);
    return { client, businessId: client.businessId };
  }

  async function push(c: Client, via: ServerProcess, clientId: string, mutations: Mutation[]) {
    const res = await c.json<AppPushResponse>(via, 'POST', '/api/sync/push', {
      businessId: c.businessId,
      clientId,
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  async function pull(c: Client, via: ServerProcess, clientId: string, cursor: number) {
    const res = await c.json<PullResponse>(via, 'POST', '/api/sync/pull', {
      businessId: c.businessId,
      clientId,
      schemaVersion: SYNC_SCHEMA_VERSION,
      cursor,
      rejectionsAfter: 0
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  async function tableState(businessId: string) {
    const db = new pg.Client({ connectionString: cluster.url });
    await db.connect();
    try {
      const apps = await db.query<{ id: string; version: string; status: string }>(
        'select id, version, status from apps where business_id = $1',
        [businessId]
      );
      const v = await db.query<{ version: string }>(
        'select version from merchant_versions where business_id = $1',
        [businessId]
      );
      return { apps: apps.rows, version: Number(v.rows[0]?.version ?? 0) };
    } finally {
      await db.end();
    }
  }

  it('a client alternating processes, with each batch also replayed at once on the other, loses and duplicates nothing', async () => {
    const { client, businessId } = await merchant();
    const clientId = newClientId();
    const replica = new Map<string, AppRecord>();
    let cursor = 0;
    let id = 0;
    let applied = 0;
    for (let round = 0; round < 8; round++) {
      const [here, there] = round % 2 === 0 ? procs : [procs[1], procs[0]];
      const batch: Mutation[] = [];
      for (let k = 0; k < 3; k++) batch.push(create(++id, newAppId()));
      // Flip the status of two apps the client already holds, on the version it last pulled.
      for (const app of [...replica.values()].slice(round, round + 2)) {
        const status = app.status === 'active' ? 'disabled' : 'active';
        batch.push({
          id: ++id,
          name: 'app.setStatus',
          args: { id: app.id, baseVersion: app.version, status }
        });
      }
      applied += batch.length;
      // The same batch on both processes at once: a lost answer retried through the balancer.
      const answers = await Promise.all([
        push(client, here, clientId, batch),
        push(client, there, clientId, batch)
      ]);
      for (const a of answers) expect(a).toEqual({ lastMutationId: id, rejections: [] });
      for (;;) {
        const page = await pull(client, there, clientId, cursor);
        for (const app of page.apps) replica.set(app.id, app);
        cursor = page.cursor;
        expect(page.lastMutationId).toBe(id);
        if (!page.hasMore) break;
      }
    }
    const table = await tableState(businessId);
    // Every mutation stamped exactly one version: none was applied twice, none was lost.
    expect(table.version).toBe(applied);
    expect(cursor).toBe(applied);
    expect(
      Object.fromEntries(table.apps.map((r) => [r.id, `${r.status}@${Number(r.version)}`]))
    ).toEqual(
      Object.fromEntries([...replica.values()].map((r) => [r.id, `${r.status}@${r.version}`]))
    );
    expect(table.apps).toHaveLength(24);
  });

  it('pulls racing writers on both processes never skip a row committed late: the union of pulled rows is the table', async () => {
    const { client, businessId } = await merchant();
    const WRITERS = 6;
    const EACH = 12;
    let writing = true;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      const clientId = newClientId();
      for (let i = 1; i <= EACH; i++) {
        await push(client, proc(w + i), clientId, [create(i, newAppId())]);
      }
    });
    const seen: string[] = [];
    const readerId = newClientId();
    let cursor = 0;
    let turn = 0;
    const readOnce = async () => {
      for (;;) {
        const page = await pull(client, proc(turn++), readerId, cursor);
        for (const app of page.apps) {
          expect(app.version).toBeGreaterThan(cursor);
          seen.push(app.id);
        }
        cursor = page.cursor;
        if (!page.hasMore) return;
      }
    };
    const reader = (async () => {
      while (writing) await readOnce();
    })();
    await Promise.all(writers);
    writing = false;
    await reader;
    await readOnce();

    const table = await tableState(businessId);
    expect(table.apps).toHaveLength(WRITERS * EACH);
    // Creates only: each row has one version, so a row pulled twice would mean the cursor
    // went back, and a row never pulled that the cursor passed it while it was uncommitted.
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.toSorted()).toEqual(table.apps.map((r) => r.id).toSorted());
    expect(cursor).toBe(WRITERS * EACH);
  });
});
