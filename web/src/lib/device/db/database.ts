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
 * A replica database (one per person and business, see `dbName`). Every schema version ever shipped stays declared: a browser
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

/**
 * One database per (person, business): a member of several businesses keeps a replica of each,
 * with its own sync client id, outbox and drafts, so nothing of one business shows in another.
 * The replica of the business migration 012 made for each existing account (id `bu_` + the
 * user id's suffix) keeps the name the per-user database had before teams (`kspay-<userId>`):
 * a browser that last ran a pre-teams build opens its old database, outbox and drafts
 * included, as that business's replica, with nothing to copy.
 */
export function dbName(userId: string, businessId: string): string {
  return businessId === ownBusinessId(userId) ? `kspay-${userId}` : `kspay-${userId}-${businessId}`;
}

/** The business migration 012 made for an account that existed before teams. */
export const ownBusinessId = (userId: string): string => `bu_${userId.slice(3)}`;

/** Whether `name` is one of `userId`'s replicas (of any business), for sign-out. */
export function isReplicaOf(userId: string, name: string): boolean {
  return name === `kspay-${userId}` || name.startsWith(`kspay-${userId}-bu_`);
}

export class KspayDb extends Dexie {
  apps!: Table<LocalApp, string>;
  drafts!: Table<Draft, string>;
  outbox!: Table<OutboxEntry, number>;
  meta!: Table<SyncMeta, string>;
  snapshots!: Table<Snapshot, string>;
  requestLogs!: Table<LocalRequestLog, string>;
  readonly userId: string;
  readonly businessId: string;

  constructor(userId: string, businessId: string, deps: DbDeps = {}) {
    super(dbName(userId, businessId), deps);
    this.userId = userId;
    this.businessId = businessId;
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

/** Opens (creating or upgrading) the signed-in user's replica of one business. */
export async function openUserDb(
  userId: string,
  businessId: string,
  deps: DbDeps = {}
): Promise<KspayDb> {
  const db = new KspayDb(userId, businessId, deps);
  await db.open();
  return db;
}

/** The sync row; created once with the database (populate or the v1 upgrade), never replaced. */
export async function readMeta(db: KspayDb): Promise<SyncMeta> {
  const meta = await db.meta.get(META_KEY);
  if (!meta) throw new Error(`The local database ${db.name} has no sync metadata`);
  return meta;
}
