import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbName, openUserDb, readMeta } from '../db/database';
import {
  backgroundSyncTag,
  flushOutbox,
  replicaOfTag,
  type BackgroundDeps,
  type TryLock
} from './background';
import { lockName } from './leader';
import { createApp } from './mutations';
import { appInput } from './testing/fixtures';
import { freshBrowser } from './testing/idb';
import { realServer, type RealServer } from './testing/server';

let server: RealServer;
beforeEach(async () => {
  server = await realServer();
});
afterEach(() => server.close());

/** Web Locks as the worker sees them: a lock a tab holds is not available. */
function locks(held: Set<string>): TryLock {
  return {
    request: (name, _opts, callback) => callback(held.has(name) ? null : { name })
  };
}

/** One browser: its IndexedDB, with the service worker's view of it. */
const replica = () => ({ userId: server.merchantId, businessId: server.businessId });

function workerOf(browser = freshBrowser(), held = new Set<string>()): BackgroundDeps {
  return {
    locks: locks(held),
    databases: () => browser.indexedDB.databases(),
    open: ({ userId, businessId }) => openUserDb(userId, businessId, browser),
    fetch: server.fetch
  };
}

describe('background sync: the service worker flushes the outbox', () => {
  it('sends what a closed tab queued offline, and records the sync', async () => {
    const browser = freshBrowser();
    const tab = await openUserDb(server.merchantId, server.businessId, browser);
    const app = await createApp(tab, appInput({ name: 'Chai & Co.' }), null);
    tab.close();

    expect(await flushOutbox(replica(), workerOf(browser))).toBe('synced');
    expect((await server.rows()).map((r) => [r.id, r.name])).toEqual([[app.id, 'Chai & Co.']]);
    const db = await openUserDb(server.merchantId, server.businessId, browser);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.apps.get(app.id)).toMatchObject({ pending: false, syncError: null });
    expect((await readMeta(db)).lastSyncAt).not.toBeNull();
  });

  it('leaves the outbox to the tab that holds the sync lock', async () => {
    const browser = freshBrowser();
    const tab = await openUserDb(server.merchantId, server.businessId, browser);
    await createApp(tab, appInput(), null);
    const held = new Set([lockName(dbName(server.merchantId, server.businessId))]);

    expect(await flushOutbox(replica(), workerOf(browser, held))).toBe('busy');
    expect(await tab.outbox.count()).toBe(1);
    expect(await server.rows()).toEqual([]);
  });

  it('never recreates a database that sign-out deleted', async () => {
    const browser = freshBrowser();
    expect(await flushOutbox(replica(), workerOf(browser))).toBe('no-database');
    const names = (await browser.indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(dbName(server.merchantId, server.businessId));
  });

  it('keeps the outbox and stops on a 401, for the next tab to ask for a sign-in', async () => {
    const browser = freshBrowser();
    const tab = await openUserDb(server.merchantId, server.businessId, browser);
    await createApp(tab, appInput(), null);
    await server.signOut();

    expect(await flushOutbox(replica(), workerOf(browser))).toBe('signed-out');
    expect(await tab.outbox.count()).toBe(1);
    expect((await readMeta(tab)).lastSyncError).toBeTruthy();
  });

  it('rejects on a transient failure so the browser retries the event later', async () => {
    const browser = freshBrowser();
    const tab = await openUserDb(server.merchantId, server.businessId, browser);
    await createApp(tab, appInput(), null);
    const deps: BackgroundDeps = {
      ...workerOf(browser),
      fetch: () => Promise.reject(new TypeError('Failed to fetch'))
    };

    await expect(flushOutbox(replica(), deps)).rejects.toThrow('could not be reached');
    expect(await tab.outbox.count()).toBe(1);
  });

  it('acts only on its own tags, each naming one user', () => {
    const mine = { userId: 'us_abc123', businessId: 'bu_xyz789' };
    expect(replicaOfTag(backgroundSyncTag(mine))).toEqual(mine);
    // Registered by a build before teams: the account's own business (migration 012).
    expect(replicaOfTag('kspay-outbox:us_abc123')).toEqual({
      userId: 'us_abc123',
      businessId: 'bu_abc123'
    });
    expect(replicaOfTag('kspay-outbox:../other')).toBeNull();
    expect(replicaOfTag('kspay-outbox:us_abc123:../bu_x')).toBeNull();
    expect(replicaOfTag('workbox-background-sync:x')).toBeNull();
  });
});
