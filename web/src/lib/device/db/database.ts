import Dexie, { type Table } from 'dexie';
import { newClientId } from '@kspay/shared/ids';
import { upgradeToV2, V1_STORES } from './migrations';
import {
  META_KEY,
  type Draft,
  type LocalApp,
  type OutboxEntry,
  type LocalRequestLog,
  type Snapshot,
  type SyncMeta
} from './types';

/**
 * The per-user browser database. Every schema version ever shipped stays declared: a browser
 * that last ran an old build upgrades step by step through each `upgrade()`, so no version can
 * be removed once released. Add a version with the new stores and an upgrade; never edit one.
 */
const V2_STORES = {
  apps: 'id, createdAt',
  drafts: 'id, updatedAt, appId',
  outbox: 'id, recordId',
  meta: 'key'
};

/**
 * v3 adds `snapshots`: the last server answer of read-only pages (the key list without secrets,
 * the overview figures, transaction pages), so they render offline with an "as of" time. It
 * holds no secret: a generated secret key lives only in component memory.
 */
const V3_STORES = { ...V2_STORES, snapshots: 'key, appId' };

/**
 * v4 adds `requestLogs`: the newest request logs of each app (lib/logs), redacted by the
 * server before they were ever stored, so the Logs page reads offline with an "as of" time.
 */
const V4_STORES = { ...V3_STORES, requestLogs: 'id, appId, [appId+createdAt]' };

export const DB_VERSION = 4;

/** Where a database lives: the real browser's IndexedDB, or a fake-indexeddb factory in tests. */
export interface DbDeps {
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
}

export function dbName(userId: string): string {
  return `kspay-${userId}`;
}

export class KspayDb extends Dexie {
  apps!: Table<LocalApp, string>;
  drafts!: Table<Draft, string>;
  outbox!: Table<OutboxEntry, number>;
  meta!: Table<SyncMeta, string>;
  snapshots!: Table<Snapshot, string>;
  requestLogs!: Table<LocalRequestLog, string>;
  readonly userId: string;

  constructor(userId: string, deps: DbDeps = {}) {
    super(dbName(userId), deps);
    this.userId = userId;
    this.version(1).stores(V1_STORES);
    this.version(2).stores(V2_STORES).upgrade(upgradeToV2);
    this.version(3).stores(V3_STORES);
    this.version(4).stores(V4_STORES);
    this.on('populate', (tx) => {
      void tx.table('meta').add(freshMeta());
    });
    this.on('versionchange', (ev) => {
      // A newer build upgrading the schema: Dexie's default closes and reopens on next use.
      if (ev.newVersion) return;
      // Deleted (sign-out, maybe in another tab): stay closed, so that no late write (a sync
      // finishing, a draft timer) silently recreates the merchant's database.
      this.close({ disableAutoOpen: true });
      return false;
    });
  }
}

function freshMeta(clientId = newClientId()): SyncMeta {
  return {
    key: META_KEY,
    clientId,
    cursor: 0,
    lastMutationId: 0,
    rejectionsAfter: 0,
    lastSyncAt: null,
    lastSyncError: null,
    updateRequired: null
  };
}

/** Opens (creating or upgrading) the database of one signed-in user. */
export async function openUserDb(userId: string, deps: DbDeps = {}): Promise<KspayDb> {
  const db = new KspayDb(userId, deps);
  await db.open();
  return db;
}

/** The sync row; created once with the database (populate or the v1 upgrade), never replaced. */
export async function readMeta(db: KspayDb): Promise<SyncMeta> {
  const meta = await db.meta.get(META_KEY);
  if (!meta) throw new Error(`The local database ${db.name} has no sync metadata`);
  return meta;
}
