import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openUserDb, type KspayDb } from '../db/database';
import { ageOf, discardRefused, readSyncDetails, resubmitRefused } from './details';
import { SyncEngine } from './engine';
import { createApp, setAppStatus, updateApp } from './mutations';
import { syncOnce } from './protocol';
import { appInput } from './testing/fixtures';
import { freshBrowser } from './testing/idb';
import { realServer, type RealServer } from './testing/server';

let server: RealServer;
beforeEach(async () => {
  server = await realServer();
});
afterEach(() => server.close());

const browser = (): Promise<KspayDb> =>
  openUserDb(server.merchantId, server.businessId, freshBrowser());

/** Browser `b` registers a name `a` already registered: KS Pay refuses it on sync. */
async function refusedRegistration() {
  const a = await browser();
  const b = await browser();
  await createApp(a, appInput({ name: 'Tea Stall' }), null);
  await syncOnce(a, server.fetch);
  const dup = await createApp(b, appInput({ name: 'tea stall', city: 'Pune' }), null);
  await syncOnce(b, server.fetch);
  return { a, b, dup };
}

describe('sync details: ages', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  const ago = (seconds: number) => ageOf(new Date(now - seconds * 1000).toISOString(), now);

  it('says how long a change has waited in words', () => {
    expect(ago(10)).toBe('just now');
    expect(ago(60)).toBe('1 minute ago');
    expect(ago(150)).toBe('2 minutes ago');
    expect(ago(3 * 3600 + 1200)).toBe('3 hours ago');
    expect(ago(26 * 3600)).toBe('yesterday');
    expect(ago(5 * 86_400)).toBe('5 days ago');
    // A clock that moved back never shows a change from the future.
    expect(ago(-300)).toBe('just now');
  });
});

describe('sync details: waiting changes', () => {
  it('names each queued change by its app, in order, and counts repeated edits as one line', async () => {
    const db = await browser();
    const chai = await createApp(db, appInput({ name: 'Chai & Co.' }), null);
    await updateApp(db, chai.id, appInput({ name: 'Chai & Co.', city: 'Pune' }));
    await updateApp(db, chai.id, appInput({ name: 'Chai & Co.', city: 'Nashik' }));
    await setAppStatus(db, chai.id, 'disabled');
    await createApp(db, appInput({ name: 'Dosa Hut' }), null);

    const details = await readSyncDetails(db);
    expect(details.waiting.map((w) => [w.label, w.count])).toEqual([
      ['Register app Chai & Co.', 1],
      ['Edit app Chai & Co.', 2],
      ['Disable app Chai & Co.', 1],
      ['Register app Dosa Hut', 1]
    ]);
    const outbox = await db.outbox.orderBy('id').toArray();
    expect(details.waiting[1]).toMatchObject({
      id: outbox[1]?.id,
      createdAt: outbox[1]?.createdAt
    });
    expect(details.refused).toEqual([]);
    expect(details.lastSyncAt).toBeNull();
  });

  it('empties when the server confirms them, and records when that was', async () => {
    const db = await browser();
    await createApp(db, appInput({ name: 'Chai & Co.' }), null);
    const engine = new SyncEngine(db, {
      fetch: server.fetch,
      locks: null,
      broadcast: false,
      windowEvents: false,
      pollMs: 0
    });
    await engine.start();
    await engine.sync();
    await engine.stop();
    const details = await readSyncDetails(db);
    expect(details.waiting).toEqual([]);
    expect(Date.parse(details.lastSyncAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('sync details: refused changes', () => {
  it('lists a refused registration with its reason', async () => {
    const { b, dup } = await refusedRegistration();
    const details = await readSyncDetails(b);
    expect(details.waiting).toEqual([]);
    expect(details.refused).toEqual([
      expect.objectContaining({
        recordId: dup.id,
        name: 'app.create',
        label: 'Register app tea stall',
        reason: 'You already have an app with this name',
        conflict: false,
        registered: false
      })
    ]);
  });

  it('discarding a refused registration removes it from this device', async () => {
    const { b, dup } = await refusedRegistration();
    await discardRefused(b, dup.id);
    expect(await b.apps.get(dup.id)).toBeUndefined();
    expect(await readSyncDetails(b)).toMatchObject({ waiting: [], refused: [] });
    await syncOnce(b, server.fetch);
    expect(await server.rows()).toHaveLength(1);
  });

  it('resubmitting after the cause is fixed registers the same app once', async () => {
    const { a, b, dup } = await refusedRegistration();
    // The other device renames its app, which frees the name.
    const [first] = await a.apps.toArray();
    await updateApp(a, first!.id, appInput({ name: 'Tea Stall Old Town' }));
    await syncOnce(a, server.fetch);

    await resubmitRefused(b, dup.id);
    const queued = await readSyncDetails(b);
    expect(queued.refused).toEqual([]);
    expect(queued.waiting.map((w) => w.label)).toEqual(['Register app tea stall']);
    expect((await b.outbox.toArray()).map((e) => [e.name, e.recordId])).toEqual([
      ['app.create', dup.id]
    ]);

    await syncOnce(b, server.fetch);
    expect(await readSyncDetails(b)).toMatchObject({ waiting: [], refused: [] });
    const rows = await server.rows();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === dup.id)).toMatchObject({ name: 'tea stall', city: 'Pune' });
  });

  it('resubmitting unchanged while the cause remains is refused again and listed again', async () => {
    const { b, dup } = await refusedRegistration();
    await resubmitRefused(b, dup.id);
    await syncOnce(b, server.fetch);
    const details = await readSyncDetails(b);
    expect(details.refused.map((r) => [r.recordId, r.reason])).toEqual([
      [dup.id, 'You already have an app with this name']
    ]);
  });

  it('discarding a refused edit keeps the app as KS Pay has it', async () => {
    const a = await browser();
    const app = await createApp(a, appInput({ name: 'Tea Stall' }), null);
    await createApp(a, appInput({ name: 'Coffee Cart' }), null);
    await syncOnce(a, server.fetch);
    await updateApp(a, app.id, appInput({ name: 'coffee cart' }));
    await syncOnce(a, server.fetch);

    const [refused] = (await readSyncDetails(a)).refused;
    expect(refused).toMatchObject({ label: 'Edit app coffee cart', registered: true });
    await discardRefused(a, app.id);
    expect(await a.apps.get(app.id)).toMatchObject({ name: 'Tea Stall', syncError: null });
    expect((await readSyncDetails(a)).refused).toEqual([]);
  });
});
