import type { KspayDb } from '../db/database';

/**
 * In-tab signal "the outbox grew", from the mutation functions to this tab's sync engine
 * (which forwards it to the syncing tab when it is not that tab). Keyed by the database object
 * so two users' databases, or two test clients, never nudge each other.
 */
const listeners = new WeakMap<KspayDb, Set<() => void>>();

export function onLocalWrite(db: KspayDb, fn: () => void): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

export function emitLocalWrite(db: KspayDb): void {
  for (const fn of listeners.get(db) ?? []) fn();
}
