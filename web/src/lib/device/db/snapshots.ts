import type { KspayDb } from './database';
import type { Snapshot } from './types';

/** This device's clock, as snapshots record it. */
export const nowIso = (): string => new Date().toISOString();

/** Stores the latest server answer for an offline read; replaces the previous one. */
export async function saveSnapshot<T>(db: KspayDb, key: string, appId: string, data: T) {
  const row: Snapshot<T> = { key, appId, data, asOf: nowIso() };
  await db.snapshots.put(row);
  return row;
}

export async function loadSnapshot<T>(db: KspayDb, key: string): Promise<Snapshot<T> | null> {
  return ((await db.snapshots.get(key)) as Snapshot<T> | undefined) ?? null;
}
