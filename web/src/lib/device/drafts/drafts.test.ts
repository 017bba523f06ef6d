import { describe, expect, it } from 'vitest';
import { openUserDb } from '../db/database';
import { pngBlob } from '../sync/testing/fixtures';
import { freshBrowser } from '../sync/testing/idb';
import {
  DRAFT_DELAY_MS,
  discardDraft,
  flushDrafts,
  listDrafts,
  loadDraft,
  saveDraft,
  type DraftInput
} from './drafts';

const open = () => openUserDb('us_drafts', 'bu_drafts', freshBrowser());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const form = (name: string, logo: DraftInput['logo'] = null): DraftInput => ({
  id: 'dr_register',
  kind: 'app-register',
  values: { name, email: 'a@b.co' },
  logo
});

describe('drafts', () => {
  it('lands every keystroke in IndexedDB within a fraction of a second, even while typing on', async () => {
    const db = await open();
    const text = 'Corner Shop Mumbai';
    const lags: number[] = [];
    for (let i = 1; i <= text.length; i++) {
      void saveDraft(db, form(text.slice(0, i)));
      const typedAt = Date.now();
      // Types a key every 40 ms; checks how long until what was typed is on disk.
      while ((await loadDraft(db, 'dr_register'))?.values.name !== text.slice(0, i)) {
        await sleep(10);
        if (Date.now() - typedAt > 1000) throw new Error(`keystroke ${i} never stored`);
      }
      lags.push(Date.now() - typedAt);
      await sleep(Math.max(0, 40 - lags.at(-1)!));
    }
    expect(Math.max(...lags)).toBeLessThan(DRAFT_DELAY_MS + 150);
  });

  it('keeps the picked logo as a Blob with its name and type across a reopen', async () => {
    const deps = freshBrowser();
    const db = await openUserDb('us_drafts', 'bu_drafts', deps);
    const blob = pngBlob(2048);
    await saveDraft(db, form('Half', { blob, name: 'shop.png', type: 'image/png' }));
    db.close();
    const reopened = await openUserDb('us_drafts', 'bu_drafts', deps);
    const draft = await loadDraft(reopened, 'dr_register');
    expect(draft).toMatchObject({ kind: 'app-register', appId: null, values: { name: 'Half' } });
    expect(draft?.logo).toMatchObject({ name: 'shop.png', type: 'image/png' });
    expect(new Uint8Array(await draft!.logo!.blob.arrayBuffer())).toEqual(
      new Uint8Array(await blob.arrayBuffer())
    );
  });

  it('writes the latest state on flush without waiting for the timer', async () => {
    const db = await open();
    void saveDraft(db, form('A'));
    void saveDraft(db, form('AB'));
    await flushDrafts(db);
    expect((await loadDraft(db, 'dr_register'))?.values.name).toBe('AB');
  });

  it('lists unfinished drafts newest first and discards one without a late save reviving it', async () => {
    const db = await open();
    await saveDraft(db, { ...form('Older'), id: 'dr_one' });
    await sleep(5);
    await saveDraft(db, { ...form('Newer'), id: 'dr_two' });
    expect((await listDrafts(db)).map((d) => d.id)).toEqual(['dr_two', 'dr_one']);
    void saveDraft(db, { ...form('Newer still'), id: 'dr_two' });
    await discardDraft(db, 'dr_two');
    await sleep(DRAFT_DELAY_MS + 100);
    expect((await listDrafts(db)).map((d) => d.id)).toEqual(['dr_one']);
    expect(await listDrafts(db, 'app-edit')).toEqual([]);
  });
});
