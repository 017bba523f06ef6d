import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { freshBrowser } from '../sync/testing/idb';
import { DB_VERSION, openUserDb, ownBusinessId, readMeta } from './database';
import {
  V1_STORES,
  type V1App,
  type V1Draft,
  type V1MetaRow,
  type V1OutboxEntry
} from './migrations';

const USER = 'us_migrate01';
// Databases before teams were per user; they live on as the replica of the business migration
// 012 made for the account, under the same name (see `dbName`).
const BUSINESS = ownBusinessId(USER);

const v1App: V1App = {
  id: 'ap_aaaaaaaa1',
  name: 'Corner Shop',
  email: 'shop@example.com',
  address: '1 Main St',
  phone: null,
  country: 'IN',
  state: null,
  city: null,
  postalCode: '400001',
  status: 'active',
  logoHash: null,
  version: 7,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  pending: true
};

async function writeV1(deps: ReturnType<typeof freshBrowser>) {
  const v1 = new Dexie(`kspay-${USER}`, deps);
  v1.version(1).stores(V1_STORES);
  await v1.open();
  const logo = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
  const draft: V1Draft = {
    id: 'dr_draft1',
    kind: 'app-register',
    appId: null,
    values: { name: 'Half typed' },
    logoBlob: logo,
    logoName: 'logo.png',
    updatedAt: '2026-01-02T00:00:00.000Z'
  };
  const outbox: V1OutboxEntry[] = [
    { id: 4, name: 'app.update', args: { id: v1App.id, baseVersion: 7 }, createdAt: 'a' },
    { id: 5, name: 'app.setStatus', args: { id: v1App.id, baseVersion: 7 }, createdAt: 'b' }
  ];
  const meta: V1MetaRow[] = [
    { key: 'clientId', value: 'cl_v1clientv1clientv1' },
    { key: 'cursor', value: 42 },
    { key: 'lastMutationId', value: 5 },
    { key: 'rejectionsAfter', value: 2 },
    { key: 'lastSyncAt', value: '2026-01-03T00:00:00.000Z' }
  ];
  await v1.table('apps').put(v1App);
  await v1.table('drafts').put(draft);
  await v1.table('outbox').bulkPut(outbox);
  await v1.table('meta').bulkPut(meta);
  v1.close();
}

describe('Dexie schema migration', () => {
  it('upgrades data written by version 1 to the current version without losing any of it', async () => {
    const deps = freshBrowser();
    await writeV1(deps);

    const db = await openUserDb(USER, BUSINESS, deps);
    expect(db.verno).toBe(DB_VERSION);

    const app = await db.apps.get(v1App.id);
    expect(app).toMatchObject({ name: 'Corner Shop', version: 7, pending: true });
    expect(app).toMatchObject({ syncError: null, conflict: null, localLogo: null });
    expect(app?.server).toMatchObject({ id: v1App.id, version: 7, deleted: false });
    expect(app?.server).not.toHaveProperty('pending');

    const draft = await db.drafts.get('dr_draft1');
    expect(draft?.values).toEqual({ name: 'Half typed' });
    expect(draft?.logo?.name).toBe('logo.png');
    expect(draft?.logo?.type).toBe('image/png');
    expect([...new Uint8Array(await draft!.logo!.blob.arrayBuffer())]).toEqual([
      0x89, 0x50, 0x4e, 0x47
    ]);
    expect(draft).not.toHaveProperty('logoBlob');

    const outbox = await db.outbox.orderBy('id').toArray();
    expect(outbox.map((e) => [e.id, e.recordId])).toEqual([
      [4, v1App.id],
      [5, v1App.id]
    ]);

    const meta = await readMeta(db);
    expect(meta).toMatchObject({
      clientId: 'cl_v1clientv1clientv1',
      // Version 1 kept no server copies: the next pull rebuilds them from the start.
      cursor: 0,
      lastMutationId: 5,
      rejectionsAfter: 2,
      lastSyncAt: '2026-01-03T00:00:00.000Z',
      updateRequired: null
    });
    expect(await db.meta.count()).toBe(1);
    db.close();
  });

  it('creates a fresh database at the current version with its own client id', async () => {
    const a = await openUserDb(USER, BUSINESS, freshBrowser());
    const b = await openUserDb(USER, BUSINESS, freshBrowser());
    const [ma, mb] = [await readMeta(a), await readMeta(b)];
    expect(ma.clientId).toMatch(/^cl_[A-Za-z0-9]{22}$/);
    expect(ma.clientId).not.toBe(mb.clientId);
    expect(ma).toMatchObject({ cursor: 0, lastMutationId: 0, rejectionsAfter: 0 });
    a.close();
    b.close();
  });

  it('keeps the client id when the database is opened again', async () => {
    const deps = freshBrowser();
    const first = await openUserDb(USER, BUSINESS, deps);
    const { clientId } = await readMeta(first);
    first.close();
    const again = await openUserDb(USER, BUSINESS, deps);
    expect((await readMeta(again)).clientId).toBe(clientId);
    again.close();
  });
});
