import { openUserDb, type KspayDb } from './db/database';
import { SyncEngine } from './sync/engine';
import { countUnsynced, deleteLocalData, type Unsynced } from './sync/local-data';
import { SyncStatus } from './sync/status.svelte';

/** The signed-in merchant's browser-side data: their database, its sync engine and status. */
export interface UserLocal {
  userId: string;
  db: KspayDb;
  engine: SyncEngine;
  status: SyncStatus;
}

/**
 * The one open local database of this tab. It belongs to one user at a time: opening another
 * user's closes the previous one first, so a tab never shows or syncs two merchants' data.
 * It stays open across pages (and across a trip to the sign-in page after a 401, so the outbox
 * simply resumes when the same merchant signs in again); only sign-out deletes it.
 */
class LocalStore {
  current = $state.raw<UserLocal | null>(null);
  /** Why the database could not be opened (storage blocked, disk full), for the pages to say. */
  error = $state<string | null>(null);
  /** Called when another tab deleted this user's database (it signed out). */
  onWipedElsewhere: (() => void) | null = null;

  #opening: { userId: string; promise: Promise<UserLocal | null> } | null = null;

  /** Opens (or reuses) the user's database and starts syncing; null when IndexedDB failed. */
  open(userId: string): Promise<UserLocal | null> {
    const current = this.current;
    if (current?.userId === userId) {
      // Back after signing in again: a sync paused by a 401 picks the outbox up again.
      if (current.engine.state.phase === 'signed-out') current.engine.resume();
      return Promise.resolve(current);
    }
    if (this.#opening?.userId === userId) return this.#opening.promise;
    const promise = this.#open(userId).finally(() => (this.#opening = null));
    this.#opening = { userId, promise };
    return promise;
  }

  async #open(userId: string): Promise<UserLocal | null> {
    await this.close();
    try {
      const db = await openUserDb(userId);
      db.on('versionchange', (ev: IDBVersionChangeEvent) => {
        // Another tab deleted the database: that tab signed this merchant out. Closing for
        // good (no auto-open) keeps a live query here from re-creating an empty database.
        if (!ev.newVersion) {
          void this.close().then(() => this.onWipedElsewhere?.());
        }
      });
      const engine = new SyncEngine(db);
      const status = new SyncStatus(db, engine);
      await engine.start();
      // A new sign-in: if another tab of this merchant leads a sync paused by a 401, it resumes.
      engine.resume();
      this.error = null;
      this.current = { userId, db, engine, status };
      return this.current;
    } catch (err) {
      this.error =
        err instanceof Error && err.name === 'QuotaExceededError'
          ? 'This device has no room left to store your work.'
          : 'This browser does not let KS Pay store data on this device (private mode?).';
      return null;
    }
  }

  async close(): Promise<void> {
    const c = this.current;
    if (!c) return;
    this.current = null;
    c.status.destroy();
    await c.engine.stop();
    c.db.close({ disableAutoOpen: true });
  }

  /** What signing out would throw away (zero when nothing is open). */
  async unsynced(): Promise<Unsynced> {
    const c = this.current;
    return c ? countUnsynced(c.db) : { changes: 0, refused: 0, drafts: 0 };
  }

  /** Sign-out, device side: stops syncing and deletes the user's database and caches. */
  async wipe(userId: string): Promise<void> {
    await this.close();
    await deleteLocalData(userId);
  }
}

export const local = new LocalStore();

/** The open database; pages call this only below the shell, which opens it before rendering. */
export function requireLocal(): UserLocal {
  const c = local.current;
  if (!c) throw new Error('The local database is not open');
  return c;
}
