import { describe, expect, it } from 'vitest';
import { openUserDb, readMeta, type KspayDb } from '../db/database';
import { saveDraft } from '../drafts/drafts';
import { appInput, pngBlob } from './testing/fixtures';
import { freshBrowser } from './testing/idb';
import { applyPullPage } from './apply';
import { LocalWriteError } from './errors';
import { createApp, setAppStatus, updateApp } from './mutations';

const open = () => openUserDb('us_mutations', 'bu_mutations', freshBrowser());

async function outboxIds(db: KspayDb) {
  return (await db.outbox.orderBy('id').toArray()).map((e) => e.id);
}

describe('local writes: outbox numbering', () => {
  it('numbers mutations 1, 2, 3… without gaps, also when written concurrently', async () => {
    const db = await open();
    const first = await createApp(db, appInput({ name: 'App zero' }), null);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0
          ? createApp(db, appInput({ name: `App ${i + 1}` }), null)
          : updateApp(db, first.id, appInput({ name: `Renamed ${i}` }))
      )
    );
    expect(await outboxIds(db)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect((await readMeta(db)).lastMutationId).toBe(13);
    expect(await db.apps.count()).toBe(7);
    expect((await db.apps.toArray()).every((a) => a.pending)).toBe(true);
  });

  it('shows a created app at once, pending, with a client-made id and the normalised fields', async () => {
    const db = await open();
    const row = await createApp(db, appInput({ email: ' Shop@Example.COM ', country: 'in' }), null);
    expect(row.id).toMatch(/^ap_[A-Za-z0-9]{9}$/);
    expect(await db.apps.get(row.id)).toMatchObject({
      email: 'shop@example.com',
      country: 'IN',
      phone: null,
      status: 'active',
      pending: true,
      server: null,
      version: 0
    });
    const [entry] = await db.outbox.toArray();
    expect(entry).toMatchObject({ id: 1, name: 'app.create', recordId: row.id });
    expect(entry?.args).toMatchObject({
      id: row.id,
      logo: null,
      fields: { email: 'shop@example.com' }
    });
  });

  it('puts the logo into the mutation as base64 with the type its bytes have', async () => {
    const db = await open();
    const logo = pngBlob(300);
    const row = await createApp(db, appInput(), new Blob([logo], { type: 'image/jpeg' }));
    const args = (await db.outbox.get(1))?.args as { logo: { type: string; data: string } };
    expect(args.logo.type).toBe('image/png');
    expect(atob(args.logo.data).length).toBe(300);
    const stored = await db.apps.get(row.id);
    expect(stored?.localLogo?.size).toBe(300);
  });

  it('carries the replica version as baseVersion on edits and status changes', async () => {
    const db = await open();
    const row = await createApp(db, appInput(), null);
    // The server applied the create and a pull brought the row back at version 41.
    const { pending: _p, syncError: _s, conflict: _c, server: _v, localLogo: _l, ...fields } = row;
    await applyPullPage(db, {
      cursor: 41,
      lastMutationId: 1,
      apps: [{ ...fields, version: 41, deleted: false }],
      rejections: [],
      hasMore: false
    });
    await updateApp(db, row.id, appInput({ city: 'Pune' }));
    await setAppStatus(db, row.id, 'disabled');
    const [update, status] = await db.outbox.orderBy('id').toArray();
    expect(update?.args).toMatchObject({ baseVersion: 41, fields: { city: 'Pune' } });
    expect(update?.args).not.toHaveProperty('logo');
    expect(status?.args).toEqual({ id: row.id, baseVersion: 41, status: 'disabled' });
    expect(await db.apps.get(row.id)).toMatchObject({ city: 'Pune', status: 'disabled' });
  });
});

describe('local writes: atomicity', () => {
  it('refuses bad input with field messages and stores nothing', async () => {
    const db = await open();
    const err = await createApp(db, appInput({ name: 'x', postalCode: '' }), null).catch(
      (e: unknown) => e
    );
    expect(err).toBeInstanceOf(LocalWriteError);
    expect(Object.keys((err as LocalWriteError).fields).sort()).toEqual(['name', 'postalCode']);
    const fake = new Blob(['just some text, not an image'], { type: 'image/png' });
    await expect(createApp(db, appInput(), fake)).rejects.toThrow(/JPG or PNG/);
    await expect(updateApp(db, 'ap_missing01', appInput())).rejects.toThrow(LocalWriteError);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.apps.count()).toBe(0);
    expect((await readMeta(db)).lastMutationId).toBe(0);
  });

  it('rolls back the replica change and the counter when any part of the write fails', async () => {
    const db = await open();
    await saveDraft(db, { id: 'dr_form', kind: 'app-register', values: { name: 'A' }, logo: null });
    db.drafts.hook('deleting', () => {
      throw new Error('disk full');
    });
    await expect(createApp(db, appInput(), null, { draftId: 'dr_form' })).rejects.toThrow(
      'disk full'
    );
    expect(await db.outbox.count()).toBe(0);
    expect(await db.apps.count()).toBe(0);
    expect((await readMeta(db)).lastMutationId).toBe(0);
    expect(await db.drafts.get('dr_form')).toBeDefined();
  });

  it('removes the submitted form’s draft in the same write, and a late keystroke cannot revive it', async () => {
    const db = await open();
    await saveDraft(db, {
      id: 'dr_form',
      kind: 'app-register',
      values: { name: 'Cor' },
      logo: null
    });
    const late = saveDraft(db, {
      id: 'dr_form',
      kind: 'app-register',
      values: { name: 'Corner' },
      logo: null
    });
    await createApp(db, appInput(), null, { draftId: 'dr_form' });
    await late;
    await new Promise((r) => setTimeout(r, 250));
    expect(await db.drafts.get('dr_form')).toBeUndefined();
    expect(await db.outbox.count()).toBe(1);
  });
});
