import { liveQuery, type Observable } from 'dexie';
import type { KspayDb } from './database';
import type { LocalApp } from './types';

/**
 * Views for the UI. The `live*` ones are Dexie observables (Svelte store contract: `$apps`)
 * that re-run on every change to the tables they read, in this tab or another one.
 */

/** The merchant's apps, newest first; pending and refused ones included. */
export function listApps(db: KspayDb): Promise<LocalApp[]> {
  return db.apps.orderBy('createdAt').reverse().toArray();
}

export const liveApps = (db: KspayDb): Observable<LocalApp[]> => liveQuery(() => listApps(db));

export const liveApp = (db: KspayDb, id: string): Observable<LocalApp | undefined> =>
  liveQuery(() => db.apps.get(id));

/**
 * The stored logo's address (`v` changes with the content, so caches never show an old one),
 * or null. A logo still waiting in the outbox has no address yet: show `app.localLogo`.
 */
export function serverLogoUrl(app: Pick<LocalApp, 'id' | 'logoHash'>): string | null {
  if (!app.logoHash) return null;
  return `/api/apps/${encodeURIComponent(app.id)}/logo?v=${encodeURIComponent(app.logoHash)}`;
}
