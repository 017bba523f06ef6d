import type { KspayDb } from '../db/database';
import type { Draft, DraftKind, DraftLogo } from '../db/types';

/**
 * Drafts: every keystroke of a form reaches IndexedDB within DRAFT_DELAY_MS. Saves are
 * throttled per draft, not debounced: a merchant typing without pause still gets a write every
 * DRAFT_DELAY_MS (a pure debounce would wait for the pause and lose the burst on a crash).
 * The latest value always wins; a draft being submitted or discarded cancels its pending save
 * first, so a late timer cannot bring it back.
 */
export const DRAFT_DELAY_MS = 150;

export interface DraftInput {
  id: string;
  kind: DraftKind;
  appId?: string | null;
  values: Record<string, string>;
  /** The picked logo (kept as a Blob: it survives a reload), or null. */
  logo: DraftLogo | null;
}

interface PendingSave {
  input: DraftInput;
  timer: ReturnType<typeof setTimeout>;
  waiters: { resolve: () => void; reject: (err: unknown) => void }[];
}

const pendingByDb = new WeakMap<KspayDb, Map<string, PendingSave>>();

function pendingOf(db: KspayDb): Map<string, PendingSave> {
  let map = pendingByDb.get(db);
  if (!map) {
    const created = new Map<string, PendingSave>();
    pendingByDb.set(db, (map = created));
    const flush = () => void flushDrafts(db).catch(() => undefined);
    const hidden = () => {
      if (globalThis.document?.visibilityState === 'hidden') flush();
    };
    // Leaving the page (or the tab going to the background, where mobile browsers kill it)
    // writes what is pending at once instead of after the delay.
    globalThis.addEventListener?.('pagehide', flush);
    globalThis.document?.addEventListener('visibilitychange', hidden);
    // Closed (deleted at sign-out): a pending save must not reopen and recreate it.
    db.on('close', () => {
      [...created.keys()].forEach((id) => cancelPendingDraft(db, id));
      globalThis.removeEventListener?.('pagehide', flush);
      globalThis.document?.removeEventListener('visibilitychange', hidden);
    });
  }
  return map;
}

async function writeDraft(db: KspayDb, input: DraftInput): Promise<void> {
  const draft: Draft = {
    id: input.id,
    kind: input.kind,
    appId: input.appId ?? null,
    values: { ...input.values },
    logo: input.logo,
    updatedAt: new Date().toISOString()
  };
  await db.drafts.put(draft);
}

function fire(db: KspayDb, id: string): void {
  const map = pendingOf(db);
  const p = map.get(id);
  if (!p) return;
  map.delete(id);
  writeDraft(db, p.input).then(
    () => p.waiters.forEach((w) => w.resolve()),
    (err: unknown) => p.waiters.forEach((w) => w.reject(err))
  );
}

/**
 * Saves a form's current state. Resolves once a write containing this state (or a later one)
 * has committed. Call on every input event with the whole form state.
 */
export function saveDraft(db: KspayDb, input: DraftInput): Promise<void> {
  const map = pendingOf(db);
  const existing = map.get(input.id);
  return new Promise((resolve, reject) => {
    if (existing) {
      existing.input = input;
      existing.waiters.push({ resolve, reject });
      return;
    }
    const timer = setTimeout(() => fire(db, input.id), DRAFT_DELAY_MS);
    map.set(input.id, { input, timer, waiters: [{ resolve, reject }] });
  });
}

/** Writes every pending save now (on `pagehide`, before navigating away). */
export async function flushDrafts(db: KspayDb): Promise<void> {
  const map = pendingOf(db);
  const ids = [...map.keys()];
  const done = ids.map(
    (id) =>
      new Promise<void>((resolve, reject) => {
        map.get(id)?.waiters.push({ resolve, reject });
      })
  );
  for (const id of ids) {
    clearTimeout(map.get(id)?.timer);
    fire(db, id);
  }
  await Promise.all(done);
}

/** Drops a pending (not yet written) save; the stored draft is untouched. */
export function cancelPendingDraft(db: KspayDb, id: string): void {
  const map = pendingOf(db);
  const p = map.get(id);
  if (!p) return;
  clearTimeout(p.timer);
  map.delete(id);
  p.waiters.forEach((w) => w.resolve());
}

export function loadDraft(db: KspayDb, id: string): Promise<Draft | undefined> {
  return db.drafts.get(id);
}

/** Unfinished drafts, newest first. */
export function listDrafts(db: KspayDb, kind?: DraftKind): Promise<Draft[]> {
  return db.drafts
    .orderBy('updatedAt')
    .reverse()
    .filter((d) => kind === undefined || d.kind === kind)
    .toArray();
}

export async function discardDraft(db: KspayDb, id: string): Promise<void> {
  cancelPendingDraft(db, id);
  await db.drafts.delete(id);
}

/** The one draft of an app's edit form. */
export const editDraftId = (appId: string) => `edit-${appId}`;
