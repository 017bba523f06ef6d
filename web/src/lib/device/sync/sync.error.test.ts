import { SYNC_SCHEMA_VERSION } from '@kspay/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openUserDb, readMeta, type KspayDb } from '../db/database';
import { SyncEngine, type SyncEngineOptions } from './engine';
import { createApp, dismissSyncError, updateApp } from './mutations';
import { syncOnce } from './protocol';
import { appInput } from './testing/fixtures';
import { freshBrowser } from './testing/idb';
import { realServer, type RealServer } from './testing/server';
import type { FetchLike } from './transport';

let server: RealServer;
const engines: SyncEngine[] = [];
beforeEach(async () => {
  server = await realServer();
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  await server.close();
});

const browser = (): Promise<KspayDb> =>
  openUserDb(server.merchantId, server.businessId, freshBrowser());

/** Records every request body, then forwards to `next`. */
function recording(next: FetchLike) {
  const calls: { path: string; body: Record<string, unknown> }[] = [];
  const fetch: FetchLike = (input, init) => {
    calls.push({ path: input, body: JSON.parse(init.body as string) as Record<string, unknown> });
    return next(input, init);
  };
  return { calls, fetch };
}

async function engine(db: KspayDb, opts: SyncEngineOptions) {
  const e = new SyncEngine(db, { locks: null, broadcast: false, ...opts });
  engines.push(e);
  await e.start();
  await e.sync();
  return e;
}

const pushes = (calls: { path: string }[]) => calls.filter((c) => c.path === '/api/sync/push');

describe('refusals', () => {
  it('marks a refused create on its record, keeps the input, never re-sends it', async () => {
    const a = await browser();
    const b = await browser();
    await createApp(a, appInput({ name: 'Tea Stall' }), null);
    await syncOnce(a, server.fetch);
    const dup = await createApp(b, appInput({ name: 'tea stall', city: 'Pune' }), null);
    const rec = recording(server.fetch);
    await syncOnce(b, rec.fetch);

    const row = await b.apps.get(dup.id);
    expect(row).toMatchObject({ name: 'tea stall', city: 'Pune', pending: false, server: null });
    expect(row?.syncError).toMatchObject({ code: 'app_name_taken', name: 'app.create' });
    expect(row?.syncError?.args).toMatchObject({ id: dup.id, fields: { city: 'Pune' } });
    expect(await b.outbox.count()).toBe(0);

    await syncOnce(b, rec.fetch);
    expect(pushes(rec.calls)).toHaveLength(1);

    // Fixing the name resubmits the same app id as a new create.
    await updateApp(b, dup.id, appInput({ name: 'Tea Stall Pune', city: 'Pune' }));
    expect((await b.outbox.toArray()).map((e) => e.name)).toEqual(['app.create']);
    await syncOnce(b, server.fetch);
    expect(await b.apps.get(dup.id)).toMatchObject({ syncError: null, pending: false });
    expect((await b.apps.get(dup.id))?.server?.name).toBe('Tea Stall Pune');
  });

  it('lets the merchant dismiss a refused create, which then disappears', async () => {
    const a = await browser();
    await createApp(a, appInput({ name: 'Tea Stall' }), null);
    await syncOnce(a, server.fetch);
    const dup = await createApp(a, appInput({ name: 'TEA STALL' }), null);
    await syncOnce(a, server.fetch);
    expect((await a.apps.get(dup.id))?.syncError).not.toBeNull();
    await dismissSyncError(a, dup.id);
    expect(await a.apps.get(dup.id)).toBeUndefined();
    expect(await a.apps.count()).toBe(1);
  });
});

describe('sign-out, outdated client, gaps, failures', () => {
  it('pauses on 401, keeps local writes working, and continues the outbox after resume()', async () => {
    const db = await browser();
    const rec = recording(server.fetch);
    await createApp(db, appInput({ name: 'Before' }), null);
    await server.signOut();
    const e = await engine(db, { fetch: rec.fetch });
    expect(e.state.phase).toBe('signed-out');

    await createApp(db, appInput({ name: 'While signed out' }), null);
    await e.sync();
    expect(e.state.phase).toBe('signed-out');
    expect(rec.calls).toHaveLength(1);
    expect(await db.outbox.count()).toBe(2);

    await server.signIn();
    e.resume();
    await e.sync();
    expect(e.state.phase).toBe('idle');
    expect(await db.outbox.count()).toBe(0);
    expect((await db.apps.toArray()).every((a) => a.server !== null)).toBe(true);
  });

  it('stops and asks for an update when the server refuses the schema version', async () => {
    const db = await browser();
    await createApp(db, appInput(), null);
    const future: FetchLike = (input, init) => {
      const body = JSON.parse(init.body as string) as Record<string, unknown>;
      return server.fetch(input, { ...init, body: JSON.stringify({ ...body, schemaVersion: 99 }) });
    };
    const e = await engine(db, { fetch: future });
    expect(e.state.phase).toBe('update-required');
    expect((await readMeta(db)).updateRequired).toBe(SYNC_SCHEMA_VERSION);
    expect(await db.outbox.count()).toBe(1);

    const rec = recording(server.fetch);
    await e.stop();
    const again = await engine(db, { fetch: rec.fetch });
    expect(again.state.phase).toBe('update-required');
    expect(rec.calls).toHaveLength(0);
  });

  it('answers a 409 gap with a pull and a retry', async () => {
    const db = await browser();
    await createApp(db, appInput(), null);
    let refused = false;
    const rec = recording((input, init) => {
      if (input === '/api/sync/push' && !refused) {
        refused = true;
        const body = { error: { code: 'mutation_gap', message: 'gap' } };
        return Promise.resolve(Response.json(body, { status: 409 }));
      }
      return server.fetch(input, init);
    });
    await syncOnce(db, rec.fetch);
    expect(rec.calls.map((c) => c.path)).toEqual([
      '/api/sync/push',
      '/api/sync/pull',
      '/api/sync/push',
      '/api/sync/pull'
    ]);
    expect(await db.outbox.count()).toBe(0);
  });

  it('continues as a new client when the server forgot this one (restored backup)', async () => {
    const db = await browser();
    await createApp(db, appInput({ name: 'First' }), null);
    await syncOnce(db, server.fetch);
    const { clientId } = await readMeta(db);
    await createApp(db, appInput({ name: 'Second' }), null);
    // A server restored from an older backup: it has never heard of this client.
    await server.forgetClient(clientId);
    await syncOnce(db, server.fetch);
    const meta = await readMeta(db);
    expect(meta.clientId).not.toBe(clientId);
    expect(await db.outbox.count()).toBe(0);
    const other = await browser();
    await syncOnce(other, server.fetch);
    expect((await other.apps.toArray()).map((a) => a.name).sort()).toEqual(['First', 'Second']);
  });

  it('retries with growing, jittered delays on network errors and 5xx, losing nothing', async () => {
    const db = await browser();
    await createApp(db, appInput(), null);
    const attempts: number[] = [];
    let failures = 4;
    const flaky: FetchLike = (input, init) => {
      attempts.push(Date.now());
      if (failures-- > 0) {
        return failures % 2 === 0
          ? Promise.reject(new TypeError('offline'))
          : Promise.resolve(
              Response.json({ error: { code: 'unavailable', message: 'busy' } }, { status: 503 })
            );
      }
      return server.fetch(input, init);
    };
    const e = await engine(db, { fetch: flaky, backoffBaseMs: 20, random: () => 1 });
    expect(e.state.phase).toBe('retrying');
    expect((await readMeta(db)).lastSyncError).toBeTruthy();
    for (let i = 0; i < 100 && (await db.outbox.count()) > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await db.outbox.count()).toBe(0);
    const gaps = attempts.slice(1, 5).map((t, i) => t - attempts[i]!);
    expect(gaps[3]!).toBeGreaterThan(gaps[0]! * 3);
    expect((await readMeta(db)).lastSyncError).toBeNull();
    expect((await readMeta(db)).lastSyncAt).not.toBeNull();
  });
});
