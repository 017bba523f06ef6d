import type { AppPushResponse } from '@kspay/shared/apps';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  create,
  fields,
  newAppId,
  newClientId,
  post,
  pull,
  push,
  pushRaw,
  syncTables,
  type T,
  type TestMerchant,
  serverWithMerchant
} from './helpers/apps';
import { describeEachDialect } from './helpers/services';

async function expectCode(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
}

describeEachDialect('sync: replays, gaps, refusals and races', (dialect) => {
  let t: T;
  let m: TestMerchant;
  beforeAll(async () => {
    ({ t, m } = await serverWithMerchant(dialect));
  });
  afterAll(() => t.close());

  const appsOf = async (client: string) => (await pull(t, m, client)).apps;

  it('applies the same batch delivered twice only once, and answers it the same way', async () => {
    const client = newClientId();
    const batch = [create(1), create(2, newAppId(), fields({ state: 'US-CA' })), create(3)];
    const first = await push(t, m, client, batch);
    const tables = await syncTables(t);
    const second = await push(t, m, client, batch);
    expect(second).toEqual(first);
    expect(first.lastMutationId).toBe(3);
    expect(first.rejections.map((r) => r.mutationId)).toEqual([2]);
    expect(await syncTables(t)).toEqual(tables);
  });

  it('answers a gap with 409 and applies nothing of it', async () => {
    const client = newClientId();
    await push(t, m, client, [create(1)]);
    const before = await syncTables(t);
    await expectCode(await pushRaw(t, m, client, [create(3), create(4)]), 409, 'mutation_gap');
    expect(await syncTables(t)).toEqual(before);
    expect((await pull(t, m, client)).lastMutationId).toBe(1);
  });

  it('keeps what came before a gap in the same batch and stops at the gap', async () => {
    const client = newClientId();
    const kept = newAppId();
    const after = newAppId();
    const res = await pushRaw(t, m, client, [create(1, kept), create(3, after)]);
    await expectCode(res, 409, 'mutation_gap');
    const ids = (await appsOf(client)).map((a) => a.id);
    expect(ids).toContain(kept);
    expect(ids).not.toContain(after);
    expect((await pull(t, m, client)).lastMutationId).toBe(1);
  });

  it('advances the counter past a refused mutation and reports it, also after a lost answer', async () => {
    const client = newClientId();
    const bad = newAppId();
    const res = await push(t, m, client, [create(1, bad, fields({ postalCode: '12' })), create(2)]);
    expect(res.lastMutationId).toBe(2);
    expect(res.rejections).toEqual([
      {
        mutationId: 1,
        name: 'app.create',
        recordId: bad,
        code: 'validation_failed',
        message: expect.any(String) as string,
        fields: { postalCode: 'This is not a valid postal code for India' }
      }
    ]);
    // The answer was lost: the client pulls, learns the counter and the refusal, never retries.
    const page = await pull(t, m, client, 0, 0);
    expect(page.lastMutationId).toBe(2);
    expect(page.rejections).toEqual(res.rejections);
    expect(page.apps.map((a) => a.id)).not.toContain(bad);
    expect((await pull(t, m, client, 0, 1)).rejections).toEqual([]);
  });

  it('serialises two concurrent pushes of one client: every mutation applied exactly once', async () => {
    const client = newClientId();
    const batch = Array.from({ length: 10 }, (_, i) => create(i + 1));
    const [a, b] = await Promise.all([pushRaw(t, m, client, batch), pushRaw(t, m, client, batch)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // Neither delivery may see the other's creations as someone else's: no refusal at all.
    for (const res of [a, b])
      expect(((await res.json()) as AppPushResponse).rejections).toEqual([]);
    const ids = batch.map((x) => x.args.id);
    const rows = (await appsOf(client)).filter((r) => ids.includes(r.id));
    expect(rows).toHaveLength(10);
    const { db } = t.services.db;
    const stored = await db.selectFrom('apps').select('id').where('id', 'in', ids).execute();
    expect(stored).toHaveLength(10);
    expect(await pull(t, m, client)).toMatchObject({ lastMutationId: 10, rejections: [] });
  });

  it('tells an app with an unknown schema version to update, and changes nothing', async () => {
    const before = await syncTables(t);
    for (const path of ['/api/sync/push', '/api/sync/pull']) {
      const res = await post(t, path, m.cookie, {
        clientId: newClientId(),
        schemaVersion: 999,
        mutations: [create(1)],
        shapeFromTheFuture: true
      });
      await expectCode(res, 409, 'client_outdated');
    }
    expect(await syncTables(t)).toEqual(before);
  });

  it('answers 503 and advances nothing while the database is busy, then applies on retry', async () => {
    const client = newClientId();
    await push(t, m, client, [create(1)]);
    const before = await syncTables(t);
    const release = await holdLock(t, client);
    try {
      const res = await pushRaw(t, m, client, [create(2)]);
      await expectCode(res, 503, 'unavailable');
    } finally {
      await release();
    }
    expect(await syncTables(t)).toEqual(before);
    expect((await push(t, m, client, [create(2)])).lastMutationId).toBe(2);
  }, 30_000);
});

/**
 * Another connection holding what a push needs: on SQLite the database's write lock, on
 * PostgreSQL the client's row. The push waits its busy/lock timeout (5 s), then gives up.
 */
async function holdLock(t: T, clientId: string): Promise<() => Promise<void>> {
  if (t.database.file) {
    const other = new SQLite(t.database.file);
    other.exec('BEGIN IMMEDIATE');
    return () => {
      other.exec('ROLLBACK');
      other.close();
      return Promise.resolve();
    };
  }
  const other = new pg.Client({ connectionString: t.database.url });
  await other.connect();
  await other.query('begin');
  await other.query('select * from sync_clients where id = $1 for update', [clientId]);
  return async () => {
    await other.query('rollback');
    await other.end();
  };
}
