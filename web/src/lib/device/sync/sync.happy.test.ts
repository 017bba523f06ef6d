import {
  MAX_MUTATIONS_PER_PUSH,
  MAX_PUSH_BODY_BYTES,
  MAX_ROWS_PER_PULL,
  SYNC_SCHEMA_VERSION
} from '@kspay/shared';
import { LOGO_MAX_BYTES } from '@kspay/shared/apps';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openUserDb, readMeta, type KspayDb } from '../db/database';
import { newAppId } from '@kspay/shared/ids';
import { createApp, setAppStatus, updateApp } from './mutations';
import { pullChanges, pushOutbox, syncOnce } from './protocol';
import { appInput, pngBlob } from './testing/fixtures';
import { freshBrowser } from './testing/idb';
import { realServer, type RealServer } from './testing/server';

let server: RealServer;
beforeEach(async () => {
  server = await realServer();
});
afterEach(() => server.close());

const browser = (): Promise<KspayDb> =>
  openUserDb(server.merchantId, server.businessId, freshBrowser());

describe('sync against the real server', () => {
  it('sends an offline registration once and shows it synced, to this browser and another', async () => {
    const a = await browser();
    const created = await createApp(a, appInput(), pngBlob(5000));
    await syncOnce(a, server.fetch);
    await syncOnce(a, server.fetch);

    const row = await a.apps.get(created.id);
    expect(row).toMatchObject({ pending: false, syncError: null, name: 'Corner Shop' });
    expect(row?.version).toBeGreaterThan(0);
    expect(row?.logoHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.localLogo).toBeNull();
    expect(await a.outbox.count()).toBe(0);

    const b = await browser();
    await syncOnce(b, server.fetch);
    expect((await b.apps.toArray()).map((x) => [x.id, x.version])).toEqual([
      [row!.id, row!.version]
    ]);
  });

  it('keeps pending edits visible on top of newer server rows (rebase)', async () => {
    const a = await browser();
    const b = await browser();
    const app = await createApp(a, appInput(), null);
    await syncOnce(a, server.fetch);
    await syncOnce(b, server.fetch);

    // Offline on A: rename. Meanwhile B disables the app and syncs.
    await updateApp(a, app.id, appInput({ name: 'Renamed offline' }));
    await setAppStatus(b, app.id, 'disabled');
    await syncOnce(b, server.fetch);

    // A pulls first (its rename still unsent): the server row moves underneath the edit.
    await pullChanges(a, server.fetch);
    const mid = await a.apps.get(app.id);
    expect(mid).toMatchObject({ name: 'Renamed offline', status: 'disabled', pending: true });
    expect(mid?.server).toMatchObject({ name: 'Corner Shop', status: 'disabled' });

    await syncOnce(a, server.fetch);
    const after = await a.apps.get(app.id);
    // B's change was made after A's base version by another client: A's rename conflicts.
    expect(after?.pending).toBe(false);
    expect(after?.syncError?.code).toBe('conflict');
    expect(after?.conflict).toMatchObject({ status: 'disabled' });
    expect(after).toMatchObject({ name: 'Corner Shop', status: 'disabled' });
  });

  it('applies a chain of offline edits to one app without conflicting with itself', async () => {
    const a = await browser();
    const app = await createApp(a, appInput(), null);
    await updateApp(a, app.id, appInput({ city: 'Pune' }));
    await setAppStatus(a, app.id, 'disabled');
    await updateApp(a, app.id, appInput({ city: 'Nagpur' }), pngBlob(900));
    await syncOnce(a, server.fetch);
    const row = await a.apps.get(app.id);
    expect(row).toMatchObject({
      city: 'Nagpur',
      status: 'disabled',
      pending: false,
      syncError: null
    });
    expect(row?.logoHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await readMeta(a)).lastMutationId).toBe(4);
  });

  it('sends a large outbox in batches the server accepts, each mutation once', async () => {
    const a = await browser();
    for (let i = 0; i < 24; i++) {
      await createApp(a, appInput({ name: `Logo app ${i}` }), pngBlob(LOGO_MAX_BYTES, i));
    }
    for (let i = 0; i < 60; i++) await createApp(a, appInput({ name: `Plain app ${i}` }), null);
    const bodies: string[] = [];
    await syncOnce(a, (input, init) => {
      if (input === '/api/sync/push') bodies.push(init.body as string);
      return server.fetch(input, init);
    });
    const batches = bodies.map((b) => (JSON.parse(b) as { mutations: { id: number }[] }).mutations);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const [i, body] of bodies.entries()) {
      expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(MAX_PUSH_BODY_BYTES);
      expect(batches[i]!.length).toBeLessThanOrEqual(MAX_MUTATIONS_PER_PUSH);
    }
    expect(batches.flat().map((m) => m.id)).toEqual(Array.from({ length: 84 }, (_, i) => i + 1));
    expect(await a.outbox.count()).toBe(0);
    expect(await a.apps.filter((x) => x.server !== null && !x.pending).count()).toBe(84);
  });

  it('pulls page by page until the server has nothing more', async () => {
    // Another device registered more apps than one page holds.
    const total = MAX_ROWS_PER_PULL + 20;
    for (let from = 0; from < total; from += MAX_MUTATIONS_PER_PUSH) {
      const mutations = Array.from(
        { length: Math.min(MAX_MUTATIONS_PER_PUSH, total - from) },
        (_, k) => ({
          id: from + k + 1,
          name: 'app.create',
          args: { id: newAppId(), fields: appInput({ name: `App number ${from + k}` }), logo: null }
        })
      );
      const body = {
        clientId: 'cl_otherdeviceotherdev',
        businessId: server.businessId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations
      };
      const res = await server.fetch('/api/sync/push', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
      });
      expect(res.status).toBe(200);
    }
    const b = await browser();
    const pulls: number[] = [];
    await pullChanges(b, async (input, init) => {
      const res = await server.fetch(input, init);
      pulls.push(((await res.clone().json()) as { apps: unknown[] }).apps.length);
      return res;
    });
    expect(pulls).toEqual([MAX_ROWS_PER_PULL, 20]);
    expect(await b.apps.count()).toBe(total);
    expect((await readMeta(b)).cursor).toBe(
      Math.max(...(await b.apps.toArray()).map((x) => x.version))
    );
  }, 60_000);

  it('loses nothing when the push answer is lost: the re-send is acknowledged, not re-applied', async () => {
    const a = await browser();
    await createApp(a, appInput(), null);
    const lossy: typeof server.fetch = async (input, init) => {
      await server.fetch(input, init);
      throw new TypeError('connection reset');
    };
    await expect(pushOutbox(a, lossy)).rejects.toThrow(/could not be reached/);
    expect(await a.outbox.count()).toBe(1);
    await syncOnce(a, server.fetch);
    expect(await a.outbox.count()).toBe(0);
    const b = await browser();
    await syncOnce(b, server.fetch);
    expect(await b.apps.count()).toBe(1);
  });
});
