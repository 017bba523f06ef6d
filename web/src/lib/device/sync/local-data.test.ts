import { afterEach, describe, expect, it } from 'vitest';
import { openUserDb, ownBusinessId, readMeta } from '../db/database';
import { DRAFT_DELAY_MS, saveDraft } from '../drafts/drafts';
import { applyPullPage } from './apply';
import { SyncEngine } from './engine';
import type { FetchLike } from './transport';
import { countUnsynced, deleteLocalData, deleteReplica } from './local-data';
import { createApp } from './mutations';
import { appInput } from './testing/fixtures';
import { freshBrowser } from './testing/idb';

const USER = 'us_signout01';
/** The account's own business (its replica has the pre-teams name) and one it joined. */
const OWN = ownBusinessId(USER);
const JOINED = 'bu_joined001';

afterEach(() => {
  delete (globalThis as { caches?: unknown }).caches;
});

describe('sign-out', () => {
  it('counts what would be lost: queued changes, refused apps and drafts', async () => {
    const db = await openUserDb(USER, OWN, freshBrowser());
    const refused = await createApp(db, appInput({ name: 'Taken name' }), null);
    await createApp(db, appInput({ name: 'Waiting' }), null);
    await saveDraft(db, { id: 'dr_1', kind: 'app-register', values: { name: 'Half' }, logo: null });
    expect(await countUnsynced(db)).toEqual({ changes: 2, refused: 0, drafts: 1 });

    // The server refused the first create (as a pull reports it) and applied nothing else yet.
    await applyPullPage(db, {
      cursor: 0,
      lastMutationId: 1,
      apps: [],
      rejections: [
        {
          mutationId: 1,
          name: 'app.create',
          recordId: refused.id,
          code: 'app_name_taken',
          message: 'You already have an app with this name'
        }
      ],
      hasMore: false
    });
    expect(await countUnsynced(db)).toEqual({ changes: 1, refused: 1, drafts: 1 });
  });

  it("deletes the user's database, even while a tab has it open, and the runtime caches", async () => {
    const deps = freshBrowser();
    const db = await openUserDb(USER, OWN, deps);
    await createApp(db, appInput(), null);
    const { clientId } = await readMeta(db);
    const deleted: string[] = [];
    const names = [
      'kspay-precache-v2-http://localhost/',
      'kspay-precache-v2-http://localhost/-temp',
      'workbox-precache-v2-http://localhost/',
      'kspay-api',
      'kspay-logos',
      'kspay-runtime-http://localhost/'
    ];
    (globalThis as { caches?: unknown }).caches = {
      keys: () => Promise.resolve(names),
      delete: (name: string) => (deleted.push(name), Promise.resolve(true))
    };

    await deleteLocalData(USER, deps);

    expect(deleted.sort()).toEqual(['kspay-api', 'kspay-logos', 'kspay-runtime-http://localhost/']);
    expect(db.isOpen()).toBe(false);
    const reopened = await openUserDb(USER, OWN, deps);
    expect(await reopened.apps.count()).toBe(0);
    expect(await reopened.outbox.count()).toBe(0);
    expect((await readMeta(reopened)).clientId).not.toBe(clientId);
    reopened.close();
  });

  it('stays deleted: a running sync engine and a pending draft save do not bring it back', async () => {
    const deps = freshBrowser();
    const db = await openUserDb(USER, OWN, deps);
    // A request that hangs until aborted, as fetch does on a dead connection.
    const hang: FetchLike = (_input, init) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError'))
        )
      );
    const engine = new SyncEngine(db, { fetch: hang, locks: null });
    await engine.start();
    void saveDraft(db, { id: 'dr_1', kind: 'app-register', values: { name: 'Ha' }, logo: null });
    await createApp(db, appInput(), null);

    await deleteLocalData(USER, deps);
    await new Promise((r) => setTimeout(r, DRAFT_DELAY_MS + 100));

    expect(engine.state.phase).toBe('stopped');
    expect((await deps.indexedDB.databases()).map((d) => d.name)).not.toContain(db.name);
  });

  it('deletes the replica of every business the user has on this device', async () => {
    const deps = freshBrowser();
    const own = await openUserDb(USER, OWN, deps);
    const joined = await openUserDb(USER, JOINED, deps);
    await createApp(own, appInput({ name: 'Own shop' }), null);
    await createApp(joined, appInput({ name: 'Joined shop' }), null);
    expect(own.name).not.toBe(joined.name);

    await deleteLocalData(USER, deps);

    const names = (await deps.indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(own.name);
    expect(names).not.toContain(joined.name);
  });

  it("a lost business's replica goes alone; the user's others stay", async () => {
    const deps = freshBrowser();
    const own = await openUserDb(USER, OWN, deps);
    const joined = await openUserDb(USER, JOINED, deps);
    await createApp(own, appInput({ name: 'Own shop' }), null);
    await createApp(joined, appInput({ name: 'Joined shop' }), null);

    await deleteReplica(USER, JOINED, deps);

    expect(joined.isOpen()).toBe(false);
    expect((await own.apps.toArray()).map((a) => a.name)).toEqual(['Own shop']);
    const names = (await deps.indexedDB.databases()).map((d) => d.name);
    expect(names).toEqual([own.name]);
    own.close();
  });

  it("leaves another user's database alone", async () => {
    const deps = freshBrowser();
    const other = await openUserDb('us_other0001', ownBusinessId('us_other0001'), deps);
    await createApp(other, appInput(), null);
    other.close();
    await deleteLocalData(USER, deps);
    const again = await openUserDb('us_other0001', ownBusinessId('us_other0001'), deps);
    expect(await again.outbox.count()).toBe(1);
    again.close();
  });
});
