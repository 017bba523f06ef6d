import { openUserDb, type KspayDb } from './db/database';
import { SyncEngine } from './sync/engine';
import { countUnsynced, deleteLocalData, deleteReplica, type Unsynced } from './sync/local-data';
import { SyncStatus } from './sync/status.svelte';

/**
 * The signed-in person's browser-side data for the business they work in: the replica
 * database of that business, its sync engine and status.
 */
export interface UserLocal {
  userId: string;
  businessId: string;
  db: KspayDb;
  engine: SyncEngine;
  status: SyncStatus;
}

/**
 * The one open local database of this tab. It is one user's replica of one business at a time:
 * opening another (another user, or the switcher's other business) closes the previous one
 * first, so a tab never shows or syncs two merchants' or two businesses' data.
 * It stays open across pages (and across a trip to the sign-in page after a 401, so the outbox
 * simply resumes when the same merchant signs in again); only sign-out deletes it.
 */
class LocalStore {
  current = $state.raw<UserLocal | null>(null);
  /** Why the database could not be opened (storage blocked, disk full), for the pages to say. */
  error = $state<string | null>(null);
  /** Called when another tab deleted this user's database (it signed out). */
  onWipedElsewhere: (() => void) | null = null;
  /**
   * Called once the server answered `not_a_member` for the open replica and it was deleted
   * (the person left or was removed): the shell moves to another business and says why.
   */
  onNotAMember: ((businessId: string) => void) | null = null;

  #opening: { key: string; promise: Promise<UserLocal | null> } | null = null;

  /** Opens (or reuses) the replica and starts syncing; null when IndexedDB failed. */
  open(userId: string, businessId: string): Promise<UserLocal | null> {
    const current = this.current;
    if (current?.userId === userId && current.businessId === businessId) {
      // Back after signing in again: a sync paused by a 401 picks the outbox up again.
      if (current.engine.state.phase === 'signed-out') current.engine.resume();
      return Promise.resolve(current);
    }
    const key = `${userId} ${businessId}`;
    if (this.#opening?.key === key) return this.#opening.promise;
    const promise = this.#open(userId, businessId).finally(() => (this.#opening = null));
    this.#opening = { key, promise };
    return promise;
  }

  async #open(userId: string, businessId: string): Promise<UserLocal | null> {
    await this.close();
    try {
      const db = await openUserDb(userId, businessId);
      db.on('versionchange', (ev: IDBVersionChangeEvent) => {
        // Another tab deleted the database: that tab signed this merchant out. Closing for
        // good (no auto-open) keeps a live query here from re-creating an empty database.
        if (!ev.newVersion) {
          void this.close().then(() => this.onWipedElsewhere?.());
        }
      });
      const engine = new SyncEngine(db);
      const status = new SyncStatus(db, engine);
      engine.subscribe((s) => {
        if (s.phase === 'not-a-member') void this.#notAMember(userId, businessId);
      });
      await engine.start();
      // A new sign-in: if another tab of this merchant leads a sync paused by a 401, it resumes.
      engine.resume();
      this.error = null;
      this.current = { userId, businessId, db, engine, status };
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

  /** Sign-out, device side: stops syncing and deletes every replica of the user, and caches. */
  async wipe(userId: string): Promise<void> {
    await this.close();
    await deleteLocalData(userId);
  }

  /**
   * The business is no longer this person's: its replica (outbox and drafts included: the
   * server would refuse every one of them) leaves the device, whichever tab learnt it first.
   */
  async #notAMember(userId: string, businessId: string): Promise<void> {
    const c = this.current;
    if (c?.userId === userId && c.businessId === businessId) await this.close();
    await deleteReplica(userId, businessId).catch(() => undefined);
    this.onNotAMember?.(businessId);
  }
}

export const local = new LocalStore();

/** The open database; pages call this only below the shell, which opens it before rendering. */
export function requireLocal(): UserLocal {
  const c = local.current;
  if (!c) throw new Error('The local database is not open');
  return c;
}
