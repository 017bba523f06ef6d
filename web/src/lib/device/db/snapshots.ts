import type { KspayDb } from './database';
import type { Snapshot } from './types';

/** Stores the latest server answer for an offline read; replaces the previous one. */
export async function saveSnapshot<T>(db: KspayDb, key: string, appId: string, data: T) {
  const row: Snapshot<T> = { key, appId, data, asOf: new Date().toISOString() };
  await db.snapshots.put(row);
  return row;
}

export async function loadSnapshot<T>(db: KspayDb, key: string): Promise<Snapshot<T> | null> {
  return ((await db.snapshots.get(key)) as Snapshot<T> | undefined) ?? null;
}
