import Dexie from 'dexie';
import { dbName, isReplicaOf, type DbDeps, type KspayDb } from '../db/database';

export interface Unsynced {
  /** Local changes the server has not confirmed (outbox entries). */
  changes: number;
  /** Apps the server refused to create, kept only here. */
  refused: number;
  /** Unsaved forms. */
  drafts: number;
}

/** What signing out would throw away, for the warning before it. */
export async function countUnsynced(db: KspayDb): Promise<Unsynced> {
  return db.transaction('r', [db.outbox, db.apps, db.drafts], async () => ({
    changes: await db.outbox.count(),
    refused: await db.apps.filter((a) => a.server === null && !a.pending).count(),
    drafts: await db.drafts.count()
  }));
}

/**
 * The service worker's precache: the app shell, no user data. Workbox names it
 * `<cacheId>-precache-v2-<scope>` (`kspay-…` from web/scripts/build-sw.js, `workbox-…` by
 * default) and keeps a `…-temp` beside it while installing; any of these must survive sign-out,
 * or the app stops opening offline until a new version installs.
 */
export const isAppShellCache = (name: string): boolean => /^[\w-]*?-precache-/.test(name);

/** One replica, when its business is no longer the user's (other tabs' connections close). */
export async function deleteReplica(
  userId: string,
  businessId: string,
  deps: DbDeps = {}
): Promise<void> {
  await new Dexie(dbName(userId, businessId), deps).delete();
}

/**
 * Sign-out: deletes every replica of the user, of every business (other tabs' connections are
 * closed by Dexie on the version change), including businesses this device no longer lists,
 * and every other cache (runtime copies of API answers, logos). The app shell stays so the app
 * still opens offline.
 */
export async function deleteLocalData(userId: string, deps: DbDeps = {}): Promise<void> {
  const factory = deps.indexedDB ?? globalThis.indexedDB;
  const databases = (await factory.databases()).map((d) => d.name ?? '');
  await Promise.all(
    databases.filter((n) => isReplicaOf(userId, n)).map((n) => new Dexie(n, deps).delete())
  );
  const caches = globalThis.caches as CacheStorage | undefined;
  if (!caches) return;
  const names = await caches.keys();
  await Promise.all(names.filter((n) => !isAppShellCache(n)).map((n) => caches.delete(n)));
}
