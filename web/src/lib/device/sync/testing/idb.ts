import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { DbDeps } from '../../db/database';

/**
 * A separate in-memory IndexedDB per call: one "browser". Two browsers of the same merchant
 * use the same database name without seeing each other's data, as on two real devices.
 */
export function freshBrowser(): Required<DbDeps> {
  return { indexedDB: new IDBFactory(), IDBKeyRange };
}
