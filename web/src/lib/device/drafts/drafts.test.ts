import { describe, expect, it, vi } from 'vitest';
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
  it('lands every keystroke in IndexedDB within DRAFT_DELAY_MS, even while typing on', async () => {
    const db = await open();
    // The browser's clock is a fake one here (IndexedDB's own scheduling is not), so a busy
    // machine cannot make a keystroke look late: only a save that waits for a pause can.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const text = 'Corner Shop Mumbai';
      const typedAt: number[] = [];
      for (let i = 1; i <= text.length; i++) {
        // Types a key every 40 ms, without a pause.
        typedAt.push(Date.now());
        void saveDraft(db, form(text.slice(0, i)));
        await vi.advanceTimersByTimeAsync(40);
        // A read waits for every write started before it: this is what is on disk now.
        const stored = (await loadDraft(db, 'dr_register'))?.values.name ?? '';
        const due = typedAt.filter((at) => at <= Date.now() - DRAFT_DELAY_MS).length;
        expect(
          stored.length,
          `${Date.now() - typedAt[0]!} ms after the first key`
        ).toBeGreaterThanOrEqual(due);
      }
      expect(typedAt.at(-1)! - typedAt[0]!).toBeGreaterThan(3 * DRAFT_DELAY_MS);
    } finally {
      vi.useRealTimers();
    }
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
