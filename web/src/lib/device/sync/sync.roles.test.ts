import { ROLE_REFUSAL } from '@kspay/shared/roles';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openUserDb, readMeta, type KspayDb } from '../db/database';
import { readSyncDetails } from './details';
import { SyncEngine } from './engine';
import { createApp, updateApp } from './mutations';
import { syncOnce } from './protocol';
import { appInput } from './testing/fixtures';
import { freshBrowser } from './testing/idb';
import { realServer, type RealServer } from './testing/server';

/**
 * Sync and roles (issue 16), against the real server: every request names the replica's
 * business; a change the member's role no longer allows is refused with its reason and kept
 * for them to see; a member removed from the business stops syncing it for good.
 */
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

describe('sync and roles', () => {
  it("names the replica's business in every push and pull", async () => {
    const db = await browser();
    await createApp(db, appInput(), null);
    const bodies: Record<string, unknown>[] = [];
    await syncOnce(db, (input, init) => {
      bodies.push(JSON.parse(init.body as string) as Record<string, unknown>);
      return server.fetch(input, init);
    });
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    for (const body of bodies) expect(body.businessId).toBe(server.businessId);
    expect(await server.rows()).toHaveLength(1);
  });

  it('an edit queued offline is refused with its reason after a demotion to Viewer, and stays visible', async () => {
    const db = await browser();
    const app = await createApp(db, appInput({ city: 'Mumbai' }), null);
    await syncOnce(db, server.fetch);
    // Offline, still a Developer here: the edit is queued…
    await updateApp(db, app.id, appInput({ city: 'Pune' }));
    // …while an Owner makes them a Viewer.
    await server.setRole('viewer');
    await syncOnce(db, server.fetch);

    expect((await server.rows())[0]).toMatchObject({ city: 'Mumbai' });
    const local = (await db.apps.get(app.id))!;
    expect(local.syncError).toMatchObject({ code: 'forbidden_role', message: ROLE_REFUSAL });
    const { refused, waiting } = await readSyncDetails(db);
    expect(waiting).toEqual([]);
    expect(refused).toEqual([
      expect.objectContaining({ recordId: app.id, reason: ROLE_REFUSAL, forbidden: true })
    ]);
    // Kept, never dropped: another pass (and its pull) leaves it listed.
    await syncOnce(db, server.fetch);
    expect((await readSyncDetails(db)).refused).toHaveLength(1);
  });

  it('a member removed from the business stops syncing it: not_a_member, no retry', async () => {
    const db = await browser();
    await createApp(db, appInput(), null);
    await server.setRole(null);
    let requests = 0;
    const e = new SyncEngine(db, {
      fetch: (input, init) => {
        requests += 1;
        return server.fetch(input, init);
      },
      locks: null,
      broadcast: false,
      backoffBaseMs: 5
    });
    engines.push(e);
    await e.start();
    await e.sync();
    expect(e.state.phase).toBe('not-a-member');
    const seen = requests;
    await new Promise((r) => setTimeout(r, 60));
    e.requestSync();
    await e.sync();
    expect(requests).toBe(seen);
    expect((await readMeta(db)).lastSyncError).toBeTruthy();
  });
});
