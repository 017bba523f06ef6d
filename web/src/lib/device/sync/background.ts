import { SYNC_SCHEMA_VERSION } from '@kspay/shared/sync';
import { dbName, ownBusinessId, type KspayDb } from '../db/database';
import { META_KEY } from '../db/types';
import { SyncError } from './errors';
import { lockName } from './leader';
import { syncOnce } from './protocol';
import type { FetchLike } from './transport';

/**
 * Background Sync (Chromium): the outbox also reaches KS Pay when the connection returns while
 * no tab of the console is open. A page registers a tag naming the user whose database holds
 * the waiting changes (a user and a business); the service worker's `sync` event runs the SAME protocol (protocol.ts)
 * over a same-origin fetch that carries the session cookie. Nothing else is stored: no request,
 * no header, no credential (unlike workbox's background-sync replay, DESIGN §4). A push made by
 * both a tab and the worker is harmless (mutation ids make it idempotent), but the worker still
 * keeps the one-syncer rule: it syncs only when it can take the user's sync lock at once, which
 * a tab that leads holds for as long as it is open.
 */

const TAG_PREFIX = 'kspay-outbox:';

/** Whose outbox: one user's replica of one business. */
export interface Replica {
  userId: string;
  businessId: string;
}

export const backgroundSyncTag = ({ userId, businessId }: Replica) =>
  `${TAG_PREFIX}${userId}:${businessId}`;

/**
 * The replica a tag is about; null for any other tag. A tag registered by a build before teams
 * names only the user: its outbox is the replica of the business migration 012 made for them.
 */
export function replicaOfTag(tag: string): Replica | null {
  const match = /^kspay-outbox:(us_[A-Za-z0-9]+)(?::(bu_[A-Za-z0-9]+))?$/.exec(tag);
  if (!match?.[1]) return null;
  return { userId: match[1], businessId: match[2] ?? ownBusinessId(match[1]) };
}

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

/**
 * Page side: asks the browser to wake the service worker once it is online. Browsers without
 * Background Sync (or without a worker yet) simply sync when a tab next opens, as before.
 */
export async function requestBackgroundSync(replica: Replica): Promise<void> {
  const container = globalThis.navigator?.serviceWorker;
  if (!container) return;
  try {
    const registration = await container.getRegistration();
    const sync = (registration as { sync?: SyncManagerLike } | undefined)?.sync;
    await sync?.register(backgroundSyncTag(replica));
  } catch {
    // Refused (permission, private mode): the tabs' own triggers still sync the outbox.
  }
}

/** `navigator.locks` with the one option the worker needs. */
export interface TryLock {
  request<T>(
    name: string,
    options: { ifAvailable: true },
    callback: (lock: unknown) => Promise<T>
  ): Promise<T>;
}

export interface BackgroundDeps {
  /** Null where the worker has no Web Locks: it then syncs without waiting for a lock. */
  locks: TryLock | null;
  /** The databases this origin has; the worker never creates one (sign-out deleted it). */
  databases: () => Promise<{ name?: string }[]>;
  open: (replica: Replica) => Promise<KspayDb>;
  fetch: FetchLike;
}

export type FlushResult =
  | 'synced'
  | 'nothing-waiting'
  | 'busy'
  | 'no-database'
  | 'signed-out'
  | 'update-required'
  | 'not-a-member';

/**
 * Worker side: one pass for one replica's outbox. A transient failure rejects, so the browser
 * retries the `sync` event later with its own backoff; a 401 or an outdated schema resolves
 * (retrying cannot help until the merchant signs in or updates) and is left in the database
 * for the next tab to show, exactly as the tab's engine records it.
 */
export async function flushOutbox(replica: Replica, deps: BackgroundDeps): Promise<FlushResult> {
  const name = dbName(replica.userId, replica.businessId);
  const run = async (): Promise<FlushResult> => {
    const names = await deps.databases();
    if (!names.some((d) => d.name === name)) return 'no-database';
    const db = await deps.open(replica);
    try {
      if ((await db.outbox.count()) === 0) return 'nothing-waiting';
      try {
        await syncOnce(db, deps.fetch);
      } catch (err) {
        const e = err instanceof SyncError ? err : new SyncError('transient', String(err));
        await db.meta.update(META_KEY, {
          lastSyncError: e.message,
          ...(e.kind === 'update-required' ? { updateRequired: SYNC_SCHEMA_VERSION } : {})
        });
        if (e.kind === 'signed-out' || e.kind === 'update-required' || e.kind === 'not-a-member') {
          return e.kind;
        }
        throw e;
      }
      await db.meta.update(META_KEY, {
        lastSyncAt: new Date().toISOString(),
        lastSyncError: null
      });
      return 'synced';
    } finally {
      db.close();
    }
  };
  if (!deps.locks) return run();
  return deps.locks.request(lockName(name), { ifAvailable: true }, (lock) =>
    lock ? run() : Promise.resolve<FlushResult>('busy')
  );
}
